"""SMS keywords on the territory's number: one function per keyword, and `receive`, which relay's
inbound hook (Kannel's sms-service, Twilio's webhook) calls for every SMS (relay.inbound).

    INFO 76600 | INFO HARFLEUR   the commune's current and planned notices, in two SMS at most
    ODEUR 76600 (BRUIT, FUMEE, LUMIERE, VIBRATION, FLAMME)
                                 a report, recorded by reports.services.submit as the web form
                                 does, answered with the notice that probably explains it
    ABO 76600                    an SMS subscription, confirmed at once: the number proved itself
                                 by sending; the country list and the SMS caps still apply
    STOP                         every SMS subscription of the number is deleted (as before)
    AIDE                         the keywords

Every answer is a Delivery row (kind SMS_ANSWER) in the same transaction as what the SMS changed,
sent by the relay's sender like any message; the number is forgotten once the answer has left.
Numbers are limited to TEXTLINE_ANSWERS_PER_HOUR SMS an hour (riverains.ratelimit): past it
one "trop de SMS" answer, then silence — STOP alone still acts."""
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from notices.models import Notice
from relay import alerts, messages, services as relay_services, transactional
from relay.addresses import normalize_phone
from relay.models import DEFAULT_QUIET_END, DEFAULT_QUIET_START, ChannelKind, MessageKind, Subscription
from reports import services as report_services
from reports.models import Intensity, ReportKind
from riverains import ratelimit

from . import communes, conf, parsing, wording

logger = logging.getLogger(__name__)
RATE_SCOPE = "textline.sms"
RATE_SECONDS = 3600
# What a resident who just texts "ODEUR 76600" perceives: "nette" (3 of 5), the form's middle;
# "ODEUR FORTE 76600", "BRUIT TRES FORT HARFLEUR" say more (textline.parsing.INTENSITY_WORDS).
SMS_INTENSITY = Intensity.DISTINCT


@dataclass
class Answer:
    text: str = ""
    territory: object = None
    subscription: object = None
    reference: int | None = None
    payload: dict = field(default_factory=dict)


def receive(phone, text, territory_slug="", receiver=""):
    """Handle one inbound SMS; its answer, if any, is queued in the outbox (returns the Delivery).
    `territory_slug` (the gateway's URL says it) or `receiver` (a territory's own number in
    SMS_INBOUND_NUMBERS) restrict the communes to that territory's."""
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        # An alphanumeric sender (an operator's robot) or a short code: never answered, so that
        # two robots cannot answer each other for ever.
        logger.info("textline: SMS from a sender that is no phone number, not answered")
        return None
    command = parsing.parse(text)
    territory_slug = territory_slug or communes.territory_of_number(receiver)
    with translation.override(relay_services.sms_language(phone)), transaction.atomic():
        limit = ratelimit.hit(RATE_SCOPE, phone, conf.answers_per_hour(), RATE_SECONDS)
        if command.keyword == parsing.STOP:
            answer = stop(phone)  # the law wants STOP to work, whatever the limit
        elif not limit.allowed:
            answer = Answer(wording.too_many(limit.resets_at)) if limit.hits == limit.limit + 1 else None
        else:
            answer = KEYWORDS[command.keyword](phone, command, territory_slug)
        if answer is None or (command.keyword == parsing.STOP and not limit.allowed):
            return None
        return _queue(phone, answer)


def _queue(phone, answer):
    return transactional.queue(
        MessageKind.SMS_ANSWER, ChannelKind.SMS, address=phone, subscription=answer.subscription,
        territory=answer.territory, reference=answer.reference, payload=answer.payload or {"text": answer.text},
    )


def _site_url(territory=None):
    if territory is None:
        return messages.absolute(reverse("public:home"))
    return messages.absolute(reverse("public:territory", args=[territory.slug]))


def _place(command, territory_slug):
    """(commune, territories) when the SMS names exactly one covered commune, else (Answer, None)."""
    if not command.has_place:
        return Answer(wording.place_missing(command.word)), None
    place = communes.find(command, territory_slug)
    if not place.communes:
        return Answer(wording.place_unknown(command, place.suggestions)), None
    if place.commune is None:
        return Answer(wording.place_ambiguous(command, place.communes)), None
    return place.commune, communes.territories_of(place.commune, territory_slug)


