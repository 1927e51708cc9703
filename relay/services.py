"""Residents' and partners' subscriptions: subscribe, confirm (double opt-in), manage,
unsubscribe. Errors are ValidationError with French messages keyed by field; nothing is
changed when one is raised.

Secrets (e-mail token, SMS code) are made by the task that sends them and only their HMAC
is stored; links are signed with django.core.signing (relay.tokens)."""
import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riverains import ratelimit

from . import alerts, conf, transactional
from .channels import policy
from .addresses import check_sms_country, normalize, normalize_social
from .models import ChannelKind, Delivery, DeliveryStatus, Digest, MessageKind, Subscription
from .tokens import confirm_link_data
from .tokens import (  # noqa: F401  (the links' tokens: tests and other apps still reach them here)
    code_page_token, confirm_link_token, manage_token, partner_token, subscription_for_code_page,
    subscription_for_manage_token, webhook_for_partner_token,
)

MAX_CODE_ATTEMPTS = 5


def subscribe(territory, channel, address, communes, sites=(), categories=(), digest=Digest.IMMEDIATE,
              quiet_start=None, quiet_end=None, push_keys=None, language=settings.LANGUAGE_CODE, proven=False):
    """Record a resident's subscription and send the confirmation (e-mail link or SMS code).

    `proven`: the address itself asked (an SMS "ABO 76600" sent from that phone, textline): it is
    confirmed at once and no code is sent — the caller answers — but the country list, the
    per-address and the territory's hourly limits count it as a confirmation SMS; a confirmed
    subscription gets the new communes added.

    `language` is the language of the page the resident subscribed on (the view passes it;
    other callers get French): every message to them, the confirmation first, is in it.

    A browser's push subscription is confirmed at once: the browser's own permission prompt is
    the second consent. Subscribing again with a known address never changes a confirmed
    subscription (anyone may type anyone's address), its language included: it sends the manage
    link instead, in the language the subscription already has."""
    address, push_keys = normalize(channel, address, push_keys)
    if policy(channel).paid:
        check_sms_country(territory, address)
    communes = _check_filters(territory, communes, sites)
    try:
        try:
            return _subscribe(territory, channel, address, communes, sites, categories, digest, quiet_start,
                              quiet_end, push_keys, language, proven)
        except IntegrityError:
            # The same new address from two requests at once: the other one created the row (its
            # unique key refused ours); now it exists, and this request is a second subscription.
            return _subscribe(territory, channel, address, communes, sites, categories, digest, quiet_start,
                              quiet_end, push_keys, language, proven)
    except SmsCapReached:
        # Recorded once the transaction is undone, so that the refusals are counted.
        alerts.sms_cap_refused(territory)
        raise


def _subscribe(territory, channel, address, communes, sites, categories, digest, quiet_start, quiet_end, push_keys,
               language, proven=False):
    rules = policy(channel)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(
            territory=territory, channel=channel, address=address
        ).first()
        if subscription is not None and subscription.is_confirmed and proven:
            subscription.communes.add(*communes)
            return subscription
        if subscription is not None and subscription.is_confirmed and rules.double_opt_in:
            _request_message(subscription)
            return subscription
        subscription = subscription or Subscription(
            territory=territory, channel=channel, address=address, manage_nonce=secrets.token_hex(8)
        )
        subscription.push_keys = push_keys
        # A page language, or one the notices' summary exists in (issue 16).
        subscription.language = language if language in dict(Subscription.language.field.choices) else settings.LANGUAGE_CODE
        subscription.category_list = categories
        subscription.digest = digest if rules.digest and digest in Digest.values else Digest.IMMEDIATE
        subscription.quiet_start, subscription.quiet_end = (quiet_start, quiet_end) if rules.quiet_hours else (None, None)
        if not rules.double_opt_in or proven:
            subscription.confirmed_at = subscription.confirmed_at or timezone.now()
            subscription.confirmation_hash = ""
        subscription.save()
        subscription.communes.set(communes)
        subscription.sites.set(sites)
        if rules.double_opt_in:
            _request_message(subscription, queue=not proven)
    return subscription


