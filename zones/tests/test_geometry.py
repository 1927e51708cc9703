"""The model on known winds, without a database: shapes, edge cases, CAP rings, words."""
import json
import math
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

import shapely.geometry
from shapely.geometry import Point

from riverains.wind import OpenMeteo, Wind
from zones import geometry, shapes

DATA = Path(__file__).parent / "data"
SITE = (49.4870, 0.2350)  # the test world's refinery at Gonfreville-l'Orcher
START = datetime(2025, 3, 13, 10, tzinfo=dt_timezone.utc)
END = START + timedelta(hours=8)


def forecast(name):
    """The stored Open-Meteo answer, read by the same parser as the live one."""
    return OpenMeteo.parse_hourly(json.loads((DATA / f"open-meteo-{name}.json").read_text()))


def point_at(km, bearing):
    """A point `km` from the site towards `bearing` (0 = north), as (lon, lat)."""
    lat = SITE[0] + km * math.cos(math.radians(bearing)) / shapes.KM_PER_DEGREE_LAT
    lon = SITE[1] + km * math.sin(math.radians(bearing)) / shapes.km_per_degree_lon(SITE[0])
    return Point(lon, lat)


def zone(name, kinds=("odour",), start=START, end=END, ranges=geometry.Ranges()):
    return geometry.compute(*SITE, list(kinds), start, end, forecast(name), ranges)


def test_a_north_wind_carries_the_odour_to_the_south():
    found = zone("north")
    assert found.geometry.covers(point_at(5, 180))
    assert found.geometry.covers(point_at(7, 170)) and found.geometry.covers(point_at(7, 190))
    assert not found.geometry.covers(point_at(3, 0))  # upwind
    assert not found.geometry.covers(point_at(5, 90)) and not found.geometry.covers(point_at(5, 270))
    assert not found.geometry.covers(point_at(9, 180))  # beyond the odour's 8 km
    assert found.geometry.centroid.y < SITE[0]


def test_the_plume_widens_with_distance_and_narrows_as_the_wind_strengthens():
    light = geometry.plume_km(0, 8, 8, geometry.Ranges())
    strong = geometry.plume_km(0, 40, 8, geometry.Ranges())
    assert strong.area < light.area / 2
    assert light.intersection(shapely.geometry.box(-10, -3, 10, -2)).area < light.intersection(shapely.geometry.box(-10, -7, 10, -6)).area


def test_calm_air_gives_a_small_disc_around_the_site_in_no_direction():
    found = zone("calm")
    assert found.calm_hours == found.hours > 0
    radius = 8.0 * geometry.Ranges().calm_share
    area = shapes.area_km2(found.geometry, SITE[0])
    assert abs(area - math.pi * radius ** 2) / (math.pi * radius ** 2) < 0.03
    for bearing in (0, 90, 180, 270):
        assert found.geometry.covers(point_at(radius * 0.9, bearing))
        assert not found.geometry.covers(point_at(radius * 1.1, bearing))
    assert geometry.summary(geometry.hours_of(START, END, forecast("calm")))["calm"] is True


def test_a_wind_turning_during_the_period_covers_both_directions():
    # South-west (blowing north-east) for the first day, north-west (blowing south-east) after.
    turning_at = datetime(2025, 3, 14, 0, tzinfo=dt_timezone.utc)
    both = zone("turning", start=turning_at - timedelta(hours=3), end=turning_at + timedelta(hours=3))
    assert both.geometry.covers(point_at(5, 45)) and both.geometry.covers(point_at(5, 135))
    assert not both.geometry.covers(point_at(5, 270))
    before_only = zone("turning", start=turning_at - timedelta(hours=6), end=turning_at - timedelta(hours=2))
    assert before_only.geometry.covers(point_at(5, 45)) and not before_only.geometry.covers(point_at(5, 135))
    words = geometry.summary(geometry.hours_of(turning_at - timedelta(hours=6), turning_at + timedelta(hours=6), forecast("turning")))
    assert geometry.point_of_compass(words["start_from"]) == "sud-ouest"
    assert geometry.point_of_compass(words["end_from"]) == "nord-ouest"


def test_without_any_forecast_odour_gets_no_zone_but_noise_keeps_its_circle():
    assert geometry.compute(*SITE, ["odour"], START, END, []) is None
    noise = geometry.compute(*SITE, ["odour", "noise"], START, END, [])
    assert list(noise.parts) == ["noise"]
    assert abs(shapes.area_km2(noise.geometry, SITE[0]) - math.pi * 25) < 1.5


def test_a_flare_is_seen_farther_at_night():
    noon = datetime(2025, 6, 21, 10, tzinfo=dt_timezone.utc)
    night = datetime(2025, 6, 21, 22, tzinfo=dt_timezone.utc)
    assert not geometry.is_night(noon, *SITE) and geometry.is_night(night, *SITE)
    day = geometry.compute(*SITE, ["light"], noon, noon + timedelta(hours=2), [])
    dark = geometry.compute(*SITE, ["light"], night, night + timedelta(hours=2), [])
    assert shapes.area_km2(dark.geometry, SITE[0]) > 2 * shapes.area_km2(day.geometry, SITE[0])


def test_cap_polygons_are_closed_rings_of_latitude_comma_longitude():
    found = zone("north", kinds=("odour", "noise"))
    rings = geometry.cap_polygons(geometry.lonlat_mapping(found.geometry))
    assert len(rings) == 1
    pairs = rings[0].split(" ")
    assert len(pairs) >= 4 and pairs[0] == pairs[-1]
    lat, lon = map(float, pairs[1].split(","))
    assert 49 < lat < 50 and 0 < lon < 1  # latitude first


def test_commune_shapes_are_contours_where_shipped_and_discs_of_the_same_area_elsewhere():
    harfleur, area, is_contour = shapes.shape("76341")
    assert is_contour and 3 < area < 5  # Harfleur: 4.2 km²
    assert harfleur.covers(Point(0.198, 49.507))  # its town hall
    lyon_disc, lyon_area, is_contour = shapes.shape("69123")
    assert not is_contour and abs(shapes.area_km2(lyon_disc, 45.76) - lyon_area) / lyon_area < 0.02
    assert shapes.shape("99999") is None


def test_the_words_contract_a_with_le_and_les_as_french_does():
    from types import SimpleNamespace

    from django.utils import translation

    from zones import words

    zone = SimpleNamespace(kinds=["noise"], wind=None, valid_until=datetime.now(dt_timezone.utc) + timedelta(hours=1),
                           communes=[{"name": "Le Havre"}, {"name": "Harfleur"}])
    with translation.override("fr"):
        assert words.sentence(zone).startswith("Bruit audible au Havre, Harfleur jusqu'à ")


def test_the_fan_is_the_union_of_the_hours_plumes():
    from shapely.ops import unary_union

    ranges = geometry.Ranges()
    hours = forecast("turning")[18:30] + forecast("north")[:3] + [(START, Wind(350, 40))]
    union = unary_union([geometry.plume_km(w.from_degrees, w.speed_kmh, 8, ranges) for _, w in hours]
                        + [Point(0, 0).buffer(ranges.near_site_km, quad_segs=4)])
    fan = geometry.fan(hours, 8, ranges)
    assert fan.symmetric_difference(union).area / union.area < 0.02
    (start, width), = geometry.merge_arcs([(6.0, 1.0), (0.5, 0.3)])  # across north: one arc
    assert start == 6.0 and abs(width - (0.8 + 2 * math.pi - 6.0)) < 1e-9
