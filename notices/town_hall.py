"""« Texte pour l'application de la mairie »: a notice in a few plain French lines, with its link,
that a coordinator or a town hall pastes into the apps residents already have (PanneauPocket,
IntraMuros, Illiwap). Those apps publish no API, so the text is copied by hand: it must read
well as it is, in plain text (no markup: the apps show what they are given).

Always French, like the operator's own text it quotes. Built from the notice as it is now."""
import re
import unicodedata

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from riverains.env import env
from riverains.text import strip_controls
from territories.models import Commune

from .models import Category, Status

# The apps show a short text well; the operator's text is cut beyond this, the link says the rest.
BODY_LIMIT = 220
IMPACT_LIMIT = 160
ELLIPSIS = "…"
STATUS_PREFIX = {Status.ENDED: "Terminé", Status.CANCELLED: "Annulé"}


def _hour(moment):
    """'14 h 30', '8 h': how a French notice board writes times."""
    return f"{moment.hour} h {moment.minute:02d}" if moment.minute else f"{moment.hour} h"


def _day(moment):
    day = formats.date_format(moment, "l j F")
    return day.replace(" 1 ", " 1er ", 1) if moment.day == 1 else day


def when(notice):
    """'le mardi 3 juin, de 14 h 30 à 18 h', 'du mardi 3 juin à 22 h au mercredi 4 juin à 6 h',
    'à partir du mardi 3 juin à 14 h 30'."""
    with translation.override("fr"):
        start = timezone.localtime(notice.starts_at)
        end = notice.end_for_display and timezone.localtime(notice.end_for_display)
        if not end:
            return f"à partir du {_day(start)} à {_hour(start)}"
        if end.date() == start.date():
            return f"le {_day(start)}, de {_hour(start)} à {_hour(end)}"
        return f"du {_day(start)} à {_hour(start)} au {_day(end)} à {_hour(end)}"


def _cut(text, limit):
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + ELLIPSIS


def public_url(notice):
    with translation.override("fr"):
        return settings.SITE_URL + reverse("public:notice", args=[notice.territory.slug, notice.pk])


def town_hall_text(notice):
    """The text to paste, as plain text (the template escapes it where it is shown)."""
    with translation.override("fr"):
        category = str(Category(notice.category).label) if notice.category in Category.values else notice.category
    title = strip_controls(notice.title, multiline=False)
    prefix = STATUS_PREFIX.get(notice.status)
    lines = [f"{prefix} — {category} : {title}" if prefix else f"{category} : {title}"]
    # "Que faire ?" comes first after the title, as on every channel (notices that predate the
    # line have none).
    what_to_do = strip_controls(getattr(notice, "what_to_do_line", "") or "", multiline=False)
    if what_to_do:
        lines.append(f"Que faire ? {what_to_do}")
    site = notice.site
    lines.append(f"{strip_controls(site.name, multiline=False)} ({site.commune.name}), {when(notice)}.")
    # What will be seen, heard or smelt, then what it means for residents: the operator's words, cut.
    if notice.body:
        lines.append(_cut(strip_controls(notice.body), BODY_LIMIT))
    if notice.impact:
        lines.append(_cut(strip_controls(notice.impact), IMPACT_LIMIT))
    if notice.status == Status.CANCELLED and notice.public_reason:
        lines.append(_cut(f"Motif : {strip_controls(notice.public_reason)}", IMPACT_LIMIT))
    if "alerte" not in what_to_do:  # "Rien : ce n'est pas une alerte" already says it
        lines.append("C'est une information, pas une alerte.")
    lines.append(f"Plus d'informations : {public_url(notice)}")
    if notice.territory.toll_free_number:
        lines.append(f"Numéro vert gratuit : {notice.territory.toll_free_number}")
    return "\n".join(lines)


# --- what residents can do, as a poster and the commune's page say it ---------------------------

# The SMS keywords of the territory's number (textline answers them, accents and case ignored).
# A keyword followed by a commune is about that commune; they stay French whatever the page's
# language, since they are what one types.
REPORT_KINDS = ("BRUIT", "FUMEE", "LUMIERE", "VIBRATION", "FLAMME")


def postcode(commune):
    """The commune's first postcode (Le Havre has three, each names the commune)."""
    return (commune.postcode_list or [commune.code])[0]


def _fold(text):
    """As the SMS line compares names: no accents, lower case, hyphens and apostrophes as spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[-'’_.,;:!()\"«»/]+", " ", text).split())


def _words_start(words, typed):
    return any(all(words[i + j].startswith(t) for j, t in enumerate(typed)) for i in range(len(words) - len(typed) + 1))


def sms_place(commune):
    """What to type after a keyword so that the SMS line finds this commune and no other: its
    postcode when no other covered commune shares it (76600 for Le Havre), else the postcode and the
    first words of its name that tell it apart ("76700 HARFLEUR", "76700 GONFREVILLE": Harfleur and
    Gonfreville-l'Orcher share 76700). textline.communes resolves a typed place the same way; a test
    checks that each poster's place leads back to its commune."""
    code = postcode(commune)
    sharing = [c for c in Commune.objects.filter(territories__is_published=True, postcodes__contains=code)
               .exclude(pk=commune.pk).distinct() if code in c.postcode_list]
    if not sharing:
        return code
    words = _fold(commune.name).split()
    for n in range(1, len(words) + 1):
        if not any(_words_start(_fold(other.name).split(), words[:n]) for other in sharing):
            break
    return f"{code} {' '.join(words[:n]).upper()}"


def sms_keywords(commune):
    """[(what to type, what it does)] for the commune's residents."""
    place = sms_place(commune)
    return [
        (f"INFO {place}", _("les activités en cours à %(commune)s") % {"commune": commune.name}),
        (f"ODEUR {place}", _("signaler une odeur (ou %(others)s)") % {"others": ", ".join(REPORT_KINDS)}),
        (f"ABO {place}", _("recevoir les messages par SMS")),
        ("STOP", _("ne plus les recevoir")),
        ("AIDE", _("la liste des mots-clés")),
    ]


def sms_number(territory):
    """The number residents text the keywords to: the territory's own in SMS_INBOUND_NUMBERS
    ("seine-estuaire=06 12 34 56 78, etang-de-berre=…"), else SMS_INBOUND_NUMBER, the gateway's
    number for every territory; "" when none is set (posters and pages then leave SMS out: a
    keyword without a number helps nobody). Settings first (tests), then the environment."""
    for name in ("SMS_INBOUND_NUMBERS", "SMS_INBOUND_NUMBER"):
        value = getattr(settings, name, None)
        value = env(name, "") if value is None else value
        if name == "SMS_INBOUND_NUMBERS":
            own = {slug.strip(): number for slug, _sep, number in (pair.partition("=") for pair in value.split(",")) if _sep}
            value = own.get(territory.slug, "")
        if value.strip():
            return value.strip()
    return ""