def create_webhook(territory, url, label, communes=()):
    """A partner's webhook, set up by the territory's coordinator: confirmed at once, with a
    fresh Standard Webhooks secret returned (shown once)."""
    url, _keys = normalize(ChannelKind.WEBHOOK, url)
    communes = _check_filters(territory, communes, (), required=False)
    if Subscription.objects.filter(territory=territory, channel=ChannelKind.WEBHOOK, address=url).exists():
        raise ValidationError({"address": _("Ce webhook existe déjà pour ce territoire.")})
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with transaction.atomic():
        subscription = Subscription.objects.create(
            territory=territory, channel=ChannelKind.WEBHOOK, address=url, secret=secret, label=label[:200],
            confirmed_at=timezone.now(), manage_nonce=secrets.token_hex(8),
        )
        subscription.communes.set(communes)
    return subscription


def configure_social_account(territory, channel, address, secret):
    """Set up (or replace the credentials of) the territory's Mastodon or Bluesky account. It
    gets every notice of the territory, like a webhook without communes."""
    address = normalize_social(channel, address)
    secret = (secret or "").strip()
    if not secret:
        field = _("Saisissez le jeton d'accès.") if channel == ChannelKind.MASTODON else _("Saisissez le mot de passe d'application.")
        raise ValidationError({"secret": field})
    if len(secret) > 500:
        raise ValidationError({"secret": _("Ce secret est trop long (500 caractères au plus).")})
    with transaction.atomic():
        account, _created = Subscription.objects.select_for_update().get_or_create(
            territory=territory, channel=channel, address=address,
            defaults={"manage_nonce": secrets.token_hex(8), "confirmed_at": timezone.now()},
        )
        account.secret = secret
        account.label = address if channel == ChannelKind.MASTODON else "@" + address
        account.save(update_fields=["secret", "label"])
    return account


def _check_filters(territory, communes, sites, required=True):
    communes = list(communes or [])
    if required and not communes:
        raise ValidationError({"communes": _("Choisissez au moins une commune.")})
    covered = set(territory.communes.values_list("code", flat=True))
    if any(c.code not in covered for c in communes):
        raise ValidationError({"communes": _("Choisissez des communes du territoire.")})
    if any(s.organization.territory_id != territory.pk for s in sites):
        raise ValidationError({"sites": _("Choisissez des sites du territoire.")})
    return communes


# --- confirmation messages ------------------------------------------------------------------


class SmsCapReached(ValidationError):
    """The territory's hourly cap of confirmation SMS is reached (see relay.alerts)."""


def _request_message(subscription, queue=True):
    """Queue a confirmation (or manage-link) message, within the per-address daily limit that
    keeps the form from being used to bomb someone's inbox or phone and, for SMS, within the
    territory's hourly cap that keeps it from being used to pump SMS. Counted in the database
    (riverains.ratelimit): within the subscribing transaction, so a refused attempt, rolled
    back, takes nothing from the next ones."""
    identity = f"{subscription.channel}:{subscription.address}"
    if not ratelimit.hit("relay.confirmations", identity, conf.confirmations_per_day(), 24 * 3600).allowed:
        raise ValidationError(
            {"address": _("Trop de messages de confirmation ont été envoyés à cette adresse aujourd'hui. Réessayez demain.")}
        )
    if policy(subscription.channel).paid:  # the territory's hourly cap
        territory = subscription.territory
        cap = ratelimit.hit(alerts.SMS_CAP_SCOPE, territory.pk, territory.sms_confirmations_per_hour, alerts.SMS_CAP_SECONDS)
        if not cap.allowed:
            raise SmsCapReached({"address": _(
                "Trop de demandes d'abonnement par SMS sur ce territoire en ce moment : aucun code ne peut être envoyé "
                "avant %(time)s. Abonnez-vous par e-mail, ou réessayez plus tard."
            ) % {"time": timezone.localtime(cap.resets_at).strftime("%H:%M")}})
    # Built and sent by the relay's sender (relay.confirmations), ahead of any notice fan-out.
    if queue:
        transactional.queue(MessageKind.CONFIRMATION, subscription.channel, subscription=subscription)


def issue_secret(subscription):
    """Make a new confirmation secret, store its HMAC, and return it (called when the message is
    built, at each attempt to send it)."""
    if policy(subscription.channel).code_confirmation:  # typed on the site: six digits
        secret = f"{secrets.randbelow(10**6):06d}"
    else:
        secret = secrets.token_urlsafe(24)
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_hash=_digest(subscription.pk, secret), confirmation_sent_at=timezone.now(), code_attempts=0
    )
    return secret


