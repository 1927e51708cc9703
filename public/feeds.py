"""Atom, CAP 1.2, iCalendar and CSV per territory: one address each, no language prefix, French.

Every output is served through notices.reads.serve_fingerprinted: cached under the territory's
fingerprint (so it changes the moment a notice is written), with an ETag that gives a 304.
Links are absolute, built on settings.SITE_URL. Only published notices of published
territories appear; drafts never do.

- /<territory>/feed.atom — Atom 1.0, **one entry per revision** (the 50 latest): each publication,
  update, start, end, cancellation or withdrawal is news for a feed reader, and a revision is
  immutable, so an entry never changes after it is sent. Entry id: a tag URI per revision;
  `updated`/`published`: when the revision was made. Texts are escaped (summary is type="html").
- /<territory>/cap.xml — an Atom *index* of CAP messages, as the OASIS "CAP feeds" practice and
  national weather services do: one entry per notice (the 50 most recently changed), linking to
  the CAP 1.2 <alert> of its latest revision at /<territory>/cap/<notice>-<revision>.xml.
  Each revision is one CAP message: msgType Alert for the first, Update for the next ones (with
  `references` to every earlier message), Cancel for a cancellation or a withdrawal. Riverains is
  information, not an alert: status Actual (a drill is real information), scope Public,
  severity Minor, responseType None; urgency Future and certainty Likely while the operation
  has not started when the message is sent, Unknown and Observed once it has; category Safety for
  drills, siren tests and incidents, Env otherwise. The area is the notice's communes (INSEE
  geocodes) and a circle around the site (settings.CAP_CIRCLE_RADIUS_KM, 5 km by default).
- /<territory>/planned.ics — iCalendar of planned operations: one VEVENT per planned notice still
  scheduled or ongoing, or that started in the last 30 days (ended ones stay so that calendars
  keep them; cancelled ones carry STATUS:CANCELLED). UID stable per notice, SEQUENCE = number of
  the latest revision, times in UTC.
- /<territory>/notices.csv — open data, one row per revision; columns in CSV_COLUMNS below and in
  docs/open-data.md."""
import csv
import io
import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape, format_html, linebreaks
from django.utils.xmlutils import SimplerXMLGenerator
from lxml import etree

from notices import summary
from notices.catalog import what_to_do_for
from notices.models import (
    PUBLISHED_STATUSES,
    Category,
    Kind,
    Notice,
    Revision,
    RevisionAction,
    Status,
)
from public.cache import published_territory, serve_fingerprinted
from riverains.env import env_float, setting
from riverains.licence import LICENCE_NAME, LICENCE_URL
from riverains.text import plain_text, xml_text
from zones.services import cap_polygons

FEED_ENTRIES = 50
ICS_PAST_DAYS = 30
CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SAFETY_CATEGORIES = {Category.DRILL, Category.SIREN_TEST, Category.INCIDENT}


def _territory(slug):
    return published_territory(slug)


def _absolute(path):
    return settings.SITE_URL + path


def _french_url(name, *args):
    with translation.override("fr"):
        return _absolute(reverse(name, args=args))


def _public_revisions(territory):
    return (
        Revision.objects.filter(notice__territory=territory, notice__status__in=PUBLISHED_STATUSES)
        .select_related("notice__territory", "notice__site__organization", "notice__site__commune")
    )


def _parse(value):
    """A snapshot's ISO 8601 text → aware datetime (or None)."""
    return datetime.fromisoformat(value) if value else None


def _label(choices, code):
    with translation.override("fr"):
        return str(choices(code).label) if code in choices.values else code


def _what_to_do(snap):
    """The snapshot's "Que dois-je faire ?" line (its category's default for revisions made
    before the line existed)."""
    return snap.get("what_to_do") or what_to_do_for(snap.get("category"))


def _host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


# --- Atom ----------------------------------------------------------------------------------


class XmlSafeGenerator(SimplerXMLGenerator):
    """Drops what XML 1.0 cannot carry instead of failing: one control character in one site's
    name must not take the whole territory's feed down (Django's generator raises)."""

    def characters(self, content):
        super().characters(xml_text(content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_text(value) for key, value in (attrs or {}).items()})


