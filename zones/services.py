"""Computing and storing perception zones: one function per action.

- `zone_for_revision` — in the publishing transaction (notices.signals.revision_created): the
  revision's zone from the wind forecast already stored for the site, no network;
- `update_forecast` — the worker or the scheduler asks the wind interface (with its timeout)
  for the site's hourly forecast and keeps it;
- `refresh` — recompute a notice's zone; a new row only when it is the revision's first or the
  forecast moved it significantly;
- `refresh_all` — the scheduler, hourly: every current notice of every territory.

A stored zone is never changed: a revision keeps the zone it was published with, the notice's
current zone is the latest row (`is_current`)."""
import logging
from datetime import datetime, timedelta, timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from notices.models import Category, Notice, Perception, Revision, Status
from riverains import wind as wind_interface
from riverains.collation import french_key
from territories.models import Commune, Site
from territories.signals import territory_changed

from . import geometry, shapes
from .models import WindForecast, Zone, ZoneReason, ZoneSettings
from .signals import zone_reached

logger = logging.getLogger(__name__)

CURRENT_STATUSES = (Status.SCHEDULED, Status.ONGOING)
# A notice with no expected end is drawn for this long ahead (and redrawn as time passes).
OPEN_ENDED_HOURS = 6
FORECAST_MAX_AGE = timedelta(minutes=55)
# A commune is covered when the zone holds this share of its area, or this many km² of it.
COVERED_SHARE, COVERED_KM2 = 0.10, 1.0
# A recomputed zone replaces the current one when its communes change or when this share of
# their combined area differs.
SIGNIFICANT_SHARE = 0.25


def kinds_of(notice):
    """The kinds of perception a notice announces, as the zone model knows them."""
    kinds = []
    if Perception.OLFACTORY in notice.perceptions:
        kinds.append(geometry.ODOUR)
    if Perception.VISIBLE in notice.perceptions:
        kinds.append(geometry.LIGHT if notice.category == Category.FLARING else geometry.SMOKE)
    if Perception.AUDIBLE in notice.perceptions:
        kinds.append(geometry.NOISE)
    return kinds


def period(notice, now):
    """The part of the notice's period still to come (all of it before it starts)."""
    start = max(notice.starts_at, now)
    end = notice.expected_end_at
    if end is None or end <= start:  # open-ended, or overdue: the next hours
        end = start + timedelta(hours=OPEN_ENDED_HOURS)
    return start, end


def stored_forecast(site_id):
    forecast = WindForecast.objects.filter(site_id=site_id).first()
    if forecast is None:
        return []
    return [(datetime.fromisoformat(t).replace(tzinfo=dt_timezone.utc), wind_interface.Wind(float(d), float(s)))
            for t, d, s in forecast.hours]


