"""The bulletin written for the ear, in French.

A listener cannot glance back: every notice is one spoken sentence saying when, who, where and
what ("Depuis 22 heures ce soir et jusqu'à 3 heures du matin, …"), times relative to the moment
of listening, abbreviations and symbols spelt out, addresses of websites never read aloud.
Everything here is a pure function of its arguments, `now` included, so that it can be tested
hour by hour; `script_for` is the one entry point that reads the database."""
import re
from dataclasses import dataclass, field
from datetime import time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from riverains.text import strip_controls

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]

# What a site does, by category: (ongoing, planned, over).
ACTIVITY = {
    "torchage": ("procède à un torchage", "procédera à un torchage", "a procédé à un torchage"),
    "vapeur": ("émet de la vapeur ou de la fumée", "émettra de la vapeur ou de la fumée", "a émis de la vapeur ou de la fumée"),
    "odeur": ("peut dégager une odeur", "pourra dégager une odeur", "a pu dégager une odeur"),
    "bruit": ("peut produire du bruit", "pourra produire du bruit", "a pu produire du bruit"),
    "exercice": ("organise un exercice", "organisera un exercice", "a organisé un exercice"),
    "essai_sirene": ("procède à un essai de sirène", "procédera à un essai de sirène", "a procédé à un essai de sirène"),
    "maintenance": ("mène une opération de maintenance, d'arrêt ou de redémarrage",
                    "mènera une opération de maintenance, d'arrêt ou de redémarrage",
                    "a mené une opération de maintenance, d'arrêt ou de redémarrage"),
    "travaux": ("réalise des travaux", "réalisera des travaux", "a réalisé des travaux"),
    "incident": ("signale un incident", "signale un incident", "a signalé un incident"),
    "autre": ("signale une opération", "annonce une opération", "a signalé une opération"),
}
PERCEPTION_VERBS = {"visible": "se voir", "audible": "s'entendre", "olfactory": "se sentir"}

ONGOING, PLANNED, OVER = 0, 1, 2


# --- times and dates --------------------------------------------------------------------------


def _hours(hour):
    # "une heure", "vingt-et-une heures": espeak would say "un heure".
    return {1: "une heure", 21: "vingt-et-une heures"}.get(hour, f"{hour} heures")


def clock(value):
    """'22 heures', '22 heures 30', 'midi', 'minuit', 'midi 15'."""
    h, m = value.hour, value.minute
    base = {0: "minuit", 12: "midi"}.get(h) or _hours(h)
    return base if m == 0 else f"{base} {m}"


def spoken_date(day, now):
    """'jeudi 14 novembre', with the year only when it is not the current one."""
    number = "premier" if day.day == 1 else str(day.day)
    text = f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"
    return text if day.year == now.year else f"{text} {day.year}"


def _part(hour):
    if hour < 5:
        return "night"
    if hour < 12:
        return "morning"
    if hour < 18:
        return "afternoon"
    return "evening"


RELATIVE = {
    (0, "morning"): "ce matin", (0, "afternoon"): "cet après-midi", (0, "evening"): "ce soir",
    (1, "morning"): "demain matin", (1, "afternoon"): "demain après-midi", (1, "evening"): "demain soir",
    (-1, "morning"): "hier matin", (-1, "afternoon"): "hier après-midi", (-1, "evening"): "hier soir",
}


def spoken_moment(value, now):
    """A moment as said aloud, relative to `now`: '22 heures ce soir', '8 heures demain matin',
    '3 heures cette nuit', 'midi', '9 heures le jeudi 14 novembre'."""
    value, now = timezone.localtime(value), timezone.localtime(now)
    days = (value.date() - now.date()).days
    h, t = value.hour, clock(value)
    if h == 0 and value.minute == 0:  # midnight closes the evening before
        days -= 1
        return {0: "minuit", 1: "demain à minuit", -1: "hier à minuit"}.get(
            days, f"minuit, dans la nuit du {spoken_date(value.date() - timedelta(days=1), now)}"
        )
    if h == 12 and value.minute == 0:
        return {0: "midi", 1: "demain midi", -1: "hier midi"}.get(days, f"midi le {spoken_date(value.date(), now)}")
    part = _part(h)
    if part == "night":
        if days == 0:
            return f"{t} cette nuit" if now.hour < 5 else f"{t} du matin"
        if days == 1 and now.hour >= 18:
            return f"{t} cette nuit"
        if days == 1:
            return f"demain à {t} du matin"
        if days == -1:
            return f"hier à {t} du matin"
        return f"{t} du matin le {spoken_date(value.date(), now)}"
    if (days, part) in RELATIVE:
        return f"{t} {RELATIVE[(days, part)]}"
    return f"{t} le {spoken_date(value.date(), now)}"


