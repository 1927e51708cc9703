"""Workers under the faults of issue 12 (items 1 and 7), measured against real processes; the
figures are in bench/LEASES.md.

    .venv/bin/python bench/leases.py duplicates --subscribers 10000 --delay 0.1
    .venv/bin/python bench/leases.py killed --subscribers 3000 --delay 0.1
    .venv/bin/python bench/leases.py regenerations --publishes 200

- duplicates: N subscribers, an SMTP server answering each message after --delay seconds, two
  `run_relay` and one `db_worker` (default settings), one notice: how long until everyone has
  it, and how many got it more than once.
- killed: the same with two `run_relay`, one killed (SIGKILL) a third of the way: seconds from
  the kill until its batch goes back to pending, and until that batch is sent.
- regenerations: `db_worker` and `run_relay` running, --publishes notices published in a row,
  then one e-mail subscription: seconds until its confirmation arrives, and how many bulletin
  regenerations were queued and run.

Each run uses a fresh PostgreSQL database (--database-url, dropped and created again) and the
code of --code (a checkout: run it once on the code before the fix, once after). The SMTP server
(aiosmtpd) runs in this process; the workers are processes of their own, as in production."""
import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingSink:
    """aiosmtpd handler: counts each recipient's messages and notes when each first arrived."""

    def __init__(self, delay):
        self.delay, self.received, self.first_seen = delay, Counter(), {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt] += 1
                self.first_seen.setdefault(rcpt, time.monotonic())
        return "250 OK"

    def total(self):
        with self.lock:
            return sum(self.received.values())


