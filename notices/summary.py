"""A notice's structured summary in other languages, without machine translation (issue 16).

What a notice says in fixed fields — category, state, site and its commune, start and end,
what can be perceived, the communes concerned, what to do — is rendered from templates
translated in the gettext catalogues (locale/<language>/LC_MESSAGES/django.po), in English,
Arabic (right to left), Spanish, Portuguese and Turkish. The operator's own words (title, text,
impact) stay in French and the summary says so. The "Que dois-je faire ?" line is translated
only while it is one of the category defaults (notices.catalog.WHAT_TO_DO); a line the operator
wrote stays in French too.

Built from a revision's frozen snapshot (relay, feeds, CAP) or from a notice's current state
(page, API, phone): both go through `summarize`. Names (site, communes) are never translated."""
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _, pgettext

from .catalog import translatable_what_to_do, what_to_do_for
from .models import Category, Perception, Status

PARIS = ZoneInfo("Europe/Paris")
RTL_LANGUAGES = {"ar"}


def languages():
    """(code, own name) of the summary's languages, French excluded."""
    return list(settings.SUMMARY_LANGUAGES)


def language_codes():
    return [code for code, _name in settings.SUMMARY_LANGUAGES]


def is_summary_language(code):
    return code in language_codes()


def direction(language):
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@dataclass
class Summary:
    language: str
    language_name: str
    direction: str
    category: str
    status: str
    site: str
    commune: str
    starts: str
    end_label: str
    ends: str
    perceptions: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    what_to_do: str = ""
    what_to_do_translated: bool = True  # False: the operator's own line, kept in French

    @property
    def comma(self):
        """The list separator: Arabic has its own comma."""
        return "، " if self.language == "ar" else ", "

    def as_dict(self):
        """The API's and feeds' plain data (text included)."""
        return {
            "language": self.language,
            "direction": self.direction,
            "what_to_do": self.what_to_do,
            "what_to_do_language": self.language if self.what_to_do_translated else "fr",
            "category": self.category,
            "status": self.status,
            "site": self.site,
            "commune": self.commune,
            "starts": self.starts,
            "end_label": self.end_label,
            "ends": self.ends,
            "perceptions": self.perceptions,
            "communes": self.communes,
            "text": self.text(),
        }

    def html(self, heading_level=2, heading_id=""):
        """The summary as an HTML section with its own lang and dir (escaped like any template)."""
        return render_to_string(
            "notices/summary.html",
            {"s": self, "level": heading_level, "heading_id": heading_id or f"resume-{self.language}"},
        )

    def text(self, note=True):
        """Plain text, a few short sentences, "what to do" first: e-mail, CAP, phone, feeds.
        `note=False` leaves out the closing note (translated, French text, Paris time), which the
        phone line says once for all notices."""
        with translation.override(self.language):
            return render_to_string("notices/summary.txt", {"s": self, "note": note}).strip()


def summarize(snapshot, language, site_commune="", now=None):
    """The Summary of a notice's snapshot (notices.services.snapshot) in `language`;
    `site_commune` for snapshots made before they named the site's commune."""
    now = now or timezone.now()
    status = _display_status(snapshot, now)
    what_to_do = snapshot.get("what_to_do") or what_to_do_for(snapshot.get("category"))
    default = translatable_what_to_do(what_to_do)
    name = dict(settings.SUMMARY_LANGUAGES).get(language, language)
    with translation.override(language):
        ended = snapshot.get("ended_at")
        return Summary(
            language=language,
            language_name=name,
            direction=direction(language),
            category=_label(Category, snapshot.get("category")),
            status=_label(Status, status),
            site=(snapshot.get("site") or {}).get("name", ""),
            commune=(snapshot.get("site") or {}).get("commune") or site_commune,
            starts=moment(snapshot.get("starts_at")),
            end_label=_("Fin") if ended else _("Fin prévue"),
            ends=moment(ended or snapshot.get("expected_end_at")) or _("non précisée"),
            perceptions=[_label(Perception, p) for p in snapshot.get("perceptions", [])],
            communes=[c["name"] for c in snapshot.get("communes", [])],
            what_to_do=str(default) if default is not None else what_to_do,
            what_to_do_translated=default is not None,
        )


def summarize_notice(notice, language, now=None):
    """The Summary of a notice as it stands now (its latest published state)."""
    from .services import snapshot

    return summarize(snapshot(notice), language, notice.site.commune.name, now=now)


def summaries(snap, site_commune="", now=None):
    """Every language's Summary of a snapshot, in the menu's order."""
    return [summarize(snap, code, site_commune, now=now) for code in language_codes()]


def moment(value):
    """'Tuesday, 1 December 2026 at 14:30' in the active language, Paris time, from ISO 8601 text or
    a datetime; absolute (no "today"): summaries are read later, in e-mails and feeds."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(PARIS)
    return _("%(weekday)s %(day)s à %(time)s") % {
        "weekday": formats.date_format(local, "l"),
        # The month in full (a voice reads "Dec." as "deck"), in the order of the language.
        "day": formats.date_format(local, pgettext("format de date du résumé (Django)", "j F Y")),
        "time": local.strftime("%H:%M"),
    }


def _display_status(snapshot, now):
    """A scheduled notice whose start has passed is under way (as on the page)."""
    status = snapshot.get("status", "")
    starts_at = snapshot.get("starts_at")
    if status == Status.SCHEDULED and starts_at and datetime.fromisoformat(starts_at) <= now:
        return Status.ONGOING
    return status


def _label(choices, code):
    return str(choices(code).label) if code in choices.values else str(code or "")