def spoken_end(end, start, now):
    """The end of a period, as short as the start allows: 'jusqu'à 11 heures' when the start
    was this morning, '3 heures du matin' after an evening start."""
    end, start = timezone.localtime(end), timezone.localtime(start)
    next_day = end.date() == start.date() + timedelta(days=1)
    if next_day and end.time() == time(0, 0):
        return "minuit"
    if next_day and end.hour < 6 and start.hour >= 12:
        return f"{clock(end)} du matin"
    if end.date() == start.date() and _part(end.hour) == _part(start.hour):
        return clock(end)
    return spoken_moment(end, now)


# --- operators' text made speakable -----------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+|\b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|info|gouv\.fr)(?:/[^\s<>\"]*)?(?![\w.])",
                 re.IGNORECASE)
TIME = re.compile(r"\b([01]?\d|2[0-3])\s?(?:h|H|:)\s?([0-5]\d)?(?![\w:])")
UNITS = [
    (r"km\s?/\s?h", "kilomètre heure", "kilomètres heure"),
    (r"km", "kilomètre", "kilomètres"),
    (r"°\s?C", "degré", "degrés"),
    (r"°", "degré", "degrés"),
    (r"dB\s?\(?A\)?|dB", "décibel", "décibels"),
    (r"m³|m3", "mètre cube", "mètres cubes"),
    (r"mn|min", "minute", "minutes"),
    (r"kg", "kilo", "kilos"),
    (r"MW", "mégawatt", "mégawatts"),
    (r"m", "mètre", "mètres"),
    (r"%", "pour cent", "pour cent"),
    (r"€", "euro", "euros"),
]
ABBREVIATIONS = [
    (r"\bn°\s?", "numéro "),
    (r"\bN°\s?", "numéro "),
    (r"\b24\s?h\s?/\s?24\b", "24 heures sur 24"),
    (r"\b7\s?j\s?/\s?7\b", "7 jours sur 7"),
    (r"\bCCI\b", "C C I"),
    (r"\bICPE\b", "I C P E"),
    (r"\bPPRT\b", "P P R T"),
    (r"\bDREAL\b", "Dréal"),
    (r"\bSDIS\b", "pompiers"),
    (r"\bH2S\b", "hydrogène sulfuré"),
    (r"\bSO2\b", "dioxyde de soufre"),
    (r"\bNOx\b", "oxydes d'azote"),
    (r"\benv\.", "environ"),
    (r"\bapprox\.", "environ"),
    (r"\betc\.", "et cetera"),
    (r"\bex\.", "par exemple"),
    (r"\bcf\.", "voir"),
    (r"\bMme\b", "Madame"),
    (r"\bM\.(?=\s+[A-Z])", "Monsieur"),
]
SYMBOLS = [("&", " et "), ("≈", " environ "), ("~", " environ "), (" + ", " plus "), (" = ", " égale "), ("/", " "), ("«", ""), ("»", ""), ("\"", ""), ("*", ""),
           ("#", ""), ("_", " "), ("|", ", "), ("…", "."), ("(", ", "), (")", ", ")]


def _strip_address(match, replacement):
    # A sentence's final full stop is not part of the address.
    trailing = re.search(r"[.,;:!?)]+$", match.group(0))
    return replacement + (trailing.group(0) if trailing else "")


def _spoken_time(match):
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return clock(time(hour, minute))


