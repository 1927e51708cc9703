"""The active-notices JSON and the territory page, served by an earlier commit and by the work
tree side by side in one run (issue 14, "JSON read path"): one PostgreSQL database loaded with
the demo, two gunicorns as deploy/systemd starts them (production settings, Redis as the shared
cache, a Redis database each), loaded in turn with wrk — before, after, before, after… — so
that whatever else the machine does weighs on both alike. Medians over the rounds are appended
to bench/RESULTS.md.

    .venv/bin/python bench/json_side_by_side.py --before 3dd69fb~1
    .venv/bin/python bench/json_side_by_side.py --before HEAD~3 --rounds 3 --duration 10 --no-write

Everything listens on 127.0.0.1 (ports within RIVERAINS_PORTS when set); loads stop by
themselves after --duration seconds; the database and the copy of the earlier tree are removed."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import read_path as rp
import stack as st

ENDPOINTS = [("territory page", st.PAGE), ("active notices (API)", st.NOTICES_JSON)]


def source_tree(revision, workdir):
    """The committed tree at `revision`, unpacked in `workdir` and using the project's .venv."""
    tree = workdir / "before"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=rp.ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / ".venv").symlink_to(rp.ROOT / ".venv")
    return tree


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier commit to compare with the work tree")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measure (1 to 60)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="riverains_json", help="PostgreSQL database made and dropped")
    parser.add_argument("--redis-dbs", default="10,11", help="two Redis database numbers, emptied")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    if not 1 <= args.duration <= 60 or not 1 <= args.connections <= 1024 or not 1 <= args.rounds <= 10:
        parser.error("duration 1–60 s, connections 1–1024, rounds 1–10")
    st.terminate_on_sigterm()
    load_at_start = st.load_average()
    info = st.machine()
    workdir = Path(tempfile.mkdtemp(prefix="riverains-json-"))
    servers = []
    results = {}  # (version, endpoint) → list of wrk results
    try:
        versions = {"before": source_tree(args.before, workdir), "after": rp.ROOT}
        with rp.Database("postgres", workdir, name=args.database) as url:
            env = rp.production_env(url, workdir / "static")
            rp.prepare(env)
            bases = {}
            for (version, root), redis_db in zip(versions.items(), args.redis_dbs.split(",")):
                redis_url = f"redis://127.0.0.1:6379/{redis_db}"
                subprocess.run(["redis-cli", "-n", redis_db, "flushdb"], check=True, stdout=subprocess.DEVNULL)
                port = rp.free_port()
                server = rp.start_gunicorn({**env, "REDIS_URL": redis_url}, port, workdir / f"gunicorn-{version}.log", root)
                servers.append(server)
                bases[version] = f"http://127.0.0.1:{port}"
                rp.wait_ready(bases[version], server)
            for version, base in bases.items():
                for _name, path in ENDPOINTS:
                    rp.load(base + path, args.connections, 3, "wrk")  # code loaded, caches filled
            for round_number in range(args.rounds):
                for name, path in ENDPOINTS:
                    for version, base in bases.items():
                        result = rp.load(base + path, args.connections, args.duration, "wrk")
                        results.setdefault((version, name), []).append(result)
                        print(f"  round {round_number + 1} {version:6} {path}: {result['requests_per_second']:,.0f} req/s, "
                              f"p99 {result['p99_ms']:.1f} ms, errors {result['errors']}", flush=True)
    finally:
        for server in servers:
            rp.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    rp.print_and_append(report(info, load_at_start, results, args), args.write)


def report(info, load_at_start, results, args):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## JSON read path, side by side — {now}",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- before: {rp.describe(args.before)}",
        f"- after: the work tree at {rp.describe('HEAD')}",
        f"- Each: gunicorn, {rp.workers()} synchronous workers, production settings, PostgreSQL (one database, "
        "the demo) + Redis shared cache (a database each)",
        f"- Load: wrk, {args.connections} connections, {args.duration} s per measure, {args.rounds} rounds "
        "alternating before / after; medians of the rounds",
        f"- Load average when the run started: {load_at_start}; when it ended: {st.load_average()} "
        "(other work on the machine counts in it)",
        "",
        "| endpoint | served by | req/s (median) | req/s per round | p50 (ms) | p99 (ms) | errors |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for name, _path in ENDPOINTS:
        for version in ("before", "after"):
            runs = results[(version, name)]
            lines.append(
                f"| {name} | {version} | {statistics.median(r['requests_per_second'] for r in runs):,.0f} "
                f"| {' / '.join(format(r['requests_per_second'], ',.0f') for r in runs)} "
                f"| {statistics.median(r['p50_ms'] for r in runs):.1f} | {statistics.median(r['p99_ms'] for r in runs):.1f} "
                f"| {sum(r['errors'] for r in runs)} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
