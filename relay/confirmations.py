"""The double opt-in message: an e-mail with a confirmation link, or an SMS with a 6-digit code (a
manage link when the address is already confirmed). Queued by services.subscribe, built here when
the sender sends it: the secret is made then and only its HMAC is stored, so a retry after a
failed send carries a fresh one and the outbox never holds a working link."""
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import gsm, messages, services, tokens, transactional
from .models import ChannelKind, MessageKind


@transactional.builds(MessageKind.CONFIRMATION)
def build(delivery):
    subscription = delivery.subscription
    # In the language of the page the resident subscribed on (links to /en/… in English). A
    # confirmed subscription keeps its language when someone subscribes its address again.
    with translation.override(subscription.language):
        if subscription.channel == ChannelKind.SMS:
            return gsm.to_gsm(_sms_text(subscription))  # a translation too stays in GSM-7
        return _email(delivery, subscription)


def _email(delivery, subscription):
    territory = subscription.territory
    context = {"territory": territory, "manage_url": messages.manage_url(subscription)}
    if subscription.is_confirmed:
        template, subject = "relay/email/already.txt", f"[{territory.name}] " + _("Votre abonnement")
    else:
        secret = services.issue_secret(subscription)
        token = tokens.confirm_link_token(subscription, secret)
        context["confirm_url"] = messages.absolute(reverse("relay:confirm", args=[territory.slug, token]))
        template, subject = "relay/email/confirm.txt", f"[{territory.name}] " + _("Confirmer votre abonnement")
    return transactional.email(delivery, subject, render_to_string(template, context))


def _sms_text(subscription):
    territory = subscription.territory
    if subscription.is_confirmed:
        # Translators: an SMS, written without accents like the rest of the SMS texts.
        return _("%(territory)s : vous etes deja abonne. Gerer : %(url)s") % {
            "territory": territory.name, "url": messages.manage_url(subscription)}
    code = services.issue_secret(subscription)
    return _("%(territory)s : votre code de confirmation est %(code)s. Il est valable 24 h.") % {
        "territory": territory.name, "code": code}