def speakable(text):
    """Operator text as it should be read aloud (control characters, which no voice reads and no
    TwiML carries, become blanks)."""
    text = strip_controls(text or "", multiline=False)
    text = EMAIL.sub(lambda m: _strip_address(m, "l'adresse électronique indiquée sur le site internet"), text)
    text = URL.sub(lambda m: _strip_address(m, "le site internet"), text)
    for pattern, replacement in ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = TIME.sub(_spoken_time, text)
    text = re.sub(r"(heures?(?: \d+)?|midi(?: \d+)?|minuit(?: \d+)?)\s?[-–]\s?(?=\d|midi|minuit|une)", r"\1 à ", text)
    for pattern, singular, plural in UNITS:
        text = re.sub(
            r"(\d+(?:[,.]\d+)?)\s?(?:" + pattern + r")(?![\w³])",
            lambda m, s=singular, p=plural: f"{m.group(1)} {s if m.group(1) in ('0', '1') else p}",
            text,
        )
    text = re.sub(r"<\s*(?=\d)", " moins de ", text)
    text = re.sub(r">\s*(?=\d)", " plus de ", text)
    for symbol, replacement in SYMBOLS:
        text = text.replace(symbol, replacement)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([.,])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"\s*[,;:]+\s*([.!?])", r"\1", text)
    return text.strip(" ,;")


def _sentence(text):
    text = speakable(text)
    return text if not text or text[-1] in ".!?" else text + "."


# --- notices ----------------------------------------------------------------------------------


