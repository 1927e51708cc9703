"""What a delivery says, built from the revision's frozen snapshot (never from the live notice,
which may have changed since): shared by every channel."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from notices.models import Category, RevisionAction

PARIS = ZoneInfo("Europe/Paris")

HEADLINES = {
    RevisionAction.PUBLISHED: "Nouveau message",
    RevisionAction.UPDATED: "Mise à jour",
    RevisionAction.STARTED: "Début",
    RevisionAction.ENDED: "Terminé",
    RevisionAction.CANCELLED: "Annulé",
    RevisionAction.CORRECTED: "Correction",
    RevisionAction.WITHDRAWN: "Message retiré",
}


def absolute(path):
    return settings.SITE_URL + path


def paris_time(value):
    """'mardi 3 juin 2025 à 14:30' in Paris time, from an ISO 8601 string of the snapshot."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(PARIS)
    with translation.override("fr"):
        return formats.date_format(moment, "l j F Y à H:i")


def short_paris_time(value):
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(PARIS)
    return moment.strftime("%d/%m %Hh%M")


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


def for_revision(revision):
    notice, snap = revision.notice, revision.snapshot
    territory = notice.territory
    with translation.override("fr"):
        headline = _(HEADLINES.get(revision.action, "Message"))
        category = str(dict(Category.choices).get(snap.get("category"), snap.get("category", "")))
        url = absolute(reverse("public:notice", args=[territory.slug, notice.pk]))
    return NoticeMessage(
        territory_name=territory.name,
        territory_slug=territory.slug,
        headline=headline,
        title=snap.get("title", ""),
        body=snap.get("body", ""),
        impact=snap.get("impact", ""),
        category=category,
        site=(snap.get("site") or {}).get("name", ""),
        communes=", ".join(c["name"] for c in snap.get("communes", [])),
        starts=paris_time(snap.get("starts_at")),
        ends=paris_time(snap.get("ended_at") or snap.get("expected_end_at")),
        starts_short=short_paris_time(snap.get("starts_at")),
        change_note=revision.change_note,
        url=url,
        status=snap.get("status", ""),
        immediate=bool(snap.get("immediate")),
        notice_id=notice.pk,
        revision_number=revision.number,
        snapshot=snap,
    )


def manage_url(subscription):
    from .services import manage_token

    with translation.override("fr"):
        return absolute(reverse("relay:manage", args=[subscription.territory.slug, manage_token(subscription)]))


def unsubscribe_url(subscription):
    """The one-click (RFC 8058) address: outside the language prefix, POST-able by mail clients."""
    from .services import manage_token

    return absolute(reverse("relay_hooks:unsubscribe", args=[manage_token(subscription)]))