# --- one function per keyword ----------------------------------------------------------------


def info(phone, command, territory_slug=""):
    """INFO: the notices under way and planned that concern the commune (its sites' or named)."""
    commune, territories = _place(command, territory_slug)
    if territories is None:
        return commune
    now = timezone.now()
    concern = (Notice.objects.filter(territory__in=territories).filter(Q(site__commune=commune) | Q(communes=commune))
               .distinct().select_related("site"))
    current = list(concern.active(now).order_by("starts_at", "pk"))
    planned = list(concern.upcoming(now).order_by("starts_at", "pk"))
    return Answer(wording.info(commune, current, planned, _site_url(territories[0]), now), territories[0])


def report(phone, command, territory_slug=""):
    """ODEUR, BRUIT…: a report through the same service as the web form, answered at once."""
    commune, territories = _place(command, territory_slug)
    if territories is None:
        return commune
    territory = territories[0]
    data = {"kind": command.kind, "intensity": command.intensity or SMS_INTENSITY, "observed_at": timezone.now(),
            "commune": commune.pk,
            "descriptors": [], "comment": "", "email": "", "website": ""}
    try:
        # The number stands for both the network and the device: each phone is one person to the
        # episode count (reports.episodes.count_people), never all SMS reporters together.
        found, matches = report_services.submit(territory, data, f"sms:{phone}", phone)
    except ValidationError as error:
        return Answer(wording.report_refused(error.messages[0]), territory)
    label = ReportKind(command.kind).label
    if matches:
        url = messages.absolute(matches[0].notice.get_absolute_url())
    else:
        url = messages.absolute(reverse("reports:answer", args=[territory.slug, found.token]))
    return Answer(wording.reported(label, commune, matches[0] if matches else None, url), territory, reference=found.pk)


def subscribe(phone, command, territory_slug=""):
    """ABO: an SMS subscription to the commune, confirmed at once (relay.services.subscribe, proven)."""
    commune, territories = _place(command, territory_slug)
    if territories is None:
        return commune
    territory = territories[0]
    added = Subscription.objects.confirmed().filter(territory=territory, channel=ChannelKind.SMS, address=phone).exists()
    try:
        subscription = relay_services.subscribe(
            territory, ChannelKind.SMS, phone, [commune], quiet_start=DEFAULT_QUIET_START, quiet_end=DEFAULT_QUIET_END,
            language=translation.get_language(), proven=True,
        )
    except relay_services.SmsCapReached:
        window = ratelimit.peek(alerts.SMS_CAP_SCOPE, territory.pk)
        resets_at = window.resets_at if window else timezone.now() + timezone.timedelta(hours=1)
        return Answer(wording.subscribe_capped(resets_at, _site_url(territory)), territory)
    except ValidationError as error:
        return Answer(wording.subscribe_refused(error.messages[0]), territory)
    before, after = wording.subscribed(commune, territory, added, messages.manage_url(subscription))
    payload = {"before": before, "after": after, "fallback_url": _site_url(territory)}
    return Answer(territory=territory, subscription=subscription, payload=payload)


def stop(phone, command=None, territory_slug=""):
    """STOP: every SMS subscription of the number, in every territory, is deleted."""
    return Answer(wording.stopped(relay_services.stop_sms(phone)))


def keywords_help(phone, command=None, territory_slug=""):
    """AIDE, or a word that is no keyword: the keywords."""
    territory = communes.territory(territory_slug)
    unknown = command.word if command is not None and command.keyword == parsing.UNKNOWN else ""
    return Answer(wording.help_text(_site_url(territory), unknown), territory)


KEYWORDS = {
    parsing.INFO: info, parsing.REPORT: report, parsing.SUBSCRIBE: subscribe, parsing.STOP: stop,
    parsing.HELP: keywords_help, parsing.UNKNOWN: keywords_help,
}
