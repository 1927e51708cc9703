"""Residents' reports submitted at once (issue 14, "Reports"): how many POSTs of the report form
per second gunicorn stores, with matching and episode detection, at what latency, and whether
every report answered 302 is in the database. See bench/RESULTS.md, "Reports".

    .venv/bin/python bench/reports_submit.py                          # 8, 16 and 32 connections, 15 s each
    .venv/bin/python bench/reports_submit.py --code /tmp/before --label before   # another checkout
    .venv/bin/python bench/reports_submit.py --profile 300             # pyinstrument, in-process

The load is wrk with a Lua script: each request is a resident's POST of the form (CSRF cookie and
token taken once from the form page, as a browser reuses them), from its own address
(X-Forwarded-For, TRUSTED_PROXY_COUNT=1 as behind nginx) and its own device cookie, with a kind
drawn among odour, smoke, flame and noise and a position drawn within 6 km of the demo's sites:
some reports are explained by the demo's current notices, the others go through episode
detection and open or join episodes (the warm-up opens them, the measured lines mostly join
them). The POST alone is timed; the form page's Cache-Control is printed (`private, no-store`:
it carries the visitor's CSRF token, see bench/RESULTS.md, "Reports, step by step").

PostgreSQL database h_perf_reports_run (--database), copied for each run from h_perf_reports_tpl
(the demo, made once); gunicorn as deploy/systemd/riverains-web.service starts it (the same
options), on 127.0.0.1:8560 (--port)."""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import read_path as rp  # noqa: E402

TEMPLATE, DATABASE = "h_perf_reports_tpl", "h_perf_reports_run"
TERRITORY = "seine-estuaire"
PORT = 8560

LUA = r"""
local token, cookie = "%(token)s", "%(cookie)s"
local sites = {%(sites)s}
local kinds = {"odour", "odour", "smoke_steam", "flame", "noise"}
local counts = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  ok, other = 0, 0
end

function request()
  local site = sites[math.random(#sites)]
  local lat = site[1] + (math.random() - 0.5) * 0.1
  local lon = site[2] + (math.random() - 0.5) * 0.14
  local kind = kinds[math.random(#kinds)]
  local body = "csrfmiddlewaretoken=" .. token .. "&kind=" .. kind .. "&intensity=" .. math.random(1, 5)
    .. "&when=now&time=&latitude=" .. string.format("%%.5f", lat) .. "&longitude=" .. string.format("%%.5f", lon)
    .. "&commune=&comment=&email=&website="
  if kind == "odour" then body = body .. "&descriptors=sulphur" end
  local address = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  local device = string.format("%%08x%%08x", math.random(0, 2147483647), math.random(0, 2147483647))
  return wrk.format("POST", "/%(territory)s/signaler/", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie .. "; riverains_appareil=" .. device,
    ["X-Forwarded-For"] = address,
  }, body)
end

function response(status, headers, body)
  if status == 302 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format("ANSWERS 302=%%d other=%%d\n", total_ok, total_other))
end
"""


def configure(args):
    """--port and --database: a run of its own beside another helper's (database names and ports
    given by the brief); the template is the database's name with "_tpl"."""
    global TEMPLATE, DATABASE, PORT
    PORT = args.port
    if args.database:
        TEMPLATE, DATABASE = f"{args.database}_tpl", args.database


def psql(sql, database="postgres"):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-tAc", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def env_for(code):
    env = rp.production_env(f"postgres://postgres@127.0.0.1:5432/{DATABASE}", Path(tempfile.mkdtemp()) / "static")
    env.update(DJANGO_SETTINGS_MODULE="bench.settings_bench", TRUSTED_PROXY_COUNT="1", PYTHONPATH=str(code))
    return env


