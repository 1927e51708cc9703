"""Where communes are on the ground: the shapes the zone is compared with.

Two shipped files, built by `manage.py build_commune_shapes` (see data/README.md):
- data/communes-centres.csv.gz: every commune of France, its centre (centroid of its contour)
  and its area in km²;
- data/communes-contours.csv.gz: the simplified contour of each commune of the departments
  listed in data/README.md (those of the demonstration territories).

A commune with a contour is compared through its contour. Elsewhere it is approximated by a
disc of its own area around its centre; bench/ZONES.md measures what that costs (the share of
a commune's area a disc gets wrong). Everything is read once per process, lazily, and only for
the communes asked for."""
import csv
import gzip
import math
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import Point

DATA_DIR = Path(__file__).parent / "data"
CENTRES_FILE = DATA_DIR / "communes-centres.csv.gz"
CONTOURS_FILE = DATA_DIR / "communes-contours.csv.gz"
KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320


def km_per_degree_lon(latitude):
    return KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(float(latitude)))


def area_km2(geometry, latitude):
    """Area of a lon/lat geometry, in km², near `latitude` (equirectangular: < 0.5 % off at
    the scale of a commune or a zone)."""
    return geometry.area * KM_PER_DEGREE_LAT * km_per_degree_lon(latitude)


@lru_cache(maxsize=1)
def _centres():
    with gzip.open(CENTRES_FILE, "rt", encoding="utf-8", newline="") as f:
        return {row["code"]: (float(row["lat"]), float(row["lon"]), float(row["area_km2"])) for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _contours():
    with gzip.open(CONTOURS_FILE, "rt", encoding="utf-8", newline="") as f:
        return {row["code"]: row["wkt"] for row in csv.DictReader(f)}


def disc(latitude, longitude, radius_km, segments=32):
    """A disc on the ground, as a lon/lat polygon (an ellipse in degrees)."""
    circle = Point(0, 0).buffer(radius_km, quad_segs=max(2, segments // 4))
    kx, ky = km_per_degree_lon(latitude), KM_PER_DEGREE_LAT
    return shapely.transform(circle, lambda xy: xy / [kx, ky] + [float(longitude), float(latitude)])


@lru_cache(maxsize=4096)
def shape(code):
    """(lon/lat geometry, area km², is_contour) of a commune, or None when it is not known."""
    wkt = _contours().get(code)
    centre = _centres().get(code)
    if wkt is not None:
        geometry = shapely.from_wkt(wkt)
        shapely.prepare(geometry)
        latitude = centre[0] if centre else geometry.centroid.y
        return geometry, area_km2(geometry, latitude), True
    if centre is None:
        return None
    latitude, longitude, area = centre
    geometry = disc(latitude, longitude, math.sqrt(area / math.pi))
    shapely.prepare(geometry)
    return geometry, area, False


def centre(code):
    """(latitude, longitude) of a commune's centre, or None."""
    found = _centres().get(code)
    return (found[0], found[1]) if found else None