class LicensedAtomFeed(Atom1Feed):
    """Atom 1.0 written by XmlSafeGenerator, with the data's licence (RFC 4946 link and rights)."""

    def write(self, outfile, encoding):
        handler = XmlSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("link", "", {"rel": "license", "href": LICENCE_URL})


class SafeRssFeed(Rss201rev2Feed):
    """RSS 2.0 written by XmlSafeGenerator (the commune feeds, the podcast)."""

    def write(self, outfile, encoding):
        handler = XmlSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")


class RevisionFeed(Feed):
    """One entry per revision of the territory's published notices."""

    feed_type = LicensedAtomFeed
    feed_copyright = LICENCE_NAME

    def get_object(self, request, territory):
        return territory

    def title(self, territory):
        return f"Riverains — {territory.name}"

    def subtitle(self, territory):
        return "Ce que font les sites industriels et qui se voit, s'entend ou se sent. Information, pas une alerte."

    def link(self, territory):
        return _french_url("public:territory", territory.slug)

    def feed_url(self, territory):
        return _absolute(reverse("feeds:atom", args=[territory.slug]))

    def feed_guid(self, territory):
        return f"tag:{_host()},2025:riverains/{territory.slug}"

    def author_name(self, territory):
        return territory.coordinator_name or territory.name

    def items(self, territory):
        return _public_revisions(territory).order_by("-created_at", "-pk")[:FEED_ENTRIES]

    def item_title(self, revision):
        title = revision.snapshot.get("title", "")
        if revision.number == 1:
            return title
        return f"{title} ({_label(RevisionAction, revision.action)})"

    def item_description(self, revision):
        """HTML (Atom summary type="html"): the operator's text is escaped before it becomes HTML."""
        snap = revision.snapshot
        parts = [f"Que dois-je faire ? {_what_to_do(snap)}"]  # first on every channel (issue 16)
        if revision.change_note:
            parts.append(f"Ce qui a changé : {revision.change_note}")
        parts += [
            f"{_label(Category, snap.get('category'))} — {_label(Status, snap.get('status'))} — {snap.get('site', {}).get('name', '')}",
            snap.get("body", ""),
            snap.get("impact", ""),
            "Communes : " + ", ".join(c["name"] for c in snap.get("communes", [])),
        ]
        french = "".join(linebreaks(escape(p)) for p in parts if p)
        # The structured summary in the other languages, each marked with its language and
        # direction (the operator's text above stays French).
        translated = "".join(
            format_html('<div lang="{}" dir="{}">{}</div>', s.language, s.direction, linebreaks(escape(s.text())))
            for s in summary.summaries(snap, revision.notice.site.commune.name, now=revision.created_at)
        )
        return french + translated

    def item_link(self, revision):
        return _french_url("public:notice", revision.notice.territory.slug, revision.notice_id)

    def item_guid(self, revision):
        return f"tag:{_host()},2025:riverains/{revision.notice.territory.slug}/{revision.notice_id}/{revision.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, revision):
        return revision.created_at

    def item_updateddate(self, revision):
        return revision.created_at

    def item_author_name(self, revision):
        return revision.notice.site.organization.name

    def item_categories(self, revision):
        return [_label(Category, revision.snapshot.get("category"))]


def _render_feed(feed, request, territory):
    with translation.override("fr"):
        return feed.get_feed(territory, request).writeString("utf-8")


def atom(request, territory):
    territory = _territory(territory)
    return serve_fingerprinted(
        request, territory, "atom", None, lambda: _render_feed(RevisionFeed(), request, territory),
        "application/atom+xml; charset=utf-8",
    )


# --- CAP 1.2 -------------------------------------------------------------------------------


