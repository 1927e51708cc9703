"""The perception zone of a notice, from the site, the kinds of perception and the hourly wind.

Pure functions, no database: the model is documented in plain French in docs/zones.md, and
tested on known winds in zones/tests/test_geometry.py.

- Odour and smoke (or steam) travel with the wind. For each forecast hour of the period, a
  plume: a sector pointing where the wind goes, as long as the kind's range, whose half-angle
  narrows as the wind strengthens (a light wind meanders, a strong one holds its line), plus a
  small disc around the site (the smell is there whatever the wind). In calm air (below
  `calm_kmh`) there is no direction: a disc of `calm_share` of the range around the site.
- Noise is a disc of its range; a flare's light a disc of its day range, or of its night range
  when any hour of the period is in the dark.
- The zone is the union over the hours and kinds.

Geometry is built in kilometres around the site (a local equirectangular projection, under
0.1 % off within 30 km), then turned into longitude/latitude for storage and maps."""
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone

import shapely
from shapely.geometry import Point, Polygon
from shapely.ops import unary_union

from .shapes import KM_PER_DEGREE_LAT, km_per_degree_lon

ODOUR, SMOKE, NOISE, LIGHT = "odour", "smoke", "noise", "light"
KINDS = (ODOUR, SMOKE, NOISE, LIGHT)
PLUME_KINDS = (ODOUR, SMOKE)


@dataclass(frozen=True)
class Ranges:
    """What a territory may tune (zones.models.ZoneSettings holds the stored values)."""

    # The reports app's reach of each kind (reports.conf.REPORTS_RANGE_KM), as a starting point.
    odour_km: float = 8.0
    smoke_km: float = 10.0
    noise_km: float = 5.0
    light_day_km: float = 10.0
    light_night_km: float = 15.0
    calm_kmh: float = 3.0  # below this the air carries smells in no particular direction
    calm_share: float = 0.35  # in calm air, a disc of this share of the range
    widest_degrees: float = 40.0  # half-angle of a plume in a light wind
    narrowest_degrees: float = 12.0  # half-angle in a strong wind (and the forecast's own error)
    reference_kmh: float = 10.0  # the wind at which the plume starts to narrow
    near_site_km: float = 0.6  # around the site, perceptible whatever the wind


@dataclass
class Zone:
    geometry: object  # shapely geometry, lon/lat
    parts: dict = field(default_factory=dict)  # kind -> lon/lat geometry
    hours: int = 0
    calm_hours: int = 0


def half_angle(speed_kmh, ranges):
    """Degrees either side of the wind's line: wide in a light wind, narrow in a strong one."""
    if speed_kmh <= ranges.reference_kmh:
        return ranges.widest_degrees
    return max(ranges.narrowest_degrees, ranges.widest_degrees * ranges.reference_kmh / speed_kmh)


def plume_km(from_degrees, speed_kmh, reach_km, ranges, steps=12):
    """The plume of one hour, in km around the site (x east, y north), without the near-site
    disc (`compute` adds it once)."""
    if speed_kmh < ranges.calm_kmh:
        return Point(0, 0).buffer(reach_km * ranges.calm_share, quad_segs=8)
    towards = math.radians((from_degrees + 180) % 360)
    spread = math.radians(half_angle(speed_kmh, ranges))
    arc = [towards - spread + 2 * spread * i / steps for i in range(steps + 1)]
    # Bearings: 0 = north, clockwise; x = sin, y = cos.
    return Polygon([(0, 0)] + [(reach_km * math.sin(a), reach_km * math.cos(a)) for a in arc])


def fan(hours, reach_km, ranges):
    """The union of the hours' plumes, drawn at once: plumes share the site as apex and the same
    length, so their union is the union of their angles (merged here on the circle) plus, for
    calm hours, the calm disc, plus the near-site disc. Same shape as a union of `plume_km`,
    without asking GEOS to merge dozens of polygons."""
    intervals, calm = [], False
    for _, wind in hours:
        if wind.speed_kmh < ranges.calm_kmh:
            calm = True
            continue
        towards = math.radians((wind.from_degrees + 180) % 360)
        spread = math.radians(half_angle(wind.speed_kmh, ranges))
        intervals.append(((towards - spread) % (2 * math.pi), 2 * spread))
    pieces = [Point(0, 0).buffer(ranges.near_site_km, quad_segs=4)]
    if calm:
        pieces.append(Point(0, 0).buffer(reach_km * ranges.calm_share, quad_segs=8))
    for start, width in merge_arcs(intervals):
        if width >= 2 * math.pi - 1e-9:
            pieces.append(Point(0, 0).buffer(reach_km, quad_segs=16))
            continue
        steps = max(2, math.ceil(width / math.radians(5)))
        arc = [start + width * i / steps for i in range(steps + 1)]
        pieces.append(Polygon([(0, 0)] + [(reach_km * math.sin(a), reach_km * math.cos(a)) for a in arc]))
    return unary_union(pieces)


def merge_arcs(intervals):
    """Merge arcs (start in [0, 2π), width) on the circle into disjoint (start, width) arcs."""
    full = 2 * math.pi
    if not intervals:
        return []
    spans = sorted((a, a + w) for a, w in intervals)
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    # The last arc may run past 2π into the first ones.
    while len(merged) > 1 and merged[-1][1] - full >= merged[0][0]:
        first = merged.pop(0)
        merged[-1][1] = max(merged[-1][1], first[1] + full)
    if merged[-1][1] - merged[-1][0] >= full:
        return [(0.0, full)]
    return [(a, b - a) for a, b in merged]


