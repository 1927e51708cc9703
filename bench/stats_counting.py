"""What counting page views costs the public read path (stats.middleware.PageViewCounter).

In one process, on a throw-away SQLite test database holding the test world and a few notices,
the territory page is requested in a tight loop through Django's test client (no network, no
gunicorn: the difference between the two settings is then as visible as it can be), alternately
with and without the counting middleware, for each cache: the per-process memory cache, and
Redis when `redis-server` is installed (a private one on a free port, stopped at the end).
Results go to bench/STATS.md.

    .venv/bin/python bench/stats_counting.py                 # about a minute
    .venv/bin/python bench/stats_counting.py --seconds 1 --rounds 3   # quicker"""
import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings_test")
os.environ.pop("REDIS_URL", None)
os.environ.pop("DATABASE_URL", None)  # SQLite, in a temporary folder
WORKDIR = tempfile.mkdtemp(prefix="riverains-stats-bench-")
os.environ["DATABASE_TEST_NAME"] = str(Path(WORKDIR) / "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

COUNTER = "stats.middleware.PageViewCounter"
PATH = "/seine-estuaire/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "CPU": cpu, "Cores": str(os.cpu_count()), "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(), "Python": platform.python_version(), "Django": django.get_version(),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis():
    """A private redis-server on a free port, or None when Redis is not installed."""
    if not shutil.which("redis-server"):
        return None, None
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    process.terminate()
    return None, None


def populate():
    from riverains.testing import build_world

    world = build_world()
    for n in range(5):
        world.publish(title=f"Torchage n° {n}")


def throughput(middleware, seconds):
    """Requests per second of the territory page for `seconds`, with the given middleware."""
    with override_settings(MIDDLEWARE=middleware):
        client = Client(headers={"User-Agent": BROWSER})
        assert client.get(PATH).status_code == 200  # warms the page cache
        done, started = 0, time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            client.get(PATH)
            done += 1
        return done / (time.perf_counter() - started), done + 1


def middleware_cost(iterations=20000):
    """Microseconds the counting middleware itself adds to one request (classify + count), measured
    around a view that does nothing: steadier than the difference of two throughputs."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from stats.middleware import PageViewCounter

    response = HttpResponse()
    request = RequestFactory().get(PATH, headers={"User-Agent": BROWSER})
    request.resolver_match = resolve(PATH)
    bare, counted = (lambda r: response), PageViewCounter(lambda r: response)
    timings = {}
    for name, handler in [("bare", bare), ("counted", counted)]:
        started = time.perf_counter()
        for _ in range(iterations):
            handler(request)
        timings[name] = (time.perf_counter() - started) / iterations * 1e6
    return timings["counted"] - timings["bare"], iterations


def measure(label, caches_setting, seconds, rounds):
    with_counting = list(settings.MIDDLEWARE)
    without_counting = [m for m in with_counting if m != COUNTER]
    results, requests_counted = {"with": [], "without": []}, 0
    with override_settings(CACHES=caches_setting, STATS_FLUSH_IN_PROCESS=False):
        from stats import counting

        caches["default"].clear()
        for _ in range(rounds):  # alternate, so that drift (CPU heat, other load) hits both alike
            results["without"].append(throughput(without_counting, seconds)[0])
            rate, done = throughput(with_counting, seconds)
            results["with"].append(rate)
            requests_counted += done
        counted = counting.flush()
        own_cost, iterations = middleware_cost()
        requests_counted += iterations
        counted += counting.flush()
    # Every request made with the middleware must be in the database, no more, no less.
    assert counted == requests_counted, (counted, requests_counted)
    without, with_ = statistics.median(results["without"]), statistics.median(results["with"])
    print(f"{label}: without {without:.0f} req/s, with {with_:.0f} req/s, middleware {own_cost:.1f} µs per request, "
          f"{counted} views counted", flush=True)
    return label, without, with_, own_cost, counted


def write(rows, seconds, rounds):
    lines = [
        "# Counting page views: cost on the public read path",
        "",
        "Produced by `bench/stats_counting.py` (see its docstring). The territory page "
        f"(`{PATH}`, served from the page cache as under load) is requested in a loop through Django's test client, "
        f"in one process, alternately without and with `{COUNTER}`: {rounds} rounds of {seconds:g} s each, "
        "median shown. No network and no web server, so the middleware's cost is not hidden by them; "
        "under gunicorn and nginx the relative difference is smaller still.",
        "",
        f"Run on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; load average before the run: {LOAD_BEFORE}. "
        "The machine was shared with other work while measuring, so throughputs vary by several per cent "
        "from one round to the next; the middleware's own cost is measured apart (around a view that does "
        "nothing, 20,000 times) and is the steadier figure.",
        "",
        "| machine | |", "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        "",
        "| cache | without counting (req/s) | with counting (req/s) | change | middleware's own cost | views counted |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(f"| {label} | {without:.0f} | {with_:.0f} | {100 * (with_ / without - 1):+.1f} % | {overhead:.1f} µs per request | {counted} |"
          for label, without, with_, overhead, counted in rows),
        "",
        "Every request made with the middleware was found in `DailyCount` after the flush (checked by the script). "
        "Counting a view is one addition to an in-memory tally, no cache call and no database query; every "
        "5 seconds each web process pushes its tally to the shared cache (one pipelined Redis round trip for "
        "all its counters), and `manage.py flush_page_views` (every minute) moves the counters into "
        "`DailyCount` rows.",
        "",
    ]
    (ROOT / "bench" / "STATS.md").write_text("\n".join(lines))


LOAD_BEFORE = ", ".join(f"{n:.1f}" for n in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measure")
    parser.add_argument("--rounds", type=int, default=5, help="alternations with/without counting")
    args = parser.parse_args()
    setup_test_environment()
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    redis, redis_url = start_redis()
    try:
        populate()
        rows = [measure("per-process memory (LocMemCache)", {"default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}}, args.seconds, args.rounds)]
        if redis_url:
            rows.append(measure("Redis (RedisCache, loopback)", {"default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}, args.seconds, args.rounds))
        write(rows, args.seconds, args.rounds)
    finally:
        if redis:
            redis.terminate()
            redis.wait(timeout=10)
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
