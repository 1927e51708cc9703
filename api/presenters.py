"""Turn territories, sites, notices and revisions into the API's plain data.

Labels are always French (the API has one address whatever the browser's language) and URLs
are absolute, built on settings.SITE_URL, so that a cached body is right for every client.
Querysets that feed these functions must come from `notice_queryset()` / `site_queryset()`:
the related rows are fetched up front, never one query per notice."""
from django.conf import settings
from django.db.models import Max, Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from ninja.renderers import JSONRenderer

from notices import summary
from notices.models import Category, Kind, Notice, Perception, Revision, RevisionAction, Status
from notices.services import snapshot
from territories.models import Commune, Seveso, Site
from zones import api as zones_api
from zones.services import current_zone, published_zone


class FrenchJSONRenderer(JSONRenderer):
    # "Fumée", not "Fum\u00e9e": bodies stay readable and smaller.
    json_dumps_params = {"ensure_ascii": False}


RENDERER = FrenchJSONRenderer()


def absolute(path):
    return settings.SITE_URL + path


def french_reverse(name, args):
    with translation.override("fr"):
        return absolute(reverse(name, args=args))


def label(choices, code):
    with translation.override("fr"):
        code = str(code)
        return {"code": code, "label": str(choices(code).label) if code in choices.values else code}


def local(value):
    return timezone.localtime(value) if value else None


def notice_queryset(queryset=None):
    queryset = Notice.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("territory", "site__organization__territory", "explainer")
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.order_by("name")),
                          Prefetch("zones", queryset=zones_api.current_zones_prefetch(), to_attr="current_zones"))
        .annotate(revision_number=Max("revisions__number"))
    )


def site_queryset(queryset=None):
    queryset = Site.objects.all() if queryset is None else queryset
    return queryset.select_related("organization__territory", "commune").prefetch_related(
        Prefetch("neighbouring_communes", queryset=Commune.objects.order_by("name"))
    )


def commune(c):
    return {"code": c.code, "name": c.name}


def territory_out(territory):
    def feed(name):
        return absolute(reverse(f"feeds:{name}", args=[territory.slug]))

    return {
        "slug": territory.slug,
        "name": territory.name,
        "url": french_reverse("public:territory", [territory.slug]),
        "toll_free_number": territory.toll_free_number,
        "coordinator_name": territory.coordinator_name,
        "siren_advice": territory.siren_advice,
        "communes": [commune(c) for c in territory.communes.all()],  # prefetched in name order
        "feeds": {"atom": feed("atom"), "cap": feed("cap"), "ical": feed("ical"), "csv": feed("csv")},
        "notices_url": absolute(reverse("api:territory_notices", args=[territory.slug])),
    }


def site_url(site):
    return french_reverse("public:site", [site.organization.territory.slug, site.pk, site.slug])


def site_out(site):
    return {
        "id": site.pk,
        "name": site.name,
        "slug": site.slug,
        "organization": site.organization.name,
        "commune": commune(site.commune),
        "latitude": float(site.latitude),
        "longitude": float(site.longitude),
        "seveso": label(Seveso, site.seveso),
        "description": site.description,
        "neighbouring_communes": [commune(c) for c in site.neighbouring_communes.all()],
        "url": site_url(site),
    }


def notice_url(notice):
    return french_reverse("public:notice", [notice.territory.slug, notice.pk])


def notice_out(notice):
    return {
        "id": notice.pk,
        "url": notice_url(notice),
        "territory": notice.territory.slug,
        "site": {"id": notice.site_id, "name": notice.site.name, "url": site_url(notice.site)},
        "category": label(Category, notice.category),
        "kind": label(Kind, notice.kind),
        "status": label(Status, notice.display_status),
        "perceptions": [label(Perception, p) for p in notice.perceptions],
        "title": notice.title,
        "body": notice.body,
        "impact": notice.impact,
        "what_to_do": notice.what_to_do_line,
        "starts_at": local(notice.starts_at),
        "expected_end_at": local(notice.expected_end_at),
        "ended_at": local(notice.ended_at),
        "communes": [commune(c) for c in notice.communes.all()],
        "explainer_url": french_reverse("public:explainer", [notice.explainer.slug]) if notice.explainer_id else None,
        "immediate": notice.immediate,
        "public_reason": notice.public_reason,
        "published_at": local(notice.published_at),
        "updated_at": local(notice.updated_at),
        "revision": getattr(notice, "revision_number", None) or 0,
        "zone": zones_api.feature(current_zone(notice), notice),
    }


def revision_out(revision):
    return {
        "number": revision.number,
        "action": label(RevisionAction, revision.action),
        "status": label(Status, revision.status),
        "change_note": revision.change_note,
        "created_at": local(revision.created_at),
        "snapshot": revision.snapshot,
        "zone": zones_api.feature(published_zone(revision), revision.notice),
    }


def notice_detail(notice):
    revisions = Revision.objects.filter(notice=notice).order_by("number")
    summaries = {s.language: s.as_dict() for s in summary.summaries(snapshot(notice), notice.site.commune.name)}
    return {**notice_out(notice), "revisions": [revision_out(r) for r in revisions], "summaries": summaries}
