"""Read API: territories, sites and published notices, for partners and anyone.

Only published notices of published territories are visible. The territory's notices list
(GET /territories/{slug}/notices, with ?status=active the surge hot path) is cached under the
territory's fingerprint and answers 304 to a matching If-None-Match; everything is fetched in a
fixed number of queries whatever the page size."""
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from notices.models import Category, Notice, Status
from notices.reads import published_territory, serve_fingerprinted
from territories.models import Commune, Territory
from zones import api as zones_api

from . import presenters
from .schemas import ZoneCollection
from .schemas import (
    AllNoticeFilters,
    NoticeDetail,
    NoticeFilters,
    NoticePage,
    Problem,
    SiteOut,
    TerritoryOut,
)

# One router for reads and writes: ninja serves the methods of one path from one router only
# (GET and POST /notices). Reads are tagged "lecture", writes "écriture".
router = Router(tags=["lecture"])

# What any read may answer besides its own result: 400 for a value no database can compare (a
# NUL character anywhere in the address: riverains.middleware refuses it before the API sees
# it), and where there are typed parameters, 422 for one of the wrong type or out of range (a
# path id that is not a number, an offset beyond the largest).
NUL = {400: Problem}
BAD_REQUEST = {**NUL, 422: Problem}


def published_territories():
    return Territory.objects.published().prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name"))
    )


def get_territory(slug):
    territory = published_territories().filter(slug=slug).first()
    if territory is None:
        raise HttpError(404, f"Territoire inconnu : {slug}.")
    return territory


def public_notices():
    return Notice.objects.published().filter(territory__is_published=True)


# The days a filter can name: ?from=0001-01-01 or ?to=9999-12-31 would overflow once turned into
# an aware time (and the day after); nothing was published outside them anyway.
FIRST_DAY, LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


def _day_start(day):
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return timezone.make_aware(datetime.combine(day, time.min))


def check_filters(filters):
    """Wrong values and combinations raise a French ValidationError."""
    if filters.category and filters.category not in Category.values:
        raise ValidationError({"category": f"Catégorie inconnue « {filters.category} » : valeurs possibles {', '.join(Category.values)}."})
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError({"from": "La date « from » doit précéder ou égaler la date « to »."})


def filter_notices(queryset, filters):
    """Apply the list filters; wrong combinations raise a French ValidationError."""
    check_filters(filters)
    now = timezone.now()
    if filters.status == "active":
        queryset = queryset.active(now)
    elif filters.status == "upcoming":
        # The whole agenda, not just the territory page's seven-day window.
        queryset = queryset.filter(status=Status.SCHEDULED, starts_at__gt=now).order_by("starts_at", "pk")
    elif filters.status == "ended":
        queryset = queryset.ended()
    if filters.site is not None:
        queryset = queryset.filter(site_id=filters.site)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.commune:
        queryset = queryset.filter(communes__code=filters.commune)
    if filters.date_from:
        # Still under way (or announced) on that day or later.
        start = _day_start(filters.date_from)
        queryset = queryset.annotate(end=Coalesce("ended_at", "expected_end_at")).filter(
            Q(end__gte=start)
            | Q(end__isnull=True, status__in=[Status.SCHEDULED, Status.ONGOING])
            | Q(end__isnull=True, starts_at__gte=start)
        )
    if filters.date_to:
        queryset = queryset.filter(starts_at__lt=_day_start(min(filters.date_to, LAST_DAY) + timedelta(days=1)))
    return queryset


def notice_page(queryset, filters):
    count = queryset.count()
    page = presenters.notice_queryset(queryset)[filters.offset : filters.offset + filters.limit]
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "results": [presenters.notice_out(n) for n in page],
    }


def _filters_key(filters):
    return sorted(filters.model_dump(by_alias=True).items())


@router.get("/territories", response={200: list[TerritoryOut], **NUL}, url_name="territories",
            summary="Territoires publiés")
def territories(request):
    return [presenters.territory_out(t) for t in published_territories()]


@router.get("/territories/{slug}", response={200: TerritoryOut, 404: Problem, **NUL}, url_name="territory",
            summary="Un territoire")