def _cap_time(value):
    """CAP wants seconds and an explicit offset (no fraction, no "Z")."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _cap_sender(territory):
    return f"{territory.slug}@{_host()}"


def _cap_identifier(revision):
    return f"riverains.{revision.notice.territory.slug}.{revision.notice_id}.{revision.number}"


def _cap_msg_type(revision):
    if revision.action in (RevisionAction.CANCELLED, RevisionAction.WITHDRAWN):
        return "Cancel"
    return "Alert" if revision.number == 1 else "Update"


def cap_alert_xml(revision, earlier):
    """The CAP 1.2 <alert> of one revision (`earlier`: the notice's previous revisions)."""
    notice, snap = revision.notice, revision.snapshot
    territory, site = notice.territory, notice.site
    alert = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})

    def add(parent, name, text):
        element = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
        element.text = xml_text(str(text))  # lxml refuses control characters: drop them
        return element

    sender = _cap_sender(territory)
    add(alert, "identifier", _cap_identifier(revision))
    add(alert, "sender", sender)
    add(alert, "sent", _cap_time(revision.created_at))
    add(alert, "status", "Actual")
    add(alert, "msgType", _cap_msg_type(revision))
    add(alert, "source", "Riverains")
    add(alert, "scope", "Public")
    if revision.action in (RevisionAction.CANCELLED, RevisionAction.WITHDRAWN) and snap.get("public_reason"):
        add(alert, "note", snap["public_reason"])
    if earlier:
        add(alert, "references", " ".join(f"{sender},{_cap_identifier(r)},{_cap_time(r.created_at)}" for r in earlier))

    starts_at, category = _parse(snap.get("starts_at")), snap.get("category")
    expires = _parse(snap.get("ended_at") or snap.get("expected_end_at"))
    not_started = starts_at is not None and starts_at > revision.created_at
    web = _french_url("public:notice", territory.slug, notice.pk)

    def add_info(language, event, headline, description, instruction, url):
        """One <info> block, in the order the CAP 1.2 schema requires."""
        info = etree.SubElement(alert, f"{{{CAP_NS}}}info")
        add(info, "language", language)
        add(info, "category", "Safety" if category in SAFETY_CATEGORIES else "Env")
        add(info, "event", event)
        add(info, "responseType", "None")
        add(info, "urgency", "Future" if not_started else "Unknown")
        add(info, "severity", "Minor")
        add(info, "certainty", "Likely" if not_started else "Observed")
        if starts_at:
            add(info, "onset", _cap_time(starts_at))
        if expires:
            add(info, "expires", _cap_time(expires))
        add(info, "senderName", f"{site.organization.name} — Riverains {territory.name}")
        add(info, "headline", headline)
        add(info, "description", description)
        add(info, "instruction", instruction)  # "Que dois-je faire ?" (issue 16)
        add(info, "web", url)
        if territory.toll_free_number:
            add(info, "contact", territory.toll_free_number)
        add_area(info)

    def add_area(info):
        area = etree.SubElement(info, f"{{{CAP_NS}}}area")
        communes = snap.get("communes", [])
        add(area, "areaDesc", ", ".join(c["name"] for c in communes) or site.name)
        for ring in polygons:  # where it may be perceived (zones app); CAP: polygons before circles
            add(area, "polygon", ring)
        radius = setting("CAP_CIRCLE_RADIUS_KM", env_float, 5)
        add(area, "circle", f"{site.latitude},{site.longitude} {radius}")
        for commune in communes:
            geocode = etree.SubElement(area, f"{{{CAP_NS}}}geocode")
            add(geocode, "valueName", "INSEE")
            add(geocode, "value", commune["code"])

    polygons = list(cap_polygons(revision))
    description = "\n\n".join(p for p in [revision.change_note and f"Ce qui a changé : {revision.change_note}",
                                           snap.get("body", ""), snap.get("impact", "")] if p)
    add_info("fr-FR", _label(Category, category), snap.get("title", ""), description, _what_to_do(snap), web)
    # One more <info> per language of the structured summary (CAP 1.2 3.2.2: one per language);
    # the operator's own words are not in them, the summary says they stay French.
    for s in summary.summaries(snap, site.commune.name, now=revision.created_at):
        headline = f"{s.category} — {s.site}, {s.commune}" if s.commune else f"{s.category} — {s.site}"
        add_info(s.language, s.category, headline, s.text(), s.what_to_do, f"{web}?lang={s.language}")
    return etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class CapIndexFeed(RevisionFeed):
    """Atom index: the latest CAP message of each of the most recently changed notices."""

    def title(self, territory):
        return f"Riverains — {territory.name} — messages CAP"

    def feed_url(self, territory):
        return _absolute(reverse("feeds:cap", args=[territory.slug]))

    def feed_guid(self, territory):
        return f"tag:{_host()},2025:riverains/{territory.slug}/cap"

    def items(self, territory):
        latest = {}
        for revision in _public_revisions(territory).order_by("-created_at", "-number")[: FEED_ENTRIES * 4]:
            latest.setdefault(revision.notice_id, revision)
        return list(latest.values())[:FEED_ENTRIES]

    def item_link(self, revision):
        return _absolute(reverse("feeds:cap_alert", args=[revision.notice.territory.slug, revision.notice_id, revision.number]))

    def item_guid(self, revision):
        return self.item_link(revision)

    item_guid_is_permalink = True


