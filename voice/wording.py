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
    """'22 heures', '22 heures 30', '8 heures 05', 'midi', 'minuit', 'midi 15' (the synthesiser
    is given '8 heures 5': see services.for_the_voice)."""
    h, m = value.hour, value.minute
    base = {0: "minuit", 12: "midi"}.get(h) or _hours(h)
    return base if m == 0 else f"{base} {m:02d}"


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


# --- names said as a French speaker says them ----------------------------------------------------

DEMO_MARK = re.compile(r"\s*\((?:démonstration|démo)\)", re.IGNORECASE)


def spoken_name(name):
    """A name without the "(démonstration)" the demo puts after every one (said once, in the
    greeting)."""
    return DEMO_MARK.sub("", name or "").strip()


def at_commune(name):
    """'à Harfleur', 'au Havre', 'aux Pennes-Mirabeau', 'à la Mède', "à l'Isle-Adam"."""
    name = spoken_name(name)
    for article, preposition in (("Le ", "au "), ("Les ", "aux "), ("La ", "à la "), ("L'", "à l'"), ("L’", "à l'")):
        if name.startswith(article):
            return preposition + name[len(article):]
    return f"à {name}"


def of_place(name):
    """'de Seine-Estuaire', 'du Havre', 'des Pennes-Mirabeau', "d'Étang de Berre"."""
    name = spoken_name(name)
    for article, preposition in (("Le ", "du "), ("Les ", "des "), ("La ", "de la "), ("L'", "de l'"), ("L’", "de l'")):
        if name.startswith(article):
            return preposition + name[len(article):]
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêâîôh" else f"de {name}"


# A plant named by what it is ("Raffinerie de …", "Dépôt pétrolier …") takes the article of
# that word: "à la raffinerie", "au dépôt". Other names are said after the commune.
FEMININE_PLANTS = {"raffinerie", "usine", "plateforme", "plate-forme", "centrale", "aciérie", "sucrerie", "papeterie",
                   "cimenterie", "verrerie", "distillerie", "station", "unité", "fonderie", "pétrochimie", "chimie"}
MASCULINE_PLANTS = {"dépôt", "terminal", "site", "complexe", "port", "établissement", "entrepôt", "laboratoire",
                    "incinérateur", "stockage"}


def at_site(site):
    """'à la Raffinerie Exemple de Gonfreville', "à l'Usine …", 'au Dépôt de …', or, for a plant whose name says
    nothing of what it is, the commune: 'au Havre'."""
    name = spoken_name(site.name)
    first = name.split(" ")[0].lower() if name else ""
    if (first in FEMININE_PLANTS or first in MASCULINE_PLANTS) and first[0] in "aeiouyéèêh":
        return f"à l'{name}"
    if first in FEMININE_PLANTS:
        return f"à la {name}"
    if first in MASCULINE_PLANTS:
        return f"au {name}"
    return at_commune(site.commune.name)


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
    return f"{spoken_name(notice.site.name)}, {at_commune(notice.site.commune.name)},"


def what_to_do(notice):
    """'Que faire ? Rien : ce n'est pas une alerte.' (the notice's line, else its category's)."""
    line = getattr(notice, "what_to_do_line", "")
    return _("Que faire ? %(line)s") % {"line": _sentence(line)} if line else ""