def update_forecast(site, now=None, provider=None, force=False):
    """Fetch and keep the site's hourly forecast unless a recent one is stored. Never raises:
    without an answer the previous forecast stays (or there is none)."""
    now = now or timezone.now()
    stored = WindForecast.objects.filter(site=site).first()
    if stored is not None and not force and stored.fetched_at > now - FORECAST_MAX_AGE:
        return stored
    ends = [n.expected_end_at for n in Notice.objects.filter(site=site, status__in=CURRENT_STATUSES) if n.expected_end_at]
    horizon = min(max(ends + [now + timedelta(hours=36)]), now + timedelta(days=15))
    hours = (provider or wind_interface.provider()).hourly(site.latitude, site.longitude, now - timedelta(hours=3), horizon)
    if not hours:
        return stored
    data = [[moment.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M"), w.from_degrees, w.speed_kmh] for moment, w in hours]
    stored, _ = WindForecast.objects.update_or_create(site=site, defaults={"fetched_at": now, "hours": data})
    return stored


def territory_communes(territory_id):
    """[(code, name, lon/lat shape, area km²)] of the communes a territory covers."""
    found = []
    for code, name in Commune.objects.filter(territories=territory_id).order_by("name").values_list("code", "name"):
        known = shapes.shape(code)
        if known is not None:
            found.append((code, name, known[0], known[1]))
    return found


def covered_communes(zone, communes, latitude):
    """The communes the zone covers, most covered first, each with the kinds that reach it."""
    found = []
    min_x, min_y, max_x, max_y = zone.geometry.bounds
    for code, name, outline, area in communes:
        ox1, oy1, ox2, oy2 = outline.bounds
        if ox1 > max_x or ox2 < min_x or oy1 > max_y or oy2 < min_y:
            continue
        kinds, best = [], 0.0
        for kind, part in zone.parts.items():
            if not part.intersects(outline):
                continue
            inside = shapes.area_km2(part.intersection(outline), latitude)
            if inside >= COVERED_KM2 or inside >= COVERED_SHARE * area:
                kinds.append(kind)
                best = max(best, inside / area if area else 0)
        if kinds:
            found.append({"code": code, "name": name, "kinds": kinds, "share": round(best, 3)})
    # Ties (communes wholly inside) in French order: Épouville among the E, not after Sandouville.
    return sorted(found, key=lambda c: (-c["share"], french_key(c["name"])))


def compute(notice, now=None, forecast=None, settings=None, communes=None):
    """The zone's fields for the notice now, or None when it has nothing to draw."""
    now = now or timezone.now()
    kinds = kinds_of(notice)
    if not kinds:
        return None
    settings = settings or ZoneSettings.for_territory(notice.territory_id)
    forecast = stored_forecast(notice.site_id) if forecast is None else forecast
    start, end = period(notice, now)
    site = notice.site
    ranges = settings.ranges
    zone = geometry.compute(site.latitude, site.longitude, kinds, start, end, forecast, ranges)
    if zone is None:
        return None
    communes = territory_communes(notice.territory_id) if communes is None else communes
    hours = geometry.hours_of(start, end, forecast)
    return {
        "kinds": [k for k in kinds if k in zone.parts],
        "geometry": geometry.lonlat_mapping(zone.geometry),
        "parts": {kind: geometry.lonlat_mapping(part) for kind, part in zone.parts.items()},
        "area_km2": round(shapes.area_km2(zone.geometry, site.latitude), 2),
        "communes": covered_communes(zone, communes, float(site.latitude)),
        "wind": geometry.summary(hours, ranges) if set(zone.parts) & set(geometry.PLUME_KINDS) else None,
        "valid_from": start,
        "valid_until": end,
        "computed_at": now,
        "_shape": zone.geometry,
    }


def significant_change(current, data):
    if {c["code"] for c in current.communes} != {c["code"] for c in data["communes"]}:
        return True
    if current.kinds != data["kinds"]:
        return True
    import shapely.geometry

    before, after = shapely.geometry.shape(current.geometry), data["_shape"]
    union = before.union(after).area
    return union > 0 and before.symmetric_difference(after).area / union > SIGNIFICANT_SHARE


def zone_for_revision(notice, revision):
    """Called in the publishing transaction: no network, only the stored forecast. The notice was
    just saved there (its updated_at and notice_changed already tell the caches), so the zone
    leaves it untouched: a refused later write must find the notice exactly as published."""
    return refresh(notice, revision=revision, touch=False)


def refresh(notice, revision=None, now=None, forecast=None, settings=None, communes=None, touch=True):
    """Recompute the notice's zone; store it when it is new for the revision or moved
    significantly. Returns the current zone (or None). `forecast`, `settings` and `communes`
    may be given when the caller already has them (the scheduler's pass, per site/territory)."""
    now = now or timezone.now()
    with transaction.atomic():
        revision = revision or Revision.objects.filter(notice=notice).order_by("-number").first()
        current = Zone.objects.filter(notice=notice, is_current=True).first()
        data = (compute(notice, now, forecast, settings, communes)
                if notice.status in CURRENT_STATUSES and revision else None)
        if data is None:
            if current is not None:  # ended, cancelled, or nothing left to draw
                Zone.objects.filter(notice=notice, is_current=True).update(is_current=False)
                if touch:
                    _changed(notice, now)
            return None
        published = Zone.objects.filter(revision=revision, reason=ZoneReason.REVISION).exists()
        if published and current is not None and not significant_change(current, data):
            return current  # no commune entered it: nobody new to tell
        data.pop("_shape")
        Zone.objects.filter(notice=notice, is_current=True).update(is_current=False)
        zone = Zone.objects.create(
            notice=notice, revision=revision, reason=ZoneReason.WIND if published else ZoneReason.REVISION, **data
        )
        if touch:
            _changed(notice, now)
        _tell_subscribers(notice, zone, revision, settings)
        return zone


def _changed(notice, now):
    """Public pages are keyed by the territory's fingerprint, made of its notices' updated_at."""
    Notice.objects.filter(pk=notice.pk).update(updated_at=now)
    territory_id = notice.territory_id
    transaction.on_commit(lambda: territory_changed.send(sender=Zone, territory_id=territory_id))


def _tell_subscribers(notice, zone, revision, settings=None):
    """Subscribers of a commune the zone reaches, that the notice does not list, are told once
    (the relay's outbox: relay.zone_outbox) when the territory asks for it for that kind."""
    if not notice.is_active:
        return
    told = (settings or ZoneSettings.for_territory(notice.territory_id)).told_kinds
    listed = set(notice.communes.values_list("code", flat=True))
    codes = [c["code"] for c in zone.communes if set(c["kinds"]) & told and c["code"] not in listed]
    if codes:
        zone_reached.send(sender=Zone, notice=notice, revision=revision, zone=zone, communes=codes)


def current_notices(now=None, territory=None):
    """Notices whose zone is kept up to date: under way, or starting within two days."""
    now = now or timezone.now()
    notices = Notice.objects.filter(status__in=CURRENT_STATUSES, starts_at__lte=now + timedelta(days=2))
    if territory is not None:
        notices = notices.filter(territory=territory)
    return notices.select_related("site", "territory")


def refresh_all(now=None, provider=None, territory=None):
    """The scheduler's hourly pass: each site's forecast once, then every current zone."""
    now = now or timezone.now()
    notices = list(current_notices(now, territory))
    for site in {n.site_id: n.site for n in notices}.values():
        try:
            update_forecast(site, now, provider)
        except Exception:  # one site's failure must not stop the others
            logger.exception("zones: forecast of site %s failed", site.pk)
    changed = 0
    forecasts, settings, communes = {}, {}, {}
    for notice in notices:
        site, territory_id = notice.site_id, notice.territory_id
        if site not in forecasts:
            forecasts[site] = stored_forecast(site)
        if territory_id not in settings:
            settings[territory_id] = ZoneSettings.for_territory(territory_id)
            communes[territory_id] = territory_communes(territory_id)
        before = Zone.objects.filter(notice=notice, is_current=True).values_list("pk", flat=True).first()
        zone = refresh(notice, now=now, forecast=forecasts[site], settings=settings[territory_id],
                       communes=communes[territory_id])
        changed += (zone.pk if zone else None) != before
    # Zones of notices no longer current are not current either (a missed end, a deleted notice).
    Zone.objects.filter(is_current=True).exclude(notice__status__in=CURRENT_STATUSES).update(is_current=False)
    return len(notices), changed


def refresh_notice(notice_id, provider=None):
    """The worker, right after a revision: fetch the site's forecast if old, then recompute."""
    notice = Notice.objects.select_related("site", "territory").filter(pk=notice_id).first()
    if notice is None:
        return None
    update_forecast(notice.site, provider=provider)
    return refresh(notice)


def current_zone(notice):
    """The notice's current zone (uses a prefetched `current_zones` list when there is one)."""
    if hasattr(notice, "current_zones"):
        return notice.current_zones[0] if notice.current_zones else None
    return Zone.objects.filter(notice=notice, is_current=True).first()


def published_zone(revision):
    return Zone.objects.filter(revision=revision, reason=ZoneReason.REVISION).first()


def cap_polygons(revision):
    """CAP <polygon> values of the zone a revision was published with (none without a zone)."""
    zone = published_zone(revision)
    return geometry.cap_polygons(zone.geometry) if zone is not None else []


def notices_reaching(territory, codes):
    """Ids of the territory's notices whose current zone covers one of these communes."""
    wanted = set(codes)
    zones = Zone.objects.filter(is_current=True, notice__territory=territory).values_list("notice_id", "communes")
    return [notice_id for notice_id, communes in zones if wanted & {c["code"] for c in communes}]
