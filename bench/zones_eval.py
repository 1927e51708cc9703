"""Perception zones (zones app): how well they place what residents report, and what they cost.

Two parts, results written to bench/ZONES.md (`--no-write` prints only):

1. Evaluation, without a database. For each of the nine demonstration sites, 30 odour
   notices of 2 to 6 hours over ten days, each drawn from the site with the hourly wind of
   bench/data/open-meteo-<territory>.json (Open-Meteo's exact response format; see below). Then
   simulated residents report what they smell (how: `simulate_reports`), and each notice's zone
   (zones.geometry, as the worker draws it from the forecast) is compared with a plain disc around
   the site of the same area:
   - share of the notice's reports inside the shape (higher is better);
   - share of the shape's area, on a 1 km grid, where nobody reported (lower is better).
   Reports are drawn from the *actual* wind, which is the forecast plus an error (direction
   N(0, σ), speed ±30 %): σ = 20° (a good forecast), 40°, and 90° (a forecast that is no use).
2. Timing, on a throw-away SQLite database with the reference data and the demonstration:
   one zone computed (with its communes), one zone refreshed (stored), all the current zones
   of a territory redrawn by the scheduler's pass (the demo's, then with 30 more notices).

    .venv/bin/python bench/zones_eval.py              # about a minute
    .venv/bin/python bench/zones_eval.py --no-write

The wind files are not recordings: this machine cannot reach Open-Meteo. They are a plausible
series (zones.demo.weather: prevailing south-west to west, fronts, calm spells), written in the
API's format by `--make-wind`; a recorded answer saved under the same name is read the same way."""
import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import zlib
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings_test")
os.environ.pop("DATABASE_URL", None)
WORKDIR = tempfile.mkdtemp(prefix="riverains-zones-bench-")
os.environ["DATABASE_TEST_NAME"] = str(Path(WORKDIR) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from demo import data as demo_data  # noqa: E402
from riverains.wind import OpenMeteo, Wind  # noqa: E402
from zones import demo as zones_demo, geometry, shapes  # noqa: E402

DATA = ROOT / "bench" / "data"
START = datetime(2025, 3, 1, tzinfo=dt_timezone.utc)
DAYS = 10
NOTICES_PER_SITE = 30
RESIDENTS_PER_KM2 = 2.0  # people who might report, spread evenly within 15 km of the site
REPORT_CHANCE = 0.25  # per hour, for a resident where the smell is at its strongest
GRID_KM = 1.0


def wind_file(slug):
    return DATA / f"open-meteo-{slug}.json"


def make_wind():
    DATA.mkdir(parents=True, exist_ok=True)
    for spec in demo_data.TERRITORIES:
        site = spec.organizations[0].site
        answer = zones_demo.weather(float(site.latitude), float(site.longitude), START.replace(tzinfo=None), DAYS,
                                    seed=zlib.crc32(spec.slug.encode()))
        wind_file(spec.slug).write_text(json.dumps(answer, separators=(",", ":")) + "\n")


def sites():
    for spec in demo_data.TERRITORIES:
        for org in spec.organizations:
            yield spec.slug, org.site.slug, float(org.site.latitude), float(org.site.longitude)


def to_km(lat0, lon0):
    kx, ky = shapes.km_per_degree_lon(lat0), shapes.KM_PER_DEGREE_LAT
    return lambda geometry: shapely.transform(geometry, lambda xy: (xy - [lon0, lat0]) * [kx, ky])


def strength(x, y, wind, ranges):
    """Relative smell at (x, y) km from the site for one hour of *actual* wind: a Gaussian plume
    at ground level (Briggs' open-country spreads for a neutral atmosphere, class D), not the
    zone's sector model; in calm air, a smell spreading evenly around the site."""
    if wind.speed_kmh < 3:
        r = math.hypot(x, y)
        return math.exp(-(r / (ranges.odour_km * 0.3)) ** 2)
    towards = math.radians((wind.from_degrees + 180) % 360)
    down = x * math.sin(towards) + y * math.cos(towards)
    across = x * math.cos(towards) - y * math.sin(towards)
    if down <= 0.05:
        return math.exp(-(math.hypot(x, y) / 0.4) ** 2)  # right next to the site
    metres = down * 1000
    sigma_y = 0.08 * metres / math.sqrt(1 + 0.0001 * metres) / 1000
    sigma_z = 0.06 * metres / math.sqrt(1 + 0.0015 * metres) / 1000
    c = 0.05 / (wind.speed_kmh / 3.6 * sigma_y * sigma_z * 1e6) * math.exp(-0.5 * (across / sigma_y) ** 2)
    return min(1.0, c * 5e5)


def simulate_reports(rng, lat0, lon0, hours, direction_error):
    """Residents (uniform within 15 km) report with a chance that grows with the smell they get
    from the actual wind: the forecast hour's wind turned by N(0, direction_error) and its speed
    off by up to 30 %. Returns report points in km around the site."""
    ranges = geometry.Ranges()
    count = int(RESIDENTS_PER_KM2 * math.pi * 15 ** 2)
    people = [(r * math.cos(a), r * math.sin(a)) for r, a in
              ((15 * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)) for _ in range(count))]
    reports = []
    for _moment, forecast in hours:
        actual = Wind((forecast.from_degrees + rng.gauss(0, direction_error)) % 360,
                      max(0.5, forecast.speed_kmh * rng.uniform(0.7, 1.3)))
        for x, y in people:
            if rng.random() < REPORT_CHANCE * strength(x, y, actual, ranges):
                reports.append((x, y))
    return reports