def notice_sentence(notice, now):
    """One notice as a person would say it, relative to `now`."""
    start, end = notice.starts_at, notice.ended_at or notice.expected_end_at
    status = notice.status
    if status == "cancelled":
        return " ".join(filter(None, [
            f"L'opération qui était prévue à partir de {spoken_moment(start, now)} par {spoken_name(notice.site.name)}, "
            f"{at_commune(notice.site.commune.name)}, est annulée.",
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
        # Once the caller knows which activity this is, what to do comes before any detail (issue 16).
        what_to_do(notice) if tense != OVER else "",
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
    role: str = ""  # "lines": the one-line summaries of the current notices, at the start of the intro


@dataclass
class Script:
    segments: list = field(default_factory=list)
    current_ids: list = field(default_factory=list)  # the order in which the intro names them (menu 1)

    def section(self, name):
        return " ".join(s.text for s in self.segments if s.section == name)

    @property
    def bulletin_text(self):
        """What the full bulletin says: everything but the menu and the information page."""
        return "\n\n".join(s.text for s in self.segments if s.section in BULLETIN_SECTIONS)


BULLETIN_SECTIONS = ("intro", "current", "planned", "outro")


def _count(n, one, many):
    return one if n == 1 else many % {"n": n}


# What each category is, as a noun, for the one-line summary of a current notice.
NOUN = {
    "torchage": "torchage", "vapeur": "vapeur ou fumée", "odeur": "odeur possible", "bruit": "bruit possible",
    "exercice": "exercice", "essai_sirene": "essai de sirène", "maintenance": "maintenance", "travaux": "travaux",
    "incident": "incident", "autre": "opération",
}
# Beyond this many current notices, each line names the commune rather than the plant (shorter),
# so that the first thing a caller hears stays under a minute.
SITE_NAMES_UP_TO = 5
# Beyond this many, the intro names the first ones and says how to hear the others (a commune's
# by postcode, or all of them): the caller reaches the menu in about a minute whatever happens.
LINES_UP_TO = 10


def until(notice, now):
    """'jusqu'à 18 heures', 'jusqu'à 16 heures demain après-midi', 'fin non annoncée'."""
    end = notice.expected_end_at
    if not end:
        return "fin non annoncée"
    if end <= now:
        return "fin prévue dépassée"
    local, today = timezone.localtime(end), timezone.localtime(now)
    if local.date() == today.date() and not (local.hour == 0 and local.minute == 0):
        return f"jusqu'à {clock(local)}"
    return f"jusqu'à {spoken_moment(end, now)}"


def notice_line(notice, now, with_site=True):
    """One current notice in a few words: 'torchage à la Raffinerie de Gonfreville, jusqu'à 18 heures'."""
    where = at_site(notice.site) if with_site else at_commune(notice.site.commune.name)
    return f"{NOUN.get(notice.category, NOUN['autre'])} {where}, {until(notice, now)}"


def headline_lead(current):
    if not current:
        return _("Rien de signalé en ce moment : aucun site industriel n'a annoncé d'activité visible, audible ou odorante.")
    return _count(len(current), _("En ce moment, une activité :"), _("En ce moment, %(n)d activités :"))


def headline_lines(current, now):
    with_site = len(current) <= SITE_NAMES_UP_TO
    lines = " ; ".join(notice_line(n, now, with_site) for n in current[:LINES_UP_TO]) + "."
    others = len(current) - LINES_UP_TO
    if others > 0:
        lines += " " + _count(others, _("Et une autre activité : pour l'entendre, appuyez sur 4 après ce message."),
                              _("Et %(n)d autres activités : pour celles de votre commune, appuyez sur 3 après ce message, "
                                "pour toutes, sur 4."))
    return lines


def planned_count(planned):
    if not planned:
        return _("Aucune opération n'est prévue dans les prochains jours.")
    return _count(len(planned), _("Une opération est prévue dans les prochains jours."),
                  _("%(n)d opérations sont prévues dans les prochains jours."))


def greeting(territory, override_text=""):
    """Short, so that the first notice is heard within ten seconds of the call."""
    if override_text:
        text = _sentence(override_text)
    else:
        text = _("Bonjour, ici la ligne des riverains %(of_name)s.") % {"of_name": of_place(territory.name)}
    return text + " " + _("Ce service informe, il n'alerte pas.")


def demo_notice(territory):
    return _("C'est une démonstration : les entreprises et les messages sont fictifs.") if getattr(territory, "is_demo", False) else ""


def siren_reminder():
    """The short version said before the menu; the territory's full advice is under 9."""
    return _("Si la sirène retentit, mettez-vous à l'abri et écoutez la radio.")


def disclaimer(territory):
    advice = (territory.siren_advice or "").strip()
    if advice and not advice.lower().startswith("si la sirène"):
        advice = _("Si la sirène retentit : %(advice)s") % {"advice": advice}
    return " ".join(filter(None, [_("Ce service vous informe, il ne vous alerte pas."), _sentence(advice)]))


def menu_prompt(current_count=0):
    parts = []
    if current_count:
        parts.append(_("Pour entendre une activité en détail, appuyez sur 1."))
    parts += [
        _("Pour les opérations prévues, appuyez sur 2."),
        _("Pour ce qui concerne votre commune, appuyez sur 3."),
    ]
    if current_count:
        parts.append(_("Pour toutes les activités en détail, appuyez sur 4."))
    parts.append(_("Pour réécouter, appuyez sur étoile. Pour les consignes en cas de sirène et ce service, appuyez sur 9."))
    return " ".join(parts)


def outro():
    return _("Fin du bulletin. Pour le réécouter, appuyez sur étoile. Pour revenir au menu, appuyez sur 0.")


def service_information(territory):
    who = territory.coordinator_name or _("les industriels du territoire")
    parts = [
        disclaimer(territory),
        _("Ce service est proposé par %(who)s. Il relaie les informations des sites industriels de %(name)s "
          "sur ce qui peut se voir, s'entendre ou se sentir depuis l'extérieur : torchage, vapeur, odeurs, bruits, "
          "exercices et essais de sirène.") % {"who": speakable(who), "name": spoken_name(territory.name)},
        _("Les alertes officielles passent par les sirènes, par FR-Alert sur les téléphones portables, et par la préfecture."),
        _("Les mêmes informations sont publiées sur le site internet du territoire, où vous pouvez aussi vous abonner "
          "et signaler ce que vous percevez."),
    ]
    if territory.contact_phone:
        parts.append(_("Pour joindre la structure qui coordonne ce service, appelez le %(phone)s.") % {"phone": territory.contact_phone})
    return " ".join(parts)


def commune_report(territory, communes, current, planned, now):
    """What the caller hears after typing a postcode (menu 3): that commune's notices in one line each."""
    names = _join([spoken_name(c.name) for c in communes])
    codes = {c.pk for c in communes}

    def concerns(notice):
        return notice.site.commune_id in codes or any(c.pk in codes for c in notice.communes.all())

    here_now = [n for n in current if concerns(n)]
    here_soon = [n for n in planned if concerns(n)]
    if not here_now and not here_soon:
        return _("Pour %(names)s, rien n'est annoncé en ce moment ni dans les prochains jours.") % {"names": names}
    parts = [_("Pour %(names)s :") % {"names": names}]
    if here_now:
        parts.append(_count(len(here_now), _("une activité en ce moment :"), _("%(n)d activités en ce moment :")))
        parts.append(" ; ".join(notice_line(n, now) for n in here_now) + ".")
    if here_soon:
        parts.append(_count(len(here_soon), _("une opération prévue :"), _("%(n)d opérations prévues :")))
        parts.append(" ".join(notice_sentence(n, now) for n in here_soon))
    return " ".join(parts)


def compose(territory, current, planned, now, greeting_text=""):
    """The script of the bulletin: pure, from notices already chosen and ordered.

    A caller first hears the "intro": the greeting, then at once how many activities there are
    and one short line for each ("torchage à la Raffinerie de Gonfreville, jusqu'à 18 heures"),
    the count of planned operations and the siren reminder; then the menu. The full sentences
    (section "current", one segment per notice) come on request, or in the web bulletin."""
    with override("fr"):
        # The greeting and the count in one breath; the lines of the notices right after.
        segments = [Segment("intro", " ".join([greeting(territory, greeting_text), headline_lead(current)]))]
        if current:
            segments.append(Segment("intro", headline_lines(current, now), role="lines"))
        segments.append(Segment("intro", " ".join(filter(None, [planned_count(planned), demo_notice(territory), siren_reminder()]))))
        if current:
            segments.append(Segment("current", _count(len(current), _("Voici l'activité en cours, en détail."),
                                                      _("Voici les %(n)d activités en cours, en détail."))))
            segments += [Segment("current", notice_sentence(n, now), n.pk) for n in current]
        else:
            segments.append(Segment("current", _("Rien à signaler en ce moment : aucun site industriel n'a annoncé "
                                                 "d'opération visible, audible ou odorante en cours.")))
        if planned:
            segments.append(Segment("planned", planned_count(planned)))
            segments += [Segment("planned", notice_sentence(n, now), n.pk) for n in planned]
        else:
            segments.append(Segment("planned", planned_count(planned)))
        segments += [
            Segment("outro", " ".join([disclaimer(territory), outro()])),
            Segment("menu", menu_prompt(len(current))),
            Segment("info", service_information(territory)),
        ]
    return Script(segments, current_ids=[n.pk for n in current])


def script_for(territory, now=None):
    """Read the territory's current and planned notices and compose their bulletin."""
    from notices.models import Notice

    from .models import VoiceSettings

    now = now or timezone.now()
    base = Notice.objects.filter(territory=territory).select_related("site__commune").prefetch_related("communes")
    current = list(base.active(now).order_by("starts_at", "pk"))
    planned = list(base.upcoming(now).order_by("starts_at", "pk"))
    settings_row = VoiceSettings.objects.filter(territory=territory).first()
    return compose(territory, current, planned, now, settings_row.greeting if settings_row else "")


def clip_text(notice, now=None):
    """What the "Listen" button of a single notice says."""
    with override("fr"):
        return notice_sentence(notice, now or timezone.now())