def _join(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _perceptions(perceptions, tense):
    verbs = [PERCEPTION_VERBS[p] for p in PERCEPTION_VERBS if p in (perceptions or [])]
    if not verbs:
        return ""
    lead = {ONGOING: "Cela peut", PLANNED: "Cela pourra", OVER: "Cela a pu"}[tense]
    return f"{lead} {_join(verbs)} depuis l'extérieur."


def _who(notice):
    return f"{notice.site.name}, à {notice.site.commune.name},"


def notice_sentence(notice, now):
    """One notice as a person would say it, relative to `now`."""
    start, end = notice.starts_at, notice.ended_at or notice.expected_end_at
    status = notice.status
    if status == "cancelled":
        return " ".join(filter(None, [
            f"L'opération qui était prévue à partir de {spoken_moment(start, now)} par {notice.site.name}, "
            f"à {notice.site.commune.name}, est annulée.",
            _sentence(notice.title), _sentence(notice.public_reason),
        ]))
    if status == "ended" or (notice.ended_at and notice.ended_at <= now):
        tense = OVER
        when = f"De {spoken_moment(start, now)} à {spoken_end(end, start, now)}" if end else f"À partir de {spoken_moment(start, now)}"
    elif start <= now:
        tense = ONGOING
        when = f"Depuis {spoken_moment(start, now)}"
        if end and end > now:
            when += f" et jusqu'à {spoken_end(end, start, now)}"
    else:
        tense = PLANNED
        when = f"À partir de {spoken_moment(start, now)}"
        if end:
            when += f" et jusqu'à {spoken_end(end, start, now)}"
    activity = ACTIVITY.get(notice.category, ACTIVITY["autre"])[tense]
    parts = [
        f"{when}, {_who(notice)} {activity}.",
        _perceptions(notice.perceptions, tense),
        _sentence(notice.title),
        _sentence(notice.body),
        _sentence(notice.impact),
    ]
    if tense == ONGOING and not (end and end > now):
        parts.append("L'heure de fin n'a pas encore été annoncée." if not end else
                     f"La fin était prévue à {spoken_moment(end, now)} et n'a pas encore été confirmée.")
    if tense == OVER:
        parts.append("Cette opération est terminée.")
    return " ".join(p for p in parts if p)


# --- the whole bulletin -----------------------------------------------------------------------


@dataclass
class Segment:
    section: str  # intro, current, planned, outro, info, menu
    text: str
    notice_id: int | None = None


@dataclass
class Script:
    segments: list = field(default_factory=list)

    def section(self, name):
        return " ".join(s.text for s in self.segments if s.section == name)

    @property
    def bulletin_text(self):
        """What the full bulletin says: everything but the menu and the information page."""
        return "\n\n".join(s.text for s in self.segments if s.section in BULLETIN_SECTIONS)


BULLETIN_SECTIONS = ("intro", "current", "planned", "outro")


def _count(n, one, many):
    return one if n == 1 else many % {"n": n}


def greeting(territory, override_text=""):
    if override_text:
        return _sentence(override_text)
    return _("Bonjour, vous êtes sur la ligne d'information des riverains du territoire %(name)s.") % {"name": territory.name}


def disclaimer(territory):
    advice = (territory.siren_advice or "").strip()
    if advice and not advice.lower().startswith("si la sirène"):
        advice = _("Si la sirène retentit : %(advice)s") % {"advice": advice}
    return " ".join(filter(None, [_("Ce service vous informe, il ne vous alerte pas."), _sentence(advice)]))


def summary(current, planned):
    if not current and not planned:
        return _("Aucune information n'est en cours en ce moment, et aucune opération n'est prévue dans les prochains jours.")
    parts = [
        _count(len(current), _("une information en cours"), _("%(n)d informations en cours")) if current
        else _("aucune information en cours"),
        _count(len(planned), _("une opération prévue dans les prochains jours"),
               _("%(n)d opérations prévues dans les prochains jours")) if planned
        else _("aucune opération prévue dans les prochains jours"),
    ]
    return _("Il y a actuellement %(current)s, et %(planned)s.") % {"current": parts[0], "planned": parts[1]}


def menu_prompt():
    return _(
        "Pour écouter les informations en cours, appuyez sur 1. Pour les opérations prévues dans les prochains jours, "
        "appuyez sur 2. Pour réécouter, appuyez sur 3 ou sur étoile. Pour en savoir plus sur ce service, appuyez sur 9."
    )


def outro():
    return _("Fin du bulletin. Pour le réécouter, appuyez sur 3. Pour revenir au menu, appuyez sur 0.")


def service_information(territory):
    who = territory.coordinator_name or _("les industriels du territoire")
    parts = [
        _("Ce service est proposé par %(who)s. Il relaie les informations des sites industriels du territoire %(name)s "
          "sur ce qui peut se voir, s'entendre ou se sentir depuis l'extérieur : torchage, vapeur, odeurs, bruits, "
          "exercices et essais de sirène.") % {"who": speakable(who), "name": territory.name},
        _("Il vous informe, il ne vous alerte pas : les alertes officielles passent par les sirènes, par FR-Alert "
          "sur les téléphones portables, et par la préfecture."),
        _("Les mêmes informations sont publiées sur le site internet du territoire, où vous pouvez aussi vous abonner "
          "et signaler ce que vous percevez."),
    ]
    if territory.contact_phone:
        parts.append(_("Pour joindre la structure qui coordonne ce service, appelez le %(phone)s.") % {"phone": territory.contact_phone})
    return " ".join(parts)


def compose(territory, current, planned, now, greeting_text=""):
    """The script of the bulletin: pure, from notices already chosen and ordered."""
    with override("fr"):
        segments = [
            Segment("intro", " ".join([greeting(territory, greeting_text), disclaimer(territory), summary(current, planned)])),
        ]
        if current:
            segments.append(Segment("current", _count(len(current), _("Voici l'information en cours."),
                                                      _("Voici les %(n)d informations en cours."))))
            segments += [Segment("current", notice_sentence(n, now), n.pk) for n in current]
        else:
            segments.append(Segment("current", _("Rien à signaler en ce moment : aucun site industriel n'a annoncé "
                                                 "d'opération visible, audible ou odorante en cours.")))
        if planned:
            segments.append(Segment("planned", _count(len(planned), _("Une opération est prévue dans les prochains jours."),
                                                      _("%(n)d opérations sont prévues dans les prochains jours."))))
            segments += [Segment("planned", notice_sentence(n, now), n.pk) for n in planned]
        else:
            segments.append(Segment("planned", _("Aucune opération n'est prévue dans les prochains jours.")))
        segments += [
            Segment("outro", outro()),
            Segment("menu", menu_prompt()),
            Segment("info", service_information(territory)),
        ]
    return Script(segments)


def script_for(territory, now=None):
    """Read the territory's current and planned notices and compose their bulletin."""
    from notices.models import Notice

    from .models import VoiceSettings

    now = now or timezone.now()
    base = Notice.objects.filter(territory=territory).select_related("site__commune")
    current = list(base.active(now).order_by("starts_at", "pk"))
    planned = list(base.upcoming(now).order_by("starts_at", "pk"))
    settings_row = VoiceSettings.objects.filter(territory=territory).first()
    return compose(territory, current, planned, now, settings_row.greeting if settings_row else "")


def clip_text(notice, now=None):
    """What the "Listen" button of a single notice says."""
    with override("fr"):
        return notice_sentence(notice, now or timezone.now())