def confirm_email(token):
    """Confirm from the e-mailed link; returns the subscription."""
    data = confirm_link_data(token)
    if data is None:
        raise ValidationError(_("Ce lien de confirmation n'est pas valide ou a expiré. Abonnez-vous à nouveau."))
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=data.get("s")).first()
        if subscription is None or not subscription.confirmation_hash or not hmac.compare_digest(
            subscription.confirmation_hash, _digest(subscription.pk, str(data.get("t")))
        ):
            if subscription is not None and subscription.is_confirmed:
                return subscription
            raise ValidationError(_("Ce lien de confirmation n'est pas valide ou a expiré. Abonnez-vous à nouveau."))
        return _mark_confirmed(subscription)


def confirm_code(subscription, code):
    """Confirm an SMS subscription with the 6-digit code; a few tries only per code."""
    code = "".join((code or "").split())
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.is_confirmed:
            return subscription
        if not subscription.confirmation_hash or subscription.code_attempts >= MAX_CODE_ATTEMPTS:
            raise ValidationError({"code": _("Ce code n'est plus valable. Abonnez-vous à nouveau pour en recevoir un autre.")})
        if not hmac.compare_digest(subscription.confirmation_hash, _digest(subscription.pk, code)):
            subscription.code_attempts += 1
            subscription.save(update_fields=["code_attempts"])
            left = MAX_CODE_ATTEMPTS - subscription.code_attempts
            error = ValidationError({"code": _("Ce code ne correspond pas (essais restants : %(left)d).") % {"left": left}})
        else:
            return _mark_confirmed(subscription)
    raise error


def _mark_confirmed(subscription):
    subscription.confirmed_at = timezone.now()
    subscription.confirmation_hash = ""
    subscription.save(update_fields=["confirmed_at", "confirmation_hash"])
    return subscription


def _digest(pk, secret):
    return hmac.new(settings.SECRET_KEY.encode(), f"relay:{pk}:{secret}".encode(), hashlib.sha256).hexdigest()


# --- managing and leaving -------------------------------------------------------------------


def update_preferences(subscription, communes, sites=(), categories=(), digest=None, quiet_start=None, quiet_end=None,
                       language=None):
    """`language`: the summary's language chosen on the manage page ("fr" for none); None keeps it."""
    communes = _check_filters(subscription.territory, communes, sites)
    with transaction.atomic():
        subscription.category_list = categories
        if language is not None and language in {"fr"} | {code for code, _name in settings.SUMMARY_LANGUAGES}:
            subscription.language = language
        rules = policy(subscription.channel)
        if rules.digest and digest in Digest.values:
            subscription.digest = digest
        if rules.quiet_hours:
            subscription.quiet_start, subscription.quiet_end = quiet_start, quiet_end
        subscription.save()
        subscription.communes.set(communes)
        subscription.sites.set(sites)
    return subscription


def unsubscribe(subscription):
    """Leave: the address and its filters are deleted; deliveries already sent stay counted
    (without any personal data), those not yet sent are dropped."""
    with transaction.atomic():
        Delivery.objects.filter(subscription=subscription).exclude(
            status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED]
        ).delete()
        Subscription.objects.filter(pk=subscription.pk).delete()


def sms_language(phone):
    """The language to answer an inbound SMS in: the one that number subscribed in, French when
    it subscribed in several or is unknown."""
    try:
        phone = normalize(ChannelKind.SMS, phone)[0]
    except ValidationError:
        return settings.LANGUAGE_CODE
    languages = set(Subscription.objects.filter(channel=ChannelKind.SMS, address=phone).values_list("language", flat=True))
    return languages.pop() if len(languages) == 1 else settings.LANGUAGE_CODE


def stop_sms(phone):
    """Inbound "STOP": every SMS subscription of that phone, in every territory, is deleted."""
    try:
        phone = normalize(ChannelKind.SMS, phone)[0]
    except ValidationError:
        return 0
    count = 0
    for subscription in Subscription.objects.filter(channel=ChannelKind.SMS, address=phone):
        unsubscribe(subscription)
        count += 1
    return count


def purge_unconfirmed(now=None):
    """Delete addresses that never confirmed within the allowed days."""
    now = now or timezone.now()
    stale = Subscription.objects.unconfirmed_before(now - timedelta(days=conf.unconfirmed_days()))
    _total, per_model = stale.delete()
    return per_model.get(Subscription._meta.label, 0)
