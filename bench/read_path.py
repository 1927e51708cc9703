"""Benchmark of Riverains' read path, served as in production (see bench/README.md).

For each database (SQLite, PostgreSQL): a fresh database loaded with the demo, static files
collected, gunicorn with 2 × cores + 1 synchronous workers and production settings; then, for
each endpoint and each number of concurrent connections, a fixed-duration load with wrk
(or a small Python load generator if wrk is missing). Results are appended to bench/RESULTS.md.

    bench/run.sh                                   # everything (about 3 minutes)
    bench/run.sh --databases sqlite --duration 5   # quicker

Everything runs on 127.0.0.1 and every load stops by itself after --duration seconds."""
import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "RESULTS.md"

ENDPOINTS = [
    ("territory page", "/seine-estuaire/"),
    ("active notices (API)", "/api/v1/territories/seine-estuaire/notices?status=active"),
]
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DB = "riverains_bench"
REDIS_URL = "redis://127.0.0.1:6379/7"  # a database number of its own, emptied before the run
LOAD_AT_START = ""
SETUP_TIMEOUT = 600  # seconds for migrate + reference data + demo on a slow machine


@dataclass
class Measure:
    database: str
    endpoint: str
    path: str
    connections: int
    status: str  # status code and size of one response, e.g. "200, 14 kB"
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors + responses other than 2xx/3xx
    tool: str
    cpu: dict  # share of the machine's CPU during the measure: server, load generator, others
    server_cpu_ms: float  # server CPU time per request: what the figures would be on an idle machine