def is_night(moment, latitude, longitude):
    """Whether the sun is below the horizon (NOAA's simple solar-position formulas, a few
    minutes off: enough to choose a flare's day or night range)."""
    moment = moment.astimezone(dt_timezone.utc)
    day = moment.timetuple().tm_yday
    hours = moment.hour + moment.minute / 60
    gamma = 2 * math.pi / 365 * (day - 1 + (hours - 12) / 24)
    declination = (0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma) - 0.006758 * math.cos(2 * gamma)
                   + 0.000907 * math.sin(2 * gamma) - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma))
    equation = 229.18 * (0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
                         - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma))
    solar_minutes = hours * 60 + equation + 4 * float(longitude)
    hour_angle = math.radians(solar_minutes / 4 - 180)
    lat = math.radians(float(latitude))
    elevation = math.asin(math.sin(lat) * math.sin(declination) + math.cos(lat) * math.cos(declination) * math.cos(hour_angle))
    return elevation < math.radians(-0.833)


def hours_of(period_start, period_end, forecast):
    """The forecast hours that matter for the period: each hour it overlaps, the value of that
    hour or of the nearest one within two hours."""
    if not forecast:
        return []
    by_hour = {when.replace(minute=0, second=0, microsecond=0): wind for when, wind in forecast}
    moment = period_start.replace(minute=0, second=0, microsecond=0)
    chosen = []
    while moment <= period_end and len(chosen) < 24 * 16:
        for shift in (0, 1, -1, 2, -2):
            wind = by_hour.get(moment + timedelta(hours=shift))
            if wind is not None:
                chosen.append((moment, wind))
                break
        moment += timedelta(hours=1)
    return chosen


def to_lonlat(geometry_km, latitude, longitude):
    kx, ky = km_per_degree_lon(latitude), KM_PER_DEGREE_LAT
    return shapely.transform(geometry_km, lambda xy: xy / [kx, ky] + [float(longitude), float(latitude)])


def compute(latitude, longitude, kinds, period_start, period_end, forecast, ranges=Ranges()):
    """The zone over [period_start, period_end]; `forecast` is [(datetime, Wind)]. Plume kinds
    need wind: without any forecast hour, they get no zone (None for them), never a guess."""
    parts_km, hours = {}, hours_of(period_start, period_end, forecast)
    calm = sum(1 for _, wind in hours if wind.speed_kmh < ranges.calm_kmh)
    for kind in kinds:
        if kind in PLUME_KINDS and hours:
            reach = ranges.odour_km if kind == ODOUR else ranges.smoke_km
            parts_km[kind] = fan(hours, reach, ranges)
        elif kind == NOISE:
            parts_km[kind] = Point(0, 0).buffer(ranges.noise_km, quad_segs=16)
        elif kind == LIGHT:
            moments = [period_start + timedelta(hours=h) for h in range(int((period_end - period_start).total_seconds() // 3600) + 1)]
            dark = any(is_night(m, latitude, longitude) for m in moments[: 24 * 2])
            parts_km[kind] = Point(0, 0).buffer(ranges.light_night_km if dark else ranges.light_day_km, quad_segs=16)
    if not parts_km:
        return None
    parts = {kind: to_lonlat(g, latitude, longitude) for kind, g in parts_km.items()}
    return Zone(geometry=unary_union(list(parts.values())), parts=parts, hours=len(hours), calm_hours=calm)


FRENCH_POINTS = ["nord", "nord-est", "est", "sud-est", "sud", "sud-ouest", "ouest", "nord-ouest"]


def point_of_compass(degrees):
    """The French name of the direction (8 points) of `degrees` (0 = north)."""
    return FRENCH_POINTS[int(((degrees % 360) + 22.5) // 45) % 8]


def summary(hours, ranges=Ranges()):
    """What the words say about the wind: its mean direction at the start and at the end of the
    period (to say "tournant au …"), its mean speed, whether it is calm."""
    if not hours:
        return None
    winds = [w for _, w in hours]
    speed = sum(w.speed_kmh for w in winds) / len(winds)

    def mean_from(group):
        x = sum(w.speed_kmh * math.sin(math.radians(w.from_degrees)) for w in group)
        y = sum(w.speed_kmh * math.cos(math.radians(w.from_degrees)) for w in group)
        return (math.degrees(math.atan2(x, y)) + 360) % 360 if (x or y) else None

    third = max(1, len(winds) // 3)
    first, last = mean_from(winds[:third]), mean_from(winds[-third:])
    return {
        "from": round(mean_from(winds) or 0.0, 1),
        "speed_kmh": round(speed, 1),
        "calm": speed < ranges.calm_kmh,
        "start_from": round(first, 1) if first is not None else None,
        "end_from": round(last, 1) if last is not None else None,
        "hours": len(winds),
    }


def lonlat_mapping(geometry, digits=5):
    """GeoJSON geometry of a lon/lat shape, coordinates rounded to about a metre (lists, so
    that it goes into JSON fields and API bodies as it is)."""
    rounded = shapely.transform(geometry, lambda xy: xy.round(digits))
    return json.loads(shapely.to_geojson(rounded))


def cap_polygons(geojson):
    """CAP 1.2 <polygon> values of a GeoJSON (Multi)Polygon: the outer ring of each part,
    closed, "lat,lon" pairs separated by spaces (CAP has no holes: the outer ring is enough)."""
    geometry = shapely.geometry.shape(geojson)
    polygons = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    rings = []
    for polygon in polygons:
        coordinates = list(polygon.exterior.coords)
        if coordinates[0] != coordinates[-1]:
            coordinates.append(coordinates[0])
        if len(coordinates) >= 4:
            rings.append(" ".join(f"{lat:.5f},{lon:.5f}" for lon, lat in coordinates))
    return rings