def fresh_database(code):
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE}'") != "1":
        psql(f"CREATE DATABASE {TEMPLATE}")
        env = env_for(code)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{TEMPLATE}"
        for args in (["migrate", "--noinput", "-v0"], ["load_reference_data"], ["load_demo"]):
            subprocess.run([rp.PYTHON, "manage.py", *args], cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE} TEMPLATE {TEMPLATE}")
    env = env_for(code)
    subprocess.run([rp.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=code, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # the checkout measured may have its own migrations
    subprocess.run([rp.PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=code, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return env


class CpuShare(rp.CpuShare):
    """gunicorn's CPU and that of the PostgreSQL backends serving this benchmark's database."""

    def __init__(self, master_pid):
        super().__init__(master_pid, "postgres")

    def __enter__(self):
        self.backend_readings = []
        return super().__enter__()

    def _backends(self):
        pids = psql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'").split()
        ticks = rp.backend_ticks([int(p) for p in pids])
        self.backend_readings.append(ticks)  # at the start and at the end: PostgreSQL's part
        return ticks

    @property
    def database_seconds(self):
        start, end = self.backend_readings[0], self.backend_readings[-1]
        return sum(ticks - start.get(pid, 0) for pid, ticks in end.items()) / rp.TICKS


def start_gunicorn(code, env, log):
    """As deploy/systemd/riverains-web.service starts it (read_path's options), from `code`."""
    return rp.start_gunicorn(env, PORT, log, root=code)


def csrf(base):
    with urllib.request.urlopen(f"{base}/{TERRITORY}/signaler/", timeout=30) as response:
        cookie = re.search(r"csrftoken=([^;]+)", " ".join(response.headers.get_all("Set-Cookie") or [])).group(1)
        cache_control = response.headers.get("Cache-Control", "")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read()).group(1).decode()
    return token, cookie, cache_control


def sites():
    rows = psql("SELECT s.latitude, s.longitude FROM territories_site s JOIN territories_organization o "
                f"ON o.id = s.organization_id JOIN territories_territory t ON t.id = o.territory_id "
                f"WHERE t.slug = '{TERRITORY}' AND s.is_active", DATABASE)
    return ", ".join("{%s, %s}" % tuple(line.split("|")) for line in rows.splitlines())


def counts():
    return tuple(int(v) for v in psql(
        "SELECT (SELECT count(*) FROM reports_report), (SELECT count(*) FROM reports_report WHERE explained), "
        "(SELECT count(*) FROM reports_episode)", DATABASE).split("|"))


def run_wrk(base, script, connections, duration):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s",
                          str(script), base], capture_output=True, text=True, check=True, timeout=duration + 60).stdout
    percentiles = {p: rp._ms(v) for p, v in re.findall(r"^ *(50|90|99)% +(\S+) *$", out, re.M)}
    answers = re.search(r"ANSWERS 302=(\d+) other=(\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": percentiles.get("50"),
            "p90": percentiles.get("90"), "p99": percentiles.get("99"), "ok": int(answers.group(1)),
            "other": int(answers.group(2))}


def measure(args):
    code = Path(args.code).resolve()
    env = fresh_database(code)
    base = f"http://127.0.0.1:{PORT}"
    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    server = start_gunicorn(code, env, log)
    rows = []
    try:
        rp.wait_ready(base, server)
        token, cookie, cache_control = csrf(base)
        script = Path(tempfile.mkdtemp()) / "report.lua"
        script.write_text(LUA % {"token": token, "cookie": cookie, "sites": sites(), "territory": TERRITORY})
        run_wrk(base, script, 8, 3)  # warm-up: every worker has loaded its code
        for connections in args.connections:
            before = counts()
            load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
            with CpuShare(server.pid) as share:
                result = run_wrk(base, script, connections, args.duration)
            time.sleep(1)
            after = counts()
            stored = after[0] - before[0]
            rows.append((connections, load, result, stored, after[1] - before[1], after[2] - before[2], share))
            print(f"  {connections} connections: {result['rps']:.0f}/s, p99 {result['p99']} ms, "
                  f"302 {result['ok']}, stored {stored}", flush=True)
    finally:
        rp.stop(server)
    return rows, cache_control


def write(args, rows, cache_control):
    lines = [
        "",
        f"## Reports — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC{' — ' + args.label if args.label else ''}",
        "",
        f"- Machine: {rp.machine()['CPU']}, {os.cpu_count()} cores, shared with the other helpers' runs (load average per line)",
        f"- Code: {args.code}",
        f"- gunicorn {rp.workers()} sync workers, PostgreSQL, bench.settings_bench, TRUSTED_PROXY_COUNT=1; wrk 2 threads, "
        f"{args.duration} s per line, POST of the report form only; form page Cache-Control: `{cache_control}`",
        "",
        "| connections | load (1/5/15) | POST/s | p50 (ms) | p90 (ms) | p99 (ms) | answered 302 | other | stored | "
        "explained | episodes opened | lost | server CPU per report (ms) | of which PostgreSQL (ms) | "
        "CPU % server / wrk / others |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for connections, load, r, stored, explained, episodes, share in rows:
        per_report = 1000 * share.server_seconds / max(stored, 1)
        database = 1000 * share.database_seconds / max(stored, 1)
        lines.append(f"| {connections} | {load} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} "
                     f"| {r['ok']} | {r['other']} | {stored} | {explained} | {episodes} | {max(0, r['ok'] - stored)} "
                     f"| {per_report:.2f} | {database:.2f} "
                     f"| {share.share['server']} / {share.share['generator']} / {share.share['others']} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        with (HERE / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(text)


def profile(args):
    """The submit path in this process, under pyinstrument: where a report's CPU goes."""
    code = Path(args.code).resolve()
    env = fresh_database(code)
    os.environ.update(env)
    sys.path.insert(0, str(code))
    os.chdir(code)
    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_X_FORWARDED_FOR="10.0.0.1", HTTP_HOST="127.0.0.1")
    page = client.get(f"/{TERRITORY}/signaler/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    points = [tuple(float(v) for v in line.strip(", ").split(",")) for line in sites().replace("{", "").split("}") if line.strip(", ")]
    import random

    def post(i):
        # Each report from its own address and device, as wrk sends them: episodes open, then
        # the crowd joins them (one device for all would keep every report on the long way).
        client.cookies["riverains_appareil"] = f"profile-device-{i}"
        lat, lon = random.choice(points)
        kind = random.choice(["odour", "odour", "smoke_steam", "flame", "noise"])
        response = client.post(f"/{TERRITORY}/signaler/", {
            "csrfmiddlewaretoken": token, "kind": kind, "intensity": 3, "when": "now",
            "latitude": f"{lat + (random.random() - 0.5) * 0.1:.5f}", "longitude": f"{lon + (random.random() - 0.5) * 0.14:.5f}",
            "descriptors": ["sulphur"] if kind == "odour" else [],
        }, HTTP_X_FORWARDED_FOR=f"10.1.{i // 250}.{i % 250 + 1}")
        assert response.status_code == 302, response.status_code

    for i in range(20):
        post(i)
    started = time.process_time()
    with Profiler(interval=0.0005) as profiler:
        for i in range(args.profile):
            post(1000 + i)
    cpu = time.process_time() - started
    print(f"{args.profile} reports, {1000 * cpu / args.profile:.2f} ms of CPU each in this process (profiled)")
    profiler.print(show_all=args.show_all, short_mode=False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statements = []
    for i in range(20):  # the SQL of a few reports, explained or not: how many round trips each
        with CaptureQueriesContext(connection) as captured:
            post(5000 + i)
        statements.append(len(captured.captured_queries))
    print(f"SQL statements per report (20 reports): {statements}")
    for query in captured.captured_queries:
        print("   ", query["sql"][:160])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", default=str(HERE.parent))
    parser.add_argument("--connections", type=lambda s: [int(v) for v in s.split(",")], default=[8, 16, 32])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--label", default="")
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-all", action="store_true", help="with --profile: every frame, Django's too")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--database", default="", help=f"PostgreSQL database of the run (default {DATABASE})")
    args = parser.parse_args()
    configure(args)
    if args.profile:
        profile(args)
        return
    rows, cache_control = measure(args)
    write(args, rows, cache_control)


if __name__ == "__main__":
    main()