# --- the machine ----------------------------------------------------------------------------


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        (int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")),
        0,
    )
    os_name = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        found = re.search(r'^PRETTY_NAME="?([^"\n]*)', release.read_text(), re.M)
        os_name = f"{found.group(1)} (Linux {platform.release()})" if found else os_name
    versions = subprocess.run(
        [PYTHON, "-c", "import sys, django, gunicorn; print(sys.version.split()[0], django.get_version(), gunicorn.__version__)"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "OS": os_name,
        "Python": versions[0],
        "Django": versions[1],
        "gunicorn": versions[2],
    }


def workers():
    # gunicorn's documented rule of thumb: while one worker per core computes, about as many
    # again wait on the database or the socket; the +1 covers the odd slow request.
    return 2 * (os.cpu_count() or 1) + 1


# --- the server -------------------------------------------------------------------------------


def production_env(database_url, static_root):
    env = {k: v for k, v in os.environ.items() if k not in ("RIVERAINS_DEV", "DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="riverains.settings",
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=SETUP_TIMEOUT,
                   stdout=subprocess.DEVNULL)
    print(f"    manage.py {' '.join(args)}: {time.monotonic() - started:.1f} s", flush=True)


def prepare(env):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v0")


_GIVEN_PORTS = set()


def free_port():
    """A free loopback port: within RIVERAINS_PORTS ("8300-8349") when set, for a machine that
    several people share, otherwise any. Never the same twice in one process: the caller asks
    for several before starting the servers that bind them."""
    wanted = os.environ.get("RIVERAINS_PORTS")
    if wanted:
        first, last = (int(p) for p in wanted.split("-"))
        candidates = [p for p in range(first, last + 1) if p not in _GIVEN_PORTS]
    else:
        candidates = [0] * 20
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
        if port not in _GIVEN_PORTS:
            _GIVEN_PORTS.add(port)
            return port
    raise RuntimeError(f"no free port in {wanted or 'the ephemeral range'}")


def describe(revision):
    """"<short hash> <subject>" of a commit, for a results section's "before" and "after"."""
    return subprocess.run(["git", "log", "-1", "--format=%h %s", revision], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()[:100]


def print_and_append(section, write):
    """Print a results section and, with `write`, append it to bench/RESULTS.md."""
    print()
    print(section)
    if write:
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + section)


def start_gunicorn(env, port, log, root=ROOT):
    """`root`: the source tree to serve (bench/json_side_by_side.py serves an earlier commit too)."""
    # The same options as deploy/systemd/riverains-web.service, on a loopback port.
    command = [
        GUNICORN, "riverains.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers()),
        "--max-requests", "100000", "--max-requests-jitter", "10000", "--timeout", "30",
        "--error-logfile", str(log),
    ]
    return subprocess.Popen(command, cwd=root, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def fetch(url):
    """(status, size) of one GET; the status even when it is an error."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as e:
        return e.code, len(e.read())


def wait_ready(base, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited; see its log")
        try:
            fetch(base + "/")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn not answering after {seconds} s")


# --- where the CPU went -----------------------------------------------------------------------
# Other programs running during a measure take CPU from the server and make it look slower.
# Each measure therefore reports how the machine's CPU time was shared: the server (gunicorn
# master and workers, including workers recycled meanwhile), the load generator, and the rest.

TICKS = os.sysconf("SC_CLK_TCK")


def machine_ticks():
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _stat(pid):
    """Fields of /proc/<pid>/stat after the command name, or None if the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def server_ticks(master_pid):
    """CPU ticks used by the gunicorn process group, plus workers already exited and reaped."""
    total = 0
    for entry in Path("/proc").iterdir():
        fields = _stat(entry.name) if entry.name.isdigit() else None
        # After the command name: state ppid pgrp ... utime(12) stime(13) cutime(14) cstime(15).
        if fields and int(fields[2]) == master_pid:
            total += int(fields[11]) + int(fields[12])
            if int(entry.name) == master_pid:
                total += int(fields[13]) + int(fields[14])
    return total


def backend_ticks(pids):
    """{pid: CPU ticks} of the PostgreSQL backends serving the benchmark's database."""
    found = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            found[pid] = int(fields[11]) + int(fields[12])
    return found


def postgres_backends():
    return postgres_all(f"SELECT pid FROM pg_stat_activity WHERE datname = '{POSTGRES_DB}'")


def generator_ticks():
    """CPU used so far by this script and the programs it waited for (wrk)."""
    import resource

    used = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        used += usage.ru_utime + usage.ru_stime
    return used * TICKS


class CpuShare:
    """The server's share includes the PostgreSQL backends of its connections, when there are."""

    def __init__(self, master_pid, kind):
        self.master_pid = master_pid
        self.kind = kind

    def _backends(self):
        return backend_ticks(postgres_backends()) if self.kind.startswith("postgres") else {}

    def __enter__(self):
        self.start = (machine_ticks(), server_ticks(self.master_pid), generator_ticks(), self._backends())
        return self

    def __exit__(self, *exc):
        (busy0, total0), server0, gen0, backends0 = self.start
        (busy1, total1), server1, gen1 = machine_ticks(), server_ticks(self.master_pid), generator_ticks()
        backends = sum(ticks - backends0.get(pid, 0) for pid, ticks in self._backends().items())
        total = max(1, total1 - total0)
        server, generator = server1 - server0 + backends, gen1 - gen0
        others = max(0.0, (busy1 - busy0) - server - generator)
        self.share = {name: round(100 * value / total) for name, value in
                      [("server", server), ("generator", generator), ("others", others)]}
        self.server_seconds = server / TICKS


# --- the load ---------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def run_wrk(url, connections, duration):
    threads = max(1, min(connections, os.cpu_count() or 1))
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "--latency", url],
        capture_output=True, text=True, check=True, timeout=duration + 60,
    ).stdout
    percentiles = dict(re.findall(r"^ *(50|99)% +(\S+) *$", out, re.M))
    if len(percentiles) < 2:  # no request answered at all
        raise RuntimeError(f"wrk measured nothing on {url}:\n{out}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0) + (int(non_2xx.group(1)) if non_2xx else 0)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(percentiles["50"]),
        "p99_ms": _ms(percentiles["99"]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": errors,
    }


def run_python(url, connections, duration):
    """Fallback when wrk is missing: one thread per connection, each stops at the deadline.
    Python's own overhead caps what it can generate: read its figures as lower bounds."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    deadline = time.monotonic() + duration
    latencies, errors, lock = [], [0], threading.Lock()

    def client():
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                mine.append((time.perf_counter() - started) * 1000)
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 10)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else 0.0

    return {
        "requests_per_second": len(latencies) / duration,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "requests": len(latencies),
        "errors": errors[0],
    }


def load(url, connections, duration, tool):
    return (run_wrk if tool == "wrk" else run_python)(url, connections, duration)


# --- databases --------------------------------------------------------------------------------


def postgres(sql, database="postgres"):
    import psycopg  # from the project's venv, where this script runs

    with psycopg.connect(f"{POSTGRES_SERVER}/{database}", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchone() if cursor.description else None


def postgres_all(sql):
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        return [row[0] for row in conn.execute(sql).fetchall()]


def database_label(kind, url):
    if kind == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    label = "PostgreSQL " + postgres("SHOW server_version")[0].split()[0]
    # With Redis, public pages keep their fingerprint in the shared cache (public/cache.py).
    return label + (" + Redis cache" if kind.endswith("+redis") else " (local-memory cache)")


class Database:
    """A fresh, empty database for one run, removed afterwards."""

    def __init__(self, kind, workdir, name=POSTGRES_DB):
        self.kind = kind
        self.workdir = workdir
        self.name = name  # other benchmarks (bench/surge.py …) use a name of their own

    def __enter__(self):
        if self.kind == "sqlite":
            return f"sqlite:///{self.workdir / 'bench.sqlite3'}"
        postgres(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        postgres(f"CREATE DATABASE {self.name}")
        return f"{POSTGRES_SERVER}/{self.name}"

    def __exit__(self, *exc):
        if self.kind.startswith("postgres"):
            postgres(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


# --- one run ----------------------------------------------------------------------------------


def bench_database(kind, args, tool):
    workdir = Path(tempfile.mkdtemp(prefix=f"riverains-bench-{kind}-"))
    measures = []
    try:
        with Database(kind, workdir) as url:
            label = database_label(kind, url)
            print(f"== {label}", flush=True)
            env = production_env(url, workdir / "static")
            if kind.endswith("+redis"):
                env["REDIS_URL"] = REDIS_URL
                subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "flushdb"], check=True,
                               stdout=subprocess.DEVNULL)
            prepare(env)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = start_gunicorn(env, port, workdir / "gunicorn.log")
            try:
                wait_ready(base, server)
                for name, path in ENDPOINTS:
                    status, size = fetch(base + path)
                    shown = f"{status}, {size / 1000:.1f} kB"
                    # Every worker loads its code and fills its own cache before the clock starts.
                    load(base + path, max(args.connections), min(5, args.duration), tool)
                    for connections in args.connections:
                        with CpuShare(server.pid, kind) as cpu:
                            result = load(base + path, connections, args.duration, tool)
                        per_request = 1000 * cpu.server_seconds / max(1, result["requests"])
                        measure = Measure(label, name, path, connections, shown, tool=tool, cpu=cpu.share,
                                          server_cpu_ms=per_request, **result)
                        print(f"    {path} c={connections}: {measure.requests_per_second:.0f} req/s, "
                              f"p50 {measure.p50_ms:.1f} ms, p99 {measure.p99_ms:.1f} ms, "
                              f"errors {measure.errors} [{shown}], CPU {cpu.share}, "
                              f"{per_request:.2f} ms server CPU per request", flush=True)
                        measures.append(measure)
            finally:
                stop(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return measures


# --- the report -------------------------------------------------------------------------------


def report(info, measures, args, tool):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {now}",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- Server: gunicorn, {workers()} synchronous workers (2 × {os.cpu_count()} cores + 1), "
        "production settings (DEBUG off, whitenoise; cache as named in the database column)",
        f"- Load: {tool}, {args.duration} s per line after a warm-up, on the same machine "
        "(the load generator takes CPU from the server)",
        f"- Load average when the run started: {LOAD_AT_START}",
        "",
        "| database | endpoint | connections | req/s | p50 (ms) | p99 (ms) | requests | errors | response "
        "| CPU % server / load generator / others | server CPU per request (ms) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |",
    ]
    for m in measures:
        lines.append(
            f"| {m.database} | {m.endpoint} `{m.path}` | {m.connections} | {m.requests_per_second:,.0f} | "
            f"{m.p50_ms:.1f} | {m.p99_ms:.1f} | {m.requests:,} | {m.errors:,} | {m.status} "
            f"| {m.cpu['server']} / {m.cpu['generator']} / {m.cpu['others']} | {m.server_cpu_ms:.2f} |"
        )
    section = "\n".join(lines) + "\n"
    if args.write:
        if not RESULTS.exists():
            RESULTS.write_text("# Read-path benchmark results\n\nSee README.md for what is measured and how to read it.\n")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + section)
    return section


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgres,postgres+redis",
                        help="comma-separated: sqlite, postgres, postgres+redis")
    parser.add_argument("--connections", default="16,64", help="comma-separated concurrent connections")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measure (1 to 120)")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--no-write", dest="write", action="store_false", help="print only, leave RESULTS.md alone")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    if not 1 <= args.duration <= 120 or not all(1 <= c <= 1024 for c in args.connections):
        parser.error("duration must be 1–120 s and connections 1–1024")
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")

    global LOAD_AT_START
    LOAD_AT_START = " / ".join(f"{v:.2f}" for v in os.getloadavg()) + " (1 / 5 / 15 min)"
    info = machine()
    measures = []
    for kind in args.databases.split(","):
        measures += bench_database(kind.strip(), args, tool)
    print()
    print(report(info, measures, args, tool))


if __name__ == "__main__":
    sys.exit(main())