def start_sink(delay):
    from relay.tests.smtpd import import_controller

    controller_class = import_controller()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = CountingSink(delay)
    controller = controller_class(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller


def fresh_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def environment(args, smtp_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RELAY_", "TASKS_"))}
    env.update(RIVERAINS_DEV="1", DJANGO_SETTINGS_MODULE="riverains.settings", DATABASE_URL=args.database_url,
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
               EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), EMAIL_USE_TLS="0", LOG_LEVEL="WARNING",
               MEDIA_ROOT=str(Path(args.code) / "media-bench"), REDIS_URL="")
    return env


def manage(args, env, *command):
    return subprocess.run([sys.executable, "manage.py", *command], cwd=args.code, env=env, check=True,
                          capture_output=True, text=True, timeout=1800).stdout


def build(args, env, subscribers):
    subprocess.run([sys.executable, "-m", "relay.tests.fanout_world", str(subscribers)], cwd=args.code, env=env,
                   check=True, capture_output=True, timeout=1800)


def start(args, env, *command):
    return subprocess.Popen([sys.executable, "manage.py", *command], cwd=args.code, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def workers(args, env, relays, db_worker=True):
    started = [start(args, env, "run_relay", "--interval", "1") for _ in range(relays)]
    if db_worker:
        started.append(start(args, env, "db_worker", "--queue-name", "*", "--no-reload"))
    return started


def stop_all(processes):
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def query(args, sql, *params):
    with psycopg.connect(args.database_url) as connection:
        return connection.execute(sql, params).fetchall()


def statuses(args):
    return dict(query(args, "SELECT status, COUNT(*) FROM relay_delivery GROUP BY status"))


def wait_until(condition, timeout, step=0.5):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def duplicates(args):
    sink, controller = start_sink(args.delay)
    try:
        env = environment(args, controller.port)
        build(args, env, args.subscribers)
        began = time.monotonic()
        running = workers(args, env, relays=2)
        done = wait_until(lambda: statuses(args) == {"sent": args.subscribers}, args.timeout)
        seconds = time.monotonic() - began
        stop_all(running)
    finally:
        controller.stop()
    twice = {r: n for r, n in sink.received.items() if n > 1}
    return {"all sent": done, "seconds": round(seconds, 1), "recipients": len(sink.received),
            "messages": sink.total(), "got it more than once": len(twice),
            "extra copies": sum(n - 1 for n in twice.values()), "rows": statuses(args)}


def killed(args):
    sink, controller = start_sink(args.delay)
    try:
        env = environment(args, controller.port)
        build(args, env, args.subscribers)
        running = workers(args, env, relays=2, db_worker=False)
        wait_until(lambda: sink.total() >= args.subscribers // 3, args.timeout, step=0.05)
        victim = running[0]
        claims_before = claims(args)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_at = time.monotonic()
        result = follow_dead_batch(args, claims_before, killed_at)
        result["all sent"] = wait_until(lambda: statuses(args) == {"sent": args.subscribers}, args.timeout)
        stop_all(running[1:])
    finally:
        controller.stop()
    twice = {r: n for r, n in sink.received.items() if n > 1}
    result.update({"recipients": len(sink.received), "got it more than once": len(twice)})
    return result


def claims(args):
    """Rows in "sending", by claim: the batches in flight."""
    rows = query(args, "SELECT claim_id, id FROM relay_delivery WHERE status = 'sending'")
    batches = {}
    for claim_id, pk in rows:
        batches.setdefault(claim_id, set()).add(pk)
    return batches


def follow_dead_batch(args, in_flight, killed_at):
    """The dead worker's batch is the one whose rows are released (back to pending, claim id
    emptied) rather than recorded; note when that happens and when they are all sent."""
    released_at = sent_at = None
    while time.monotonic() - killed_at < args.timeout and sent_at is None:
        for claim_id, ids in in_flight.items():
            rows = query(args, "SELECT status, claim_id FROM relay_delivery WHERE id = ANY(%s)", list(ids))
            if released_at is None and any(c != claim_id and s != "sent" for s, c in rows):
                released_at, dead = time.monotonic(), claim_id
            if released_at is not None and claim_id == dead and all(s == "sent" for s, _c in rows):
                sent_at = time.monotonic()
        time.sleep(0.2)
    return {"batch size": max(map(len, in_flight.values()), default=0),
            "released after (s)": round(released_at - killed_at, 1) if released_at else None,
            "sent again after (s)": round(sent_at - killed_at, 1) if sent_at else None}


PUBLISH = """
import time
from django.contrib.auth import get_user_model
from notices import services
from relay.services import subscribe
from riverains.testing import World
from territories.models import Site
site = Site.objects.get(slug="raffinerie")
operator = get_user_model().objects.get(username="operator_a")
for i in range({count}):
    services.publish(operator, World.notice_fields(None, site=site, title=f"Torchage n° {{i}}"))
print("subscribed", time.monotonic(), flush=True)
subscribe(site.organization.territory, "email", "nouvelle-riveraine@example.test",
          communes=[site.neighbouring_communes.first()])
"""


def regenerations(args):
    sink, controller = start_sink(0)
    try:
        env = environment(args, controller.port)
        build(args, env, 5)
        running = workers(args, env, relays=1)
        out = manage(args, env, "shell", "-c", PUBLISH.format(count=args.publishes))
        subscribed_at = float(out.split("subscribed", 1)[1].split()[0])
        arrived = wait_until(lambda: "nouvelle-riveraine@example.test" in sink.first_seen, args.timeout, step=0.1)
        waited = sink.first_seen.get("nouvelle-riveraine@example.test", time.monotonic()) - subscribed_at
        ran_before = regeneration_count(args, "SUCCESSFUL")
        wait_until(lambda: not query(args, "SELECT 1 FROM django_tasks_database_dbtaskresult "
                                           "WHERE status IN ('READY', 'RUNNING') LIMIT 1"), args.timeout)
        stop_all(running)
    finally:
        controller.stop()
    return {"confirmation arrived": arrived, "confirmation waited (s)": round(waited, 1),
            "regenerations run before it": ran_before, "regenerations queued": regeneration_count(args),
            "regenerations run in all": regeneration_count(args, "SUCCESSFUL")}


def regeneration_count(args, status=None):
    sql = "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE task_path = 'voice.tasks.regenerate_bulletin'"
    return query(args, sql + (" AND status = %s" if status else ""), *([status] if status else []))[0][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=["duplicates", "killed", "regenerations"])
    parser.add_argument("--code", default=str(ROOT), help="the checkout whose workers run")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/riverains_bench_leases")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds the SMTP server takes per message")
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    fresh_database(args.database_url)
    result = {"duplicates": duplicates, "killed": killed, "regenerations": regenerations}[args.scenario](args)
    print(args.scenario, args.code, result)


if __name__ == "__main__":
    main()
