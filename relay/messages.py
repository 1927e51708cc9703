"""What a delivery says, built from the revision's frozen snapshot (never from the live notice,
which may have changed since): shared by every channel.

The fixed parts (headline, category, times, link) are in the subscriber's language; the
operator's own text (title, body, impact, change note) stays as written, in French."""
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from notices import summary
from notices.catalog import translatable_what_to_do, what_to_do_for
from notices.models import Category, RevisionAction
from riverains.languages import page_language
from riverains.text import header_text, strip_controls

from . import conf
from .tokens import manage_token

PARIS = ZoneInfo("Europe/Paris")

# Lazy: translated when a message is built, in the subscriber's language.
HEADLINES = {
    RevisionAction.PUBLISHED: gettext_lazy("Nouveau message"),
    RevisionAction.UPDATED: gettext_lazy("Mise à jour"),
    # "Début" alone is already the label "Start" of the notice's times; the headline says "Started".
    RevisionAction.STARTED: pgettext_lazy("envoi aux abonnés", "Début"),
    RevisionAction.ENDED: gettext_lazy("Terminé"),
    RevisionAction.CANCELLED: gettext_lazy("Annulé"),
    RevisionAction.CORRECTED: gettext_lazy("Correction"),
    RevisionAction.WITHDRAWN: gettext_lazy("Message retiré"),
}
OTHER_HEADLINE = gettext_lazy("Message")


def absolute(path):
    return settings.SITE_URL + path


def paris_time(value):
    """'mardi 3 juin 2025 à 14:30', 'Tuesday 3 June 2025 at 14:30': Paris time, in the active
    language, from an ISO 8601 string of the snapshot."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(PARIS)
    day = formats.date_format(moment, "l j F Y")
    return _("%(day)s à %(time)s") % {"day": day, "time": moment.strftime("%H:%M")}


def short_paris_time(value):
    """'03/06 14h30' in French, '3 Jun 14:30' in English (day and month never mistaken for
    each other): the SMS and push notifications."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(PARIS)
    if translation.get_language() == "fr":
        return moment.strftime("%d/%m %Hh%M")
    return formats.date_format(moment, "j M H:i")


@dataclass
class NoticeMessage:
    territory_name: str
    territory_slug: str
    headline: str
    title: str
    body: str
    impact: str
    category: str
    site: str
    communes: str
    starts: str
    ends: str
    starts_short: str
    change_note: str
    url: str
    status: str
    immediate: bool
    notice_id: int
    revision_number: int
    snapshot: dict
    language: str = settings.LANGUAGE_CODE
    # "Que dois-je faire ?" (issue 16), first in every message: the category's default in the
    # page language, or the operator's own line in French (what_to_do_in_french).
    what_to_do: str = ""
    what_to_do_in_french: bool = True
    what_to_do_is_default: bool = True  # False: the operator wrote it (an SMS keeps it whatever it costs)
    # The language of the fixed parts and links: `language` itself, or French for a subscriber
    # reading a summary-only language (Arabic…), who gets `summary` (notices.summary) in it.
    page_language: str = settings.LANGUAGE_CODE
    summary: object = None


def for_revision(revision, language=settings.LANGUAGE_CODE):
    """The message of a revision with its fixed parts in `language` (webhooks and the social
    accounts keep French). The e-mail channel builds it once per (revision, language) for a whole
    batch, not once per delivery."""
    notice, snap = revision.notice, revision.snapshot
    territory = notice.territory
    page = page_language(language)
    with translation.override(page):
        what_to_do, what_to_do_in_french = _what_to_do(snap)
        headline = str(HEADLINES.get(revision.action, OTHER_HEADLINE))
        category = str(dict(Category.choices).get(snap.get("category"), snap.get("category", "")))
        url = absolute(reverse("public:notice", args=[territory.slug, notice.pk]))  # /en/… in English
        if page != language:  # the notice page showing the subscriber's summary
            url += f"?lang={language}"
        starts = paris_time(snap.get("starts_at"))
        ends = paris_time(snap.get("ended_at") or snap.get("expected_end_at"))
        starts_short = short_paris_time(snap.get("starts_at"))
    # Control characters stored before the inputs refused them go no further: no channel (mail
    # headers, SMS, push) carries them.
    return NoticeMessage(
        territory_name=strip_controls(territory.name, multiline=False),
        territory_slug=territory.slug,
        headline=headline,
        title=strip_controls(snap.get("title", ""), multiline=False),
        body=strip_controls(snap.get("body", "")),
        impact=strip_controls(snap.get("impact", "")),
        category=category,
        site=strip_controls((snap.get("site") or {}).get("name", ""), multiline=False),
        communes=", ".join(c["name"] for c in snap.get("communes", [])),
        starts=starts,
        ends=ends,
        starts_short=starts_short,
        change_note=strip_controls(revision.change_note, multiline=False),
        url=url,
        status=snap.get("status", ""),
        immediate=bool(snap.get("immediate")),
        notice_id=notice.pk,
        revision_number=revision.number,
        snapshot=snap,
        language=language,
        what_to_do=strip_controls(what_to_do, multiline=False),
        what_to_do_in_french=what_to_do_in_french,
        what_to_do_is_default=translatable_what_to_do(snap.get("what_to_do") or what_to_do_for(snap.get("category"))) is not None,
        page_language=page,
        # The site's commune comes from the snapshot: no query here, channels may run in threads.
        summary=summary.summarize(snap, language, now=revision.created_at) if page != language else None,
    )


def _what_to_do(snap):
    """(line, is_french) in the active language: a category default is translated, the
    operator's own line is not."""
    line = snap.get("what_to_do") or what_to_do_for(snap.get("category"))
    default = translatable_what_to_do(line)
    if default is None:
        return line, True
    return str(default), translation.get_language() == "fr"


def manage_url(subscription):
    with translation.override(subscription.language):  # /en/… for a resident who subscribed in English
        return absolute(reverse("relay:manage", args=[subscription.territory.slug, manage_token(subscription)]))


def unsubscribe_mailto(subscription):
    """List-Unsubscribe's mailto: alternative, for mail clients without one-click: the manage
    token in the subject, read by `manage.py unsubscribe_by_mail`."""
    return f"mailto:{conf.unsubscribe_email()}?subject=" + quote(f"{UNSUBSCRIBE_SUBJECT} {manage_token(subscription)}")


# What unsubscribe_by_mail looks for in a message's subject, before the token.
UNSUBSCRIBE_SUBJECT = "unsubscribe"


def list_id(territory_name, territory_slug):
    """RFC 2919 List-Id, one list per territory: '"Seine-Estuaire" <seine-estuaire.riverains.example.org>'
    (the site's host as namespace; "localhost", as the RFC says, when it is an address or a
    single label). The name is encoded here so that the header stays ASCII whole."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    namespace = host if "." in host and not host.replace(".", "").isdigit() else "localhost"
    return formataddr((header_text(territory_name), f"{territory_slug}.{namespace}"))


def unsubscribe_url(subscription):
    """The one-click (RFC 8058) address: outside the language prefix, POST-able by mail clients."""
    return absolute(reverse("relay_hooks:unsubscribe", args=[manage_token(subscription)]))
