"""Surge benchmark: the territory page and the active-notices JSON under 64 and 256 connections,
served (a) by gunicorn alone, (b) behind the shipped nginx configuration (micro-cache), (c) by
nginx from a static copy of the same bytes (the ceiling), while an operator publishes through
the write API every few seconds and a checker measures when each new notice becomes visible
through nginx and straight from gunicorn. Before the load, the first visitor after a quiet
period: a copy in nginx's cache, nobody visits for --quiet-seconds, a publish, then one visit
(the promise: no copy older than a publish by more than 2 s, that visitor included). See
bench/README.md, "Surge".

    .venv/bin/python bench/surge.py                 # about 5 minutes, appends to bench/RESULTS.md
    .venv/bin/python bench/surge.py --duration 5 --no-write
    .venv/bin/python bench/surge.py --quiet-only --site-conf old-riverains.conf   # another nginx site file

PostgreSQL (database riverains_surge, dropped afterwards) and Redis (database 8, emptied) on
127.0.0.1; every load stops by itself after --duration seconds."""
import argparse
import http.client
import json
import secrets
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import read_path as rp
import stack as st

TARGETS = [
    ("gunicorn", "(a) gunicorn alone"),
    ("nginx", "(b) behind the shipped nginx"),
    ("static", "(c) nginx, static copy (ceiling)"),
]
ENDPOINTS = [("territory page", st.PAGE), ("active notices (API)", st.NOTICES_JSON)]
CHECK_TIMEOUT = 30.0  # seconds a checker waits for a notice before calling it lost
POLL_EVERY = 0.1
PROMISE = 2.0  # seconds: no copy older than a publish by more than this (issue 14)


# --- HTTP ---------------------------------------------------------------------------------------


