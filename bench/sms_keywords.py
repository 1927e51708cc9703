"""SMS keywords: how long the answers are (GSM-7 septets, SMS) and how long a resident waits for
one, through real Kannel, as production runs it.

A fresh PostgreSQL database (h_sms_bench) with the reference communes and the demo, gunicorn
started as deploy/systemd/riverains-web.service starts it, `manage.py run_relay` (the one sending
path), and Kannel (bearerbox, smsbox, a fake SMSC a phone sends on and one it receives on:
textline/tests/kannel_line.py). For each typical SMS a different phone sends it; the time runs
from the moment the phone's SMSC client starts to the moment the last part of the answer reaches
the receiving SMSC: Kannel → sms-service → Riverains (gunicorn) → outbox → run_relay → sendsms →
Kannel → phone. run_relay polls the outbox every --interval seconds when idle (1 s by default,
as deployed): the measure is made with that and with 0.1 s.

    .venv/bin/python bench/sms_keywords.py [--rounds 5]

Ports: RIVERAINS_PORTS or RIVERAINS_TEST_PORTS (default 8400-8449). Prints Markdown for bench/SMS_KEYWORDS.md."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import read_path as rp

ROOT = rp.ROOT
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RIVERAINS_TEST_PORTS", os.environ.get("RIVERAINS_PORTS", "8400-8449"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings_test")  # for the Kannel helper's imports

# (label, SMS) — what residents around the demo's plants would send.
TYPICAL = [
    ("INFO, postcode of one commune", "INFO 76600"),
    ("INFO, name with accents", "info gonfreville-l'orcher"),
    ("INFO, postcode shared by communes", "INFO 76700"),
    ("INFO, misspelt name", "INFO HARFLOR"),
    ("ODEUR, a named commune", "ODEUR 76700 HARFLEUR"),
    ("FUMEE, another commune", "Fumée 76600"),
    ("BRUIT", "BRUIT GONFREVILLE"),
    ("ABO, a new subscription", "ABO 76600"),
    ("AIDE", "AIDE"),
    ("STOP", "STOP"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5, help="times each typical SMS is sent per interval")
    args = parser.parse_args()
    load_before = rp_load()
    import django

    django.setup()
    from relay import gsm
    from textline.tests.kannel_line import INBOUND_TOKEN, ports, start_line

    workdir = Path(tempfile.mkdtemp(prefix="riverains-sms-"))
    database = rp.Database("postgres", workdir, name="h_sms_bench")
    url = database.__enter__()
    processes = []
    line = None
    try:
        env = rp.production_env(url, workdir / "static")
        env.update(RELAY_INBOUND_SMS_TOKEN=INBOUND_TOKEN, MEDIA_ROOT=str(workdir / "media"))
        rp.prepare(env)
        port = ports(["web"])["web"]
        base = f"http://127.0.0.1:{port}"
        line = start_line(workdir, f"{base}/relais/sms/entrant", avoid={port})
        env.update(KANNEL_URL=line.sendsms_url, KANNEL_USER="relay", KANNEL_PASSWORD="s3cret", SITE_URL=base)
        web = rp.start_gunicorn(env, port, workdir / "gunicorn.log")
        processes.append(web)
        rp.wait_ready(base, web)
        results = {}
        for interval in (1.0, 0.1):
            relay = subprocess.Popen([rp.PYTHON, "manage.py", "run_relay", "--interval", str(interval)], cwd=ROOT,
                                     env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                     stderr=open(workdir / f"relay-{interval}.log", "wb"))
            try:
                time.sleep(3)  # the worker's start-up
                results[interval] = measure(line, args.rounds)
            finally:
                rp.stop(relay)
        report(results, gsm, load_before)
    finally:
        if line is not None:
            line.stop()
        for process in processes:
            rp.stop(process)
        database.__exit__(None, None, None)
        if not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(workdir, ignore_errors=True)


def measure(line, rounds):
    """[(label, sms, seconds, answer)] for every typical SMS, `rounds` times, each from its own phone."""
    rows = []
    for r in range(rounds):
        for i, (label, text) in enumerate(TYPICAL):
            phone = f"+336{len(rows) + 1:08d}"
            if text == "STOP":  # STOP from a subscriber: the ABO phone of this round
                phone = next(row[4] for row in reversed(rows) if row[1].startswith("ABO"))
            before = len(line.answers())
            started = time.monotonic()
            line.send(phone, text)
            deadline = started + 30
            while len(line.answers()) <= before and time.monotonic() < deadline:
                time.sleep(0.005)
            elapsed = time.monotonic() - started
            answers = line.answers()
            answer = answers[before][1] if len(answers) > before else ""
            rows.append((label, text, elapsed, answer, phone))
    return rows


def rp_load():
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def report(results, gsm, load_before):
    info = rp.machine()
    print("## Machine\n")
    for key, value in info.items():
        print(f"- {key}: {value}")
    print(f"- Load average (1 / 5 / 15 min): {load_before} before, {rp_load()} after\n")
    print("## Answers: length\n")
    print("| SMS sent | answer (GSM-7 septets) | SMS | answer |")
    print("|---|---:|---:|---|")
    first = results[1.0]
    seen = set()
    for label, text, _elapsed, answer, _phone in first:
        if text in seen:
            continue
        seen.add(text)
        shown = answer.replace("|", "\\|")
        print(f"| `{text}` ({label}) | {gsm.length(answer)} | {gsm.segments(answer)} | {shown} |")
    print("\n## Time from the inbound SMS to the answer on the phone\n")
    print("| run_relay --interval | SMS | median | p90 | max |")
    print("|---:|---:|---:|---:|---:|")
    for interval, rows in results.items():
        times = sorted(r[2] for r in rows if r[3])
        missing = sum(1 for r in rows if not r[3])
        p90 = times[max(0, int(len(times) * 0.9) - 1)]
        print(f"| {interval} s | {len(times)}{f' ({missing} unanswered)' if missing else ''} | "
              f"{statistics.median(times):.2f} s | {p90:.2f} s | {max(times):.2f} s |")
    print("\nPer keyword (median, run_relay --interval 0.1 s):\n")
    print("| SMS | median |")
    print("|---|---:|")
    for label, text in TYPICAL:
        times = [r[2] for r in results[0.1] if r[1] == text and r[3]]
        if times:
            print(f"| `{text}` | {statistics.median(times):.2f} s |")


if __name__ == "__main__":
    main()