def cap(request, territory):
    territory = _territory(territory)
    return serve_fingerprinted(
        request, territory, "cap", None, lambda: _render_feed(CapIndexFeed(), request, territory),
        "application/atom+xml; charset=utf-8",
    )


def cap_alert(request, territory, notice, revision):
    territory = _territory(territory)
    found = _public_revisions(territory).filter(notice_id=notice, number=revision).first()
    if found is None:
        raise Http404("Message CAP introuvable.")

    def render():
        earlier = list(Revision.objects.filter(notice_id=notice, number__lt=revision).order_by("number").select_related("notice__territory"))
        return cap_alert_xml(found, earlier)

    return serve_fingerprinted(
        request, territory, "cap-alert", (notice, revision), render, "application/cap+xml; charset=utf-8"
    )


# --- iCalendar -----------------------------------------------------------------------------


def planned_notices(territory, now=None):
    """Planned notices still to come or under way, or that started in the last 30 days."""
    now = now or timezone.now()
    return (
        Notice.objects.published()
        .filter(territory=territory, kind=Kind.PLANNED)
        .filter(Q(status__in=[Status.SCHEDULED, Status.ONGOING]) | Q(starts_at__gte=now - timedelta(days=ICS_PAST_DAYS)))
        .select_related("site__commune", "territory")
        .annotate(revision_number=Max("revisions__number"), revised_at=Max("revisions__created_at"))
        .order_by("starts_at", "pk")
    )


def calendar_ics(territory):
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Riverains//Opérations programmées//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plain_text(f"Riverains — {territory.name} — opérations programmées"))
    calendar.add("x-wr-timezone", "Europe/Paris")
    for notice in planned_notices(territory):
        calendar.add_component(_event(notice))
    return calendar.to_ical()


def _event(notice):
    utc = dt_timezone.utc
    event = icalendar.Event()
    event.add("uid", f"notice-{notice.pk}@{_host()}")
    event.add("sequence", notice.revision_number or 0)
    event.add("dtstamp", (notice.revised_at or notice.updated_at).astimezone(utc))
    event.add("last-modified", notice.updated_at.astimezone(utc))
    event.add("dtstart", notice.starts_at.astimezone(utc))
    end = notice.ended_at or notice.expected_end_at
    if end:
        event.add("dtend", end.astimezone(utc))
    # RFC 5545 allows no control character in a text value but tab (line breaks are escaped):
    # rows stored before the forms refused them are cleaned here.
    event.add("summary", plain_text(notice.title))
    reason = f"Motif : {notice.public_reason}" if notice.public_reason else ""
    todo = f"Que dois-je faire ? {notice.what_to_do_line}"  # first, as on every channel (issue 16)
    event.add("description", plain_text("\n\n".join(p for p in [todo, notice.body, notice.impact, reason] if p)))
    event.add("location", plain_text(f"{notice.site.name}, {notice.site.commune.name}"))
    event.add("geo", (float(notice.site.latitude), float(notice.site.longitude)))
    event.add("categories", [_label(Category, notice.category)])
    event.add("url", _french_url("public:notice", notice.territory.slug, notice.pk))
    event.add("status", "CANCELLED" if notice.status == Status.CANCELLED else "CONFIRMED")
    event.add("transp", "TRANSPARENT")  # it does not make anyone busy
    return event