def territory(request, slug: str):
    return presenters.territory_out(get_territory(slug))


@router.get("/territories/{slug}/sites", response={200: list[SiteOut], 404: Problem, **NUL}, url_name="territory_sites",
            summary="Sites industriels d'un territoire")
def territory_sites(request, slug: str):
    territory = get_territory(slug)
    sites = presenters.site_queryset().public().filter(organization__territory=territory)
    return [presenters.site_out(s) for s in sites]


@router.get("/territories/{slug}/sites/{site_id}", response={200: SiteOut, 404: Problem, **BAD_REQUEST}, url_name="site",
            summary="Un site industriel")
def site(request, slug: str, site_id: int):
    territory = get_territory(slug)
    site = presenters.site_queryset().public().filter(organization__territory=territory, pk=site_id).first()
    if site is None:
        raise HttpError(404, "Site introuvable.")
    return presenters.site_out(site)


@router.get(
    "/territories/{slug}/notices",
    response={200: NoticePage, 304: None, 404: Problem, **BAD_REQUEST},
    url_name="territory_notices",
    summary="Messages d'un territoire",
    description=(
        "Avec `status=active` : ce qui se passe maintenant (adresse à interroger pendant un événement). "
        "Réponse mise en cache, avec ETag : renvoyez If-None-Match pour obtenir un 304."
    ),
)
def territory_notices(request, slug: str, filters: Query[NoticeFilters]):
    variant = _filters_key(filters)
    try:
        territory = published_territory(slug, answer=("api-notices", variant))
    except Http404:
        raise HttpError(404, f"Territoire inconnu : {slug}.") from None
    check_filters(filters)  # a wrong filter is refused even when a cached answer exists

    def render():
        # Built only on a cache miss: composing the filters costs as much as serving the cached bytes.
        queryset = filter_notices(public_notices().filter(territory=territory), filters)
        body = NoticePage.model_validate(notice_page(queryset, filters)).model_dump()
        return presenters.RENDERER.render(request, body, response_status=200)

    return serve_fingerprinted(request, territory, "api-notices", variant, render, "application/json; charset=utf-8")


@router.get("/notices", response={200: NoticePage, **BAD_REQUEST}, url_name="notices", summary="Messages de tous les territoires")
def notices(request, filters: Query[AllNoticeFilters]):
    queryset = public_notices()
    if filters.territory:
        if not Territory.objects.published().filter(slug=filters.territory).exists():
            raise ValidationError({"territory": f"Territoire inconnu : {filters.territory}."})
        queryset = queryset.filter(territory__slug=filters.territory)
    return notice_page(filter_notices(queryset, filters), filters)


@router.get("/notices/{notice_id}", response={200: NoticeDetail, 404: Problem, **BAD_REQUEST}, url_name="notice",
            summary="Un message et toutes ses versions")
def notice(request, notice_id: int):
    found = presenters.notice_queryset(public_notices()).filter(pk=notice_id).first()
    if found is None:
        raise HttpError(404, "Message introuvable.")
    return presenters.notice_detail(found)


@router.get(
    "/territories/{slug}/zones",
    response={200: ZoneCollection, 304: None, 404: Problem, **NUL},
    url_name="territory_zones",
    summary="Zones de perception possible en cours",
    description=(
        "Une couche GeoJSON (longitude, latitude) : pour chaque message en cours qui annonce une odeur, une fumée, "
        "un bruit ou une lueur, la zone où cela peut se percevoir, indicative, calculée d'après la prévision de vent. "
        "Réponse mise en cache, avec ETag."
    ),
)
def territory_zones(request, slug: str):
    try:
        territory = published_territory(slug)
    except Http404:
        raise HttpError(404, f"Territoire inconnu : {slug}.") from None

    def render():
        body = ZoneCollection.model_validate(zones_api.territory_collection(territory)).model_dump(mode="json")
        return presenters.RENDERER.render(request, body, response_status=200)

    return serve_fingerprinted(request, territory, "api-zones", None, render, "application/json; charset=utf-8")