def empty_share(shape_km, points):
    """Share of the shape's 1 km cells where nobody reported."""
    cells = {(math.floor(x / GRID_KM), math.floor(y / GRID_KM)) for x, y in points}
    minx, miny, maxx, maxy = shape_km.bounds
    total = empty = 0
    shapely.prepare(shape_km)
    for i in range(math.floor(minx / GRID_KM), math.ceil(maxx / GRID_KM)):
        for j in range(math.floor(miny / GRID_KM), math.ceil(maxy / GRID_KM)):
            if shapely.contains_xy(shape_km, (i + 0.5) * GRID_KM, (j + 0.5) * GRID_KM):
                total += 1
                empty += (i, j) not in cells
    return empty / total if total else 0.0


def evaluate(direction_error, seed=2025):
    rng = random.Random(seed)
    results = {"zone_in": [], "disc_in": [], "zone_empty": [], "disc_empty": [], "reports": 0, "notices": 0}
    for slug, _site, lat, lon in sites():
        forecast = OpenMeteo.parse_hourly(json.loads(wind_file(slug).read_text()))
        project = to_km(lat, lon)
        for _ in range(NOTICES_PER_SITE):
            start = START + timedelta(hours=rng.randrange(0, DAYS * 24 - 8))
            end = start + timedelta(hours=rng.randint(2, 6))
            zone = geometry.compute(lat, lon, ["odour"], start, end, forecast)
            hours = geometry.hours_of(start, end, forecast)
            points = simulate_reports(rng, lat, lon, hours, direction_error)
            if not points:
                continue
            zone_km = project(zone.geometry)
            disc_km = Point(0, 0).buffer(math.sqrt(zone_km.area / math.pi), quad_segs=32)
            shapely.prepare(zone_km)
            shapely.prepare(disc_km)
            results["zone_in"].append(sum(shapely.contains_xy(zone_km, x, y) for x, y in points) / len(points))
            results["disc_in"].append(sum(shapely.contains_xy(disc_km, x, y) for x, y in points) / len(points))
            results["zone_empty"].append(empty_share(zone_km, points))
            results["disc_empty"].append(empty_share(disc_km, points))
            results["reports"] += len(points)
            results["notices"] += 1
    return results