def ical(request, territory):
    territory = _territory(territory)
    return serve_fingerprinted(
        request, territory, "ical", None, lambda: calendar_ics(territory), "text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{territory.slug}-operations.ics"'},
    )


# --- CSV open data -------------------------------------------------------------------------

# One row per revision, oldest notice first. Lists are separated by "|"; times are ISO 8601 with
# their offset (Europe/Paris). Keep docs/open-data.md in step with this list.
CSV_COLUMNS = [
    "territory",        # slug of the territory
    "notice_id",        # the notice's number; its revisions share it
    "revision",         # 1, 2, 3… in order
    "revision_at",      # when this revision was published
    "action",           # published, updated, started, ended, cancelled, corrected, withdrawn
    "status",           # scheduled, ongoing, ended, cancelled (after this revision)
    "category",         # code: torchage, vapeur, odeur, bruit, exercice, essai_sirene, …
    "category_label",   # French label
    "kind",             # planned or observed
    "perceptions",      # visible|audible|olfactory
    "site_id",
    "site",
    "organization",
    "starts_at",
    "expected_end_at",
    "ended_at",
    "title",
    "body",
    "impact",
    "communes",         # INSEE codes, "|"-separated
    "commune_names",    # same order, "|"-separated
    "change_note",      # what changed (empty for the first revision)
    "public_reason",    # reason of a cancellation or withdrawal
    "url",              # public page of the notice
    "what_to_do",       # « Que dois-je faire ? » (issue 16; last, so that older readers' columns stay put)
]
# CSV injection (OWASP): a spreadsheet runs a cell starting with one of these as a formula. So
# does one that splits the file on another separator (French spreadsheets use ";") or ignores the
# quotes, for which a new cell starts after a separator or a line break inside ours: a formula
# character there is guarded too. The guard is a single quote, which spreadsheets show as text
# and anyone else can strip (docs/open-data.md), and every cell is quoted.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_AFTER_SEPARATOR = re.compile(r"(?<=[,;\t\n])(?=[=+\-@])")


def neutralise(value):
    """A CSV cell: control characters dropped (line feeds and tabs kept), formulas guarded."""
    text = FORMULA_AFTER_SEPARATOR.sub("'", plain_text("" if value is None else str(value)))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_row(revision):
    snap, notice = revision.snapshot, revision.notice
    communes = snap.get("communes", [])
    return {
        "territory": notice.territory.slug,
        "notice_id": notice.pk,
        "revision": revision.number,
        "revision_at": timezone.localtime(revision.created_at).isoformat(),
        "action": revision.action,
        "status": snap.get("status", revision.status),
        "category": snap.get("category"),
        "category_label": _label(Category, snap.get("category")),
        "kind": snap.get("kind"),
        "perceptions": "|".join(snap.get("perceptions", [])),
        "site_id": snap.get("site", {}).get("id"),
        "site": snap.get("site", {}).get("name"),
        "organization": notice.site.organization.name,
        "starts_at": snap.get("starts_at"),
        "expected_end_at": snap.get("expected_end_at"),
        "ended_at": snap.get("ended_at"),
        "title": snap.get("title"),
        "body": snap.get("body"),
        "impact": snap.get("impact"),
        "communes": "|".join(c["code"] for c in communes),
        "commune_names": "|".join(c["name"] for c in communes),
        "change_note": revision.change_note,
        "public_reason": snap.get("public_reason", ""),
        "url": _french_url("public:notice", notice.territory.slug, notice.pk),
        "what_to_do": _what_to_do(snap),
    }


def notices_csv(territory):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for revision in _public_revisions(territory).order_by("notice_id", "number").iterator(chunk_size=500):
        writer.writerow({name: neutralise(value) for name, value in _csv_row(revision).items()})
    return out.getvalue()


def csv_export(request, territory):
    territory = _territory(territory)
    return serve_fingerprinted(
        request, territory, "csv", None, lambda: notices_csv(territory), "text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{territory.slug}-messages.csv"'},
    )
