"""The signed tokens of the relay's links: confirming an e-mail address, the SMS code's page,
managing or leaving a subscription, a partner's webhook follow-up. Signed with
django.core.signing; each kind has its own salt, so that no token opens another kind of page.

A module of its own, low in relay (it needs only the models), so that the messages that carry
these links do not import relay.services, which queues those messages."""
from datetime import timedelta

from django.core import signing

from .models import ChannelKind, Subscription

CONFIRM_SALT = "relay.confirm"
MANAGE_SALT = "relay.manage"
CODE_PAGE_SALT = "relay.code"
PARTNER_SALT = "relay.webhook-partner"
CONFIRM_LINK_DAYS = 7


def confirm_link_token(subscription, secret):
    return signing.dumps({"s": subscription.pk, "t": secret}, salt=CONFIRM_SALT)


def confirm_link_data(token):
    """{"s": subscription id, "t": secret} of an e-mailed confirmation link, or None when it was
    tampered with or is older than CONFIRM_LINK_DAYS."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_LINK_DAYS))
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def code_page_token(subscription):
    return signing.dumps(subscription.pk, salt=CODE_PAGE_SALT)


def subscription_for_code_page(token):
    try:
        pk = signing.loads(token, salt=CODE_PAGE_SALT, max_age=timedelta(days=1))
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk, channel=ChannelKind.SMS).first()


def manage_token(subscription):
    return signing.dumps({"s": subscription.pk, "n": subscription.manage_nonce}, salt=MANAGE_SALT)


def subscription_for_manage_token(token):
    """The subscription a manage/unsubscribe link is for, or None once it is gone."""
    try:
        data = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=data.get("s"), manage_nonce=data.get("n")).first()


def partner_token(webhook):
    """The token of the partner's follow-up link (lien de suivi): no expiry, so the coordinator
    can resend it; the nonce makes it die with the webhook even if its id were ever reused. No
    timestamp either, so the link shown at creation and on the detail page is the same one."""
    return signing.Signer(salt=PARTNER_SALT).sign_object({"s": webhook.pk, "n": webhook.manage_nonce}, compress=True)


def webhook_for_partner_token(token):
    """The webhook a follow-up link is for, or None (tampered, or the webhook was deleted)."""
    try:
        data = signing.Signer(salt=PARTNER_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return (
        Subscription.objects.filter(channel=ChannelKind.WEBHOOK, pk=data.get("s"), manage_nonce=data.get("n"))
        .select_related("territory")
        .first()
    )
