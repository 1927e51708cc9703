"""CPU per request of the territory page and the active-notices JSON served from the cache,
inside one Django process (the test client, a fresh test database with a small world, Redis as
the shared cache), for an earlier commit and the work tree in turn. Process CPU time, not wall
time: on a machine busy with other work it moves far less than requests per second do, so a
change's effect shows even there (bench/json_side_by_side.py measures req/s through gunicorn).

    .venv/bin/python bench/read_cpu.py --before c59b226
    .venv/bin/python bench/read_cpu.py --before HEAD~2 --requests 2000 --rounds 3 --no-write

Redis database --redis-db (default 15) is emptied before and after each measure."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import read_path as rp

ROOT = Path(__file__).resolve().parent.parent
PATHS = {"territory page": "/seine-estuaire/",
         "active notices (API)": "/api/v1/territories/seine-estuaire/notices?status=active"}

# Run inside the tree being measured (its own code on sys.path), printed back as JSON.
MEASURE = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "riverains.settings"
import django
django.setup()
from datetime import timedelta
from django.test import Client
from django.test.utils import setup_databases, setup_test_environment
from django.utils import timezone
setup_test_environment()
setup_databases(verbosity=0, interactive=False)
from riverains.testing import build_world
world = build_world()
for i in range(8):
    world.publish(kind="observed", title=f"Torchage {i}", starts_at=timezone.now() - timedelta(minutes=30))
client = Client()
paths, n = json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for name, path in paths.items():
    assert client.get(path).status_code == 200
    for _ in range(100):
        client.get(path)
    started = time.process_time()
    for _ in range(n):
        client.get(path)
    out[name] = (time.process_time() - started) / n * 1e6
print(json.dumps(out))
"""


def measure(tree, requests, redis_db):
    env = {**os.environ, "RIVERAINS_DEV": "1", "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}"}
    env.pop("DATABASE_URL", None)
    subprocess.run(["redis-cli", "-n", str(redis_db), "flushdb"], check=True, stdout=subprocess.DEVNULL)
    try:
        out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", MEASURE, json.dumps(PATHS), str(requests)],
                             cwd=tree, env=env, check=True, capture_output=True, text=True, timeout=900).stdout
    finally:
        subprocess.run(["redis-cli", "-n", str(redis_db), "flushdb"], check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier commit to compare with the work tree")
    parser.add_argument("--requests", type=int, default=1000, help="requests per endpoint and measure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis-db", type=int, default=15)
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    if not 100 <= args.requests <= 20000 or not 1 <= args.rounds <= 10:
        parser.error("requests 100–20000, rounds 1–10")
    load_at_start = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    workdir = Path(tempfile.mkdtemp(prefix="riverains-cpu-"))
    results = {}
    try:
        before = workdir / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        for round_number in range(args.rounds):
            for version, tree in (("before", before), ("after", ROOT)):
                for name, micros in measure(tree, args.requests, args.redis_db).items():
                    results.setdefault((version, name), []).append(micros)
                    print(f"  round {round_number + 1} {version:6} {name}: {micros:.0f} µs of CPU per request", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### CPU per request from the cache, before and after — {now} (bench/read_cpu.py)",
        "",
        f"- before: {rp.describe(args.before)}; after: the work tree at {rp.describe('HEAD')}",
        f"- One Django process (test client, development settings, SQLite test database with 8 notices under way, "
        f"Redis as the shared cache), {args.requests} requests per measure after 100 unmeasured, {args.rounds} rounds "
        "alternating before / after; the process's CPU time, Redis's own not counted",
        f"- Load average: {load_at_start} at the start, "
        f"{' / '.join(f'{v:.2f}' for v in os.getloadavg())} at the end (other work on the machine)",
        "",
        "| endpoint | before: µs per request (median; rounds) | after: µs per request (median; rounds) |",
        "| --- | --- | --- |",
    ]
    for name in PATHS:
        cells = []
        for version in ("before", "after"):
            runs = results[(version, name)]
            cells.append(f"{statistics.median(runs):.0f} ({' / '.join(f'{r:.0f}' for r in runs)})")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    rp.print_and_append("\n".join(lines) + "\n", args.write)


if __name__ == "__main__":
    sys.exit(main())