def disc_error():
    """What the disc approximation of a commune costs, measured where contours are shipped: the
    share of each commune's area that its disc gets wrong (symmetric difference / area)."""
    import csv
    import gzip

    with gzip.open(shapes.CONTOURS_FILE, "rt", encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    errors = []
    for code in codes:
        outline, area, _ = shapes.shape(code)
        lat, lon = shapes.centre(code)
        disc = shapes.disc(lat, lon, math.sqrt(area / math.pi), segments=64)
        errors.append(shapes.area_km2(outline.symmetric_difference(disc), lat) / area)
    errors.sort()
    return len(errors), statistics.median(errors), errors[int(len(errors) * 0.9)]


def timing():
    from django.test.utils import setup_test_environment
    from django.db import connection
    from django.utils import timezone

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    from demo import loader

    loader.load()
    from notices.models import Notice, Perception, Category
    from territories.models import Territory
    from zones import services
    from zones.models import Zone

    territory = Territory.objects.get(slug="seine-estuaire")
    odour = Notice.objects.filter(territory=territory, category=Category.ODOUR, status="ongoing").select_related("site", "territory").first()
    runs = []
    for _ in range(200):
        started = time.perf_counter()
        services.compute(odour)
        runs.append((time.perf_counter() - started) * 1000)
    one = statistics.median(runs), sorted(runs)[int(len(runs) * 0.95)], territory.communes.count()
    stores = []
    for i in range(50):  # a different forecast each time, so a new zone is stored
        forecast = [(timezone.now() + timedelta(hours=h), Wind((i * 37) % 360, 15)) for h in range(-3, 30)]
        started = time.perf_counter()
        services.refresh(odour, forecast=forecast)
        stores.append((time.perf_counter() - started) * 1000)
    store = statistics.median(stores), sorted(stores)[int(len(stores) * 0.95)]

    def territory_pass():
        current = services.current_notices(territory=territory).count()
        rounds = []
        for _ in range(5):
            Zone.objects.filter(notice__territory=territory).update(is_current=False)  # force redraws
            started = time.perf_counter()
            services.refresh_all(territory=territory)
            rounds.append((time.perf_counter() - started) * 1000)
        return current, statistics.median(rounds), max(rounds)

    demo_pass = territory_pass()
    sites = list(territory.organizations.all().values_list("sites", flat=True))
    from notices import services as notice_services
    from territories.models import Site

    now = timezone.now()
    for i in range(30):
        site = Site.objects.get(pk=sites[i % len(sites)])
        operator = site.organization.memberships.first().user
        notice_services.publish(operator, {
            "site": site, "category": Category.ODOUR, "kind": "planned", "perceptions": [Perception.OLFACTORY, Perception.AUDIBLE],
            "starts_at": now - timedelta(minutes=10), "expected_end_at": now + timedelta(hours=2 + i % 6),
            "title": f"Odeur possible {i}", "body": "Vidange d'un bac.", "impact": "", "communes": list(site.neighbouring_communes.all()),
            "explainer": None, "immediate": False,
        })
    busy_pass = territory_pass()
    connection.creation.destroy_test_db(name, verbosity=0)
    return one, store, demo_pass, busy_pass


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    load = os.getloadavg()[0]
    return f"{cpu}, {os.cpu_count()} cores (load average {load:.1f} when it started), Python {platform.python_version()}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"


def percent(values):
    return f"{100 * statistics.mean(values):.0f} %"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--make-wind", action="store_true", help="rewrite bench/data/open-meteo-*.json")
    args = parser.parse_args()
    if args.make_wind or not all(wind_file(s.slug).exists() for s in demo_data.TERRITORIES):
        make_wind()
    lines = [f"### Run of {datetime.now().strftime('%Y-%m-%d %H:%M')} — {machine()}", ""]
    lines += ["| forecast direction error (σ) | notices | reports | reports inside: zone | same-area disc | "
              "area with no report: zone | same-area disc |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for error in (20, 40, 90):
        r = evaluate(error)
        lines.append(f"| {error}° | {r['notices']} | {r['reports']} | {percent(r['zone_in'])} | {percent(r['disc_in'])} | "
                     f"{percent(r['zone_empty'])} | {percent(r['disc_empty'])} |")
        print(lines[-1], flush=True)
    count, median, p90 = disc_error()
    lines += ["", f"Commune discs against contours ({count} communes of departments 76 and 13): the disc of a commune's "
              f"area around its centre gets {100 * median:.0f} % of its area wrong (median), {100 * p90:.0f} % for the "
              "worst tenth.", ""]
    one, store, demo_pass, busy_pass = timing()
    lines += [
        "| timing (SQLite) | median | worst / p95 |", "| --- | --- | --- |",
        f"| one zone computed with its communes (`services.compute`, Seine-Estuaire: {one[2]} communes) | {one[0]:.1f} ms | {one[1]:.1f} ms |",
        f"| one zone recomputed and stored (`services.refresh`) | {store[0]:.1f} ms | {store[1]:.1f} ms |",
        f"| all current zones of the territory redrawn (`refresh_all`, demo: {demo_pass[0]} notices) | {demo_pass[1]:.0f} ms | {demo_pass[2]:.0f} ms |",
        f"| the same with 30 more current notices ({busy_pass[0]} notices) | {busy_pass[1]:.0f} ms | {busy_pass[2]:.0f} ms |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        results = ROOT / "bench" / "ZONES.md"
        with results.open("a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