def request(base, method, path, body=None, headers=None, timeout=30):
    """(status, headers, body bytes) of one request on a fresh connection."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


# --- the operator and the checker --------------------------------------------------------------


@dataclass
class Publish:
    phase: str
    title: str
    seconds: float  # how long the publish call took
    status: int
    # via → (delay s or None, number of fetches, how long after the publish the last fetch that
    # still got the old page had started)
    seen: dict = field(default_factory=dict)


class Operator(threading.Thread):
    """Publishes a notice every `every` seconds through the write API (through nginx, as an
    operator's system would), ends the previous one so that the page keeps its size, and starts
    one checker per way of reading the page."""

    def __init__(self, stack, token, site_id, every, phase):
        super().__init__(daemon=True)
        self.stack, self.token, self.site_id, self.every, self.phase = stack, token, site_id, every, phase
        self.stopping = threading.Event()
        self.publishes, self.checkers = [], []

    def run(self):
        open_notices, number = {}, 0  # notice id → its Publish record
        next_at = time.monotonic()
        while not self.stopping.wait(max(0.0, next_at - time.monotonic())):
            number += 1
            notice_id, record = self.publish_one(number)
            if notice_id is not None:
                open_notices[notice_id] = record
            # A notice is ended only once both checkers are done with it: ended earlier, it could
            # leave the page before a stale cache showed it, and would be counted as lost.
            for done in [pk for pk, r in open_notices.items() if len(r.seen) == 2]:
                status, _headers, body = self.call("POST", f"/api/v1/notices/{done}/end",
                                                   {"change_note": "Fin de l'essai de charge."})
                if status != 200:
                    print(f"    end refused: {status} {body[:300]!r}", flush=True)
                del open_notices[done]
            next_at += self.every

    def call(self, method, path, payload):
        return request(self.stack.nginx, method, path, body=json.dumps(payload),
                       headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})

    def post_notice(self, title):
        now = datetime.now(timezone.utc)
        return self.call("POST", "/api/v1/notices", {
            "site": self.site_id, "category": "torchage", "kind": "observed", "perceptions": ["visible"],
            "starts_at": now.isoformat(), "expected_end_at": (now + timedelta(hours=1)).isoformat(),
            "title": title, "body": "Flamme visible au-dessus de la torche pendant un essai de charge.",
        })

    def publish_quietly(self):
        """(notice id, title, monotonic time the 201 arrived), no checker started."""
        title = f"Torchage après un calme {secrets.token_hex(3)}"
        status, _headers, body = self.post_notice(title)
        published = time.monotonic()
        if status != 201:
            raise RuntimeError(f"publish refused: {status} {body[:300]!r}")
        return json.loads(body)["id"], title, published

    def publish_one(self, number):
        title = f"Torchage essai de charge {number} {secrets.token_hex(3)}"
        phase = self.phase()  # the load running when the operator pressed "publish"
        started = time.monotonic()
        status, _headers, body = self.post_notice(title)
        published = time.monotonic()  # the notice is committed when the 201 arrives
        record = Publish(phase, title, published - started, status)
        self.publishes.append(record)
        if status != 201:
            print(f"    publish refused: {status} {body[:300]!r}", flush=True)
            return None, record
        for via, base in [("nginx", self.stack.nginx), ("gunicorn", self.stack.gunicorn)]:
            checker = threading.Thread(target=watch, args=(base, title, published, record, via), daemon=True)
            checker.start()
            self.checkers.append(checker)
        return json.loads(body)["id"], record

    def stop(self):
        self.stopping.set()
        self.join(60)
        for checker in self.checkers:
            checker.join(CHECK_TIMEOUT + 10)


def watch(base, title, published, record, via):
    """Fetch the territory page until the title is in it: the delay after the publish returned
    until an answer shows it, and, what the promise is about, how long after the publish the
    last request answered with the old page had been sent (an answer's own latency under load
    is not staleness: a copy is old when it was asked for well after the publish)."""
    needle = title.encode()
    fetches, stale_asked = 0, None
    while time.monotonic() - published < CHECK_TIMEOUT:
        fetches += 1
        asked = time.monotonic()
        try:
            _status, _headers, body = request(base, "GET", st.PAGE, timeout=CHECK_TIMEOUT)
        except OSError:
            body = None
        if body is not None and needle in body:
            record.seen[via] = (time.monotonic() - published, fetches, stale_asked)
            return
        if body is not None:
            stale_asked = asked - published
        time.sleep(POLL_EVERY)
    record.seen[via] = (None, fetches, stale_asked)


# --- the first visitor after a quiet period ----------------------------------------------------


@dataclass
class QuietProbe:
    fresh: bool  # the first visit after the publish showed it
    cache: str  # nginx's X-Cache-Status for that visit
    first_visit: float  # seconds after the publish returned
    seen: float | None  # seconds until a visit showed it (polling after that first visit)


def quiet_probes(stack, token, site_id, count, quiet):
    """`count` times: a copy of the page in nginx's cache, `quiet` s without any visit, a publish,
    then one visit at once (and polling until the title shows, to say how late it was)."""
    operator = Operator(stack, token, site_id, every=0, phase=lambda: "quiet")
    probes = []
    for _ in range(count):
        request(stack.nginx, "GET", st.PAGE)  # the copy that will wait in the cache
        time.sleep(quiet)
        notice_id, title, published = operator.publish_quietly()
        status, headers, body = request(stack.nginx, "GET", st.PAGE)
        first_visit = time.monotonic() - published
        fresh = status == 200 and title.encode() in body
        seen = first_visit if fresh else None
        while seen is None and time.monotonic() - published < CHECK_TIMEOUT:
            time.sleep(POLL_EVERY)
            if title.encode() in request(stack.nginx, "GET", st.PAGE)[2]:
                seen = time.monotonic() - published
        probes.append(QuietProbe(fresh, headers.get("X-Cache-Status", "?"), first_visit, seen))
        print(f"    quiet {quiet} s, publish, first visit after {first_visit:.2f} s: "
              f"{'fresh' if fresh else 'OLD COPY'} ({probes[-1].cache}); seen after {seconds(seen)} s", flush=True)
        operator.call("POST", f"/api/v1/notices/{notice_id}/end", {"change_note": "Fin de l'essai."})
    return probes


# --- where the CPU went --------------------------------------------------------------------------


class CpuShare:
    """Share of the machine's CPU: the application (gunicorn and its PostgreSQL backends), nginx,
    this process with wrk (load generator, operator, checkers), and everything else."""

    def __init__(self, stack):
        self.stack = stack

    def _backends(self):
        pids = rp.postgres_all(f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.stack.database_name}'")
        return rp.backend_ticks(pids)

    def _sample(self):
        return (rp.machine_ticks(), rp.server_ticks(self.stack.app_process.pid),
                rp.server_ticks(self.stack.nginx_process.pid), rp.generator_ticks(), self._backends())

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        (busy0, total0), app0, nginx0, gen0, back0 = self.start
        (busy1, total1), app1, nginx1, gen1, back1 = self._sample()
        app = app1 - app0 + sum(t - back0.get(pid, 0) for pid, t in back1.items())
        parts = {"app": app, "nginx": nginx1 - nginx0, "generator": gen1 - gen0}
        parts["others"] = max(0, (busy1 - busy0) - sum(parts.values()))
        total = max(1, total1 - total0)
        self.share = {k: round(100 * v / total) for k, v in parts.items()}


# --- the run ------------------------------------------------------------------------------------


def describe(base, path, via):
    status, headers, body = request(base, "GET", path)
    cache = headers.get("X-Cache-Status")
    return f"{status}, {len(body) / 1000:.1f} kB" + (f", {cache}" if via == "nginx" and cache else "")


def measure_all(stack, args, set_phase):
    rows = []
    for via, label in TARGETS:
        base = getattr(stack, via)
        set_phase(label)
        if via == "static":
            stack.copy_responses()  # the bytes gunicorn serves now, notices published meanwhile included
        for name, path in ENDPOINTS:
            rp.load(base + path, max(args.connections), args.warmup, "wrk")  # caches filled, code loaded
            shown = describe(base, path, via)
            for connections in args.connections:
                with CpuShare(stack) as cpu:
                    result = rp.load(base + path, connections, args.duration, "wrk")
                rows.append(dict(target=label, endpoint=name, path=path, connections=connections, response=shown,
                                 cpu=cpu.share, **result))
                print(f"    {label} {path} c={connections}: {result['requests_per_second']:,.0f} req/s, "
                      f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, errors {result['errors']} "
                      f"[{shown}] CPU {cpu.share}", flush=True)
    return rows


def visibility(publishes):
    """Per phase: how long each publish took to show, through nginx and from gunicorn."""
    promise = PROMISE
    table = []
    for phase in dict.fromkeys(p.phase for p in publishes):
        mine = [p for p in publishes if p.phase == phase and p.status == 201]
        row = {"phase": phase, "publishes": len([p for p in publishes if p.phase == phase]), "ok": len(mine),
               "publish_median": statistics.median(p.seconds for p in mine) if mine else None,
               "publish_max": max((p.seconds for p in mine), default=None)}
        for via in ("nginx", "gunicorn"):
            delays = [p.seen.get(via, (None, 0, None)) for p in mine]
            seen = [d for d, _n, _s in delays if d is not None]
            stale = [s for _d, _n, s in delays if s is not None]
            row[via] = {
                "median": statistics.median(seen) if seen else None, "max": max(seen) if seen else None,
                "lost": len(delays) - len(seen),
                # Kept: no request sent more than `promise` after the publish got the old page.
                "within_promise": sum(1 for d, _n, s in delays if d is not None and (s or 0) <= promise),
                "stale_max": max(stale) if stale else None,
                "first_fetch": sum(1 for d, n, _s in delays if d is not None and n == 1), "count": len(delays),
            }
        table.append(row)
    return table


def seconds(value):
    return "–" if value is None else f"{value:.2f}"


def quiet_report(probes, args):
    if not probes:
        return []
    fresh = sum(p.fresh for p in probes)
    seen = [p.seen for p in probes if p.seen is not None]
    caches = ", ".join(f"{name} {sum(p.cache == name for p in probes)}" for name in dict.fromkeys(p.cache for p in probes))
    return [
        "",
        f"First visitor after a quiet period ({len(probes)} times: a copy in nginx's cache, {args.quiet_seconds} s "
        "without any visit, a publish through the write API, then one visit at once): "
        f"**{fresh}/{len(probes)} saw the publish** (X-Cache-Status: {caches}); the publish showed after "
        f"median {seconds(statistics.median(seen) if seen else None)} s, at worst {seconds(max(seen, default=None))} s"
        f"{'' if len(seen) == len(probes) else f', {len(probes) - len(seen)} not within 30 s'}.",
    ]


def report(info, load_at_start, rows, table, args, cache_seconds, probes):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    site = args.site_conf or "deploy/nginx/riverains.conf"
    lines = [
        f"## Surge — {now}" + (f" — nginx site file {args.site_conf}" if args.site_conf else ""),
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- Application: gunicorn, {rp.workers()} synchronous workers, production settings, PostgreSQL + Redis "
        f"shared cache (REDIS_URL), PUBLIC_CACHE_SECONDS={cache_seconds}",
        f"- nginx: {site} + nginx-proxy.conf (paths, ports, cache directory "
        "substituted), worker_processes auto; (c) is a second server block serving the same bytes from files",
        f"- Load average when the run started: {load_at_start}; when it ended: {st.load_average()}"
        " (other work on the machine counts in it)",
        *quiet_report(probes, args),
    ]
    if not rows:
        return "\n".join(lines) + "\n"
    lines += [
        "",
        f"- Load: wrk --latency, {args.duration} s per line after a {args.warmup} s warm-up, no Accept-Encoding "
        "(so no gzip), on the same machine",
        f"- Meanwhile: an operator publishes through the write API every {args.publish_every} s (and ends its "
        "previous notice); a checker fetches the territory page every "
        f"{POLL_EVERY} s through nginx and from gunicorn until the new title appears",
        "",
        "| served by | endpoint | connections | req/s | p50 (ms) | p99 (ms) | requests | errors | response "
        "| CPU % app / nginx / load generator / others |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        c = r["cpu"]
        lines.append(
            f"| {r['target']} | {r['endpoint']} | {r['connections']} | {r['requests_per_second']:,.0f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['requests']:,} | {r['errors']:,} | {r['response']} "
            f"| {c['app']} / {c['nginx']} / {c['generator']} / {c['others']} |"
        )
    promise = PROMISE
    lines += [
        "",
        f"Visibility of each publish (seconds after the write API answered 201; promise: no request sent more "
        f"than {promise} s after the publish gets the old page through nginx; from gunicorn the first fetch after "
        "the publish already shows it). \"shown after\" counts until the answer arrived, so it includes the "
        "answer's own latency under load; \"old page asked at most\" is when the last request still answered "
        "with the old page had been sent:",
        "",
        "| load running meanwhile | publishes (ok) | publish call median / max (s) "
        f"| through nginx: shown after median / max (s) | through nginx: old page asked at most (s) "
        f"| through nginx: promise kept | from gunicorn median / max (s) "
        "| from gunicorn on first fetch | not seen in 30 s |",
        "| --- | ---: | --- | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for row in table:
        n, g = row["nginx"], row["gunicorn"]
        lines.append(
            f"| {row['phase']} | {row['publishes']} ({row['ok']}) | {seconds(row['publish_median'])} / "
            f"{seconds(row['publish_max'])} | {seconds(n['median'])} / {seconds(n['max'])} "
            f"| {seconds(n['stale_max'])} | {n['within_promise']}/{n['count']} | {seconds(g['median'])} / {seconds(g['max'])} "
            f"| {g['first_fetch']}/{g['count']} | {n['lost'] + g['lost']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="64,256")
    parser.add_argument("--duration", type=int, default=12, help="seconds per measure (1 to 60)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--publish-every", type=float, default=3.0)
    parser.add_argument("--wait-quiet", type=int, default=300, help="seconds to wait for load average < 2")
    parser.add_argument("--no-write", dest="write", action="store_false")
    parser.add_argument("--quiet-probes", type=int, default=5, help="first visits after a quiet period (0: none)")
    parser.add_argument("--quiet-seconds", type=float, default=8.0, help="how long nobody visits before each")
    parser.add_argument("--quiet-only", action="store_true", help="only the quiet-period probes, no load")
    parser.add_argument("--site-conf", help="another version of deploy/nginx/riverains.conf to measure")
    parser.add_argument("--database", default="riverains_surge", help="PostgreSQL database made and dropped")
    parser.add_argument("--redis-db", type=int, default=8, help="Redis database number, emptied")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    if not 1 <= args.duration <= 60 or not all(1 <= c <= 1024 for c in args.connections):
        parser.error("duration must be 1–60 s and connections 1–1024")
    st.terminate_on_sigterm()

    load_at_start = st.wait_for_quiet_machine(patience=args.wait_quiet)
    info = st.machine()
    with st.Stack(args.database, redis_db=args.redis_db, site_conf=args.site_conf) as stack:
        cache_seconds = int(stack.env.get("PUBLIC_CACHE_SECONDS", 5))
        token, site_id = st.organization_token(stack)
        probes = quiet_probes(stack, token, site_id, args.quiet_probes, args.quiet_seconds)
        rows, table = [], []
        if not args.quiet_only:
            phase = {"name": "warm-up"}
            operator = Operator(stack, token, site_id, args.publish_every, lambda: phase["name"])
            operator.start()
            try:
                rows = measure_all(stack, args, lambda name: phase.update(name=name))
            finally:
                operator.stop()
            table = visibility(operator.publishes)
    rp.print_and_append(report(info, load_at_start, rows, table, args, cache_seconds, probes), args.write)


if __name__ == "__main__":
    sys.exit(main())
