"""Fan-out scaling on PostgreSQL: one notice delivered to N e-mail subscriptions by 1, 2 and 4
`manage.py run_relay` worker processes sharing the outbox (SELECT … FOR UPDATE SKIP LOCKED), to
the loopback SMTP sink of bench/relay_sink.py in its own process. For each worker count:
deliveries per second, how the work was shared, and the proof that every subscriber received
the notice exactly once (messages counted per recipient by the sink; outbox rows all sent at
the first attempt). See bench/README.md, "Fan-out scaling".

    .venv/bin/python bench/fanout_scaling.py                      # N=5000, about 3 minutes
    .venv/bin/python bench/fanout_scaling.py --subscriptions 1000 --workers 1,2 --no-write

Database riverains_fanout on 127.0.0.1:5432, dropped afterwards; every process started here is
stopped before the script ends."""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import read_path as rp
import stack as st
from surge import write

ROOT = rp.ROOT
sys.path.insert(0, str(ROOT))
DATABASE = "riverains_fanout"


def settings_env(database_url):
    """The environment of this process and of the workers: RIVERAINS_DEV only spares the
    production checks (secret key, HTTPS) that have nothing to do with sending e-mail."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(RIVERAINS_DEV="1", DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="riverains.settings",
               DATABASE_URL=database_url, EMAIL_HOST="127.0.0.1", LOG_LEVEL="WARNING",
               EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    return env


def start_sink(workdir, run):
    port = rp.free_port()
    count_file, recipients_file = workdir / f"sink-{run}.count", workdir / f"sink-{run}.json"
    process = subprocess.Popen([rp.PYTHON, str(ROOT / "bench" / "relay_sink.py"), "smtp", str(port), str(count_file),
                                str(recipients_file)], stdout=subprocess.PIPE, text=True, start_new_session=True)
    if process.stdout.readline().strip() != "ready":
        raise RuntimeError("the SMTP sink did not start")
    return process, port, count_file, recipients_file


def stop_sink(process, count_file, recipients_file):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return int(count_file.read_text()), json.loads(recipients_file.read_text())


def start_workers(count, env, port, workdir, run, batch_size):
    workers = []
    for number in range(count):
        log = open(workdir / f"worker-{run}-{number}.log", "w")
        command = [rp.PYTHON, "manage.py", "run_relay", "--interval", "0.2"]
        if batch_size:
            command += ["--batch-size", str(batch_size)]
        process = subprocess.Popen(command, cwd=ROOT, env={**env, "EMAIL_PORT": str(port)}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        workers.append((process, log))
    return workers


def stop_workers(workers):
    """SIGTERM: each worker finishes the message it is sending and exits; returns what each sent."""
    sent = []
    for process, _log in workers:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process, log in workers:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
        sent.append(sum(int(n) for n in re.findall(r"^sent (\d+)", Path(log.name).read_text(), re.M)))
    return sent


def wait_connected(count, timeout=90):
    """Until `count` workers hold a connection to the database (they are polling the outbox)."""
    from django.db import connection

    mine = connection.cursor().connection.info.backend_pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = rp.postgres_all(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'")
        if len([p for p in pids if p != mine]) >= count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{count} workers not connected after {timeout} s")


def cpu_sample(workers, sink):
    """CPU ticks so far: (machine busy, machine total, workers, sink, PostgreSQL backends)."""
    busy, total = rp.machine_ticks()
    backends = rp.backend_ticks(rp.postgres_all(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'"))
    return (busy, total, sum(rp.server_ticks(p.pid) for p, _log in workers), rp.server_ticks(sink.pid), backends)


def cpu_share(start, end):
    """Share of the machine's CPU (all cores) used by each part between two samples, in %."""
    (busy0, total0, workers0, sink0, back0), (busy1, total1, workers1, sink1, back1) = start, end
    parts = {"workers": workers1 - workers0, "sink": sink1 - sink0,
             "postgres": sum(t - back0.get(pid, 0) for pid, t in back1.items())}
    parts["others"] = max(0, (busy1 - busy0) - sum(parts.values()))
    return {k: round(100 * v / max(1, total1 - total0)) for k, v in parts.items()}


def outbox(revision):
    from django.db.models import Count, Max, Q

    from relay.models import Delivery, DeliveryStatus

    return Delivery.objects.filter(revision=revision).aggregate(
        rows=Count("id"), sent=Count("id", filter=Q(status=DeliveryStatus.SENT)),
        waiting=Count("id", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])),
        failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
        retried=Count("id", filter=Q(attempts__gt=1)), last_sent=Max("sent_at"),
    )


def one_run(world, workers_count, args, env, workdir, expected):
    from django.utils import timezone as tz

    sink, port, count_file, recipients_file = start_sink(workdir, workers_count)
    workers = []
    try:
        workers = start_workers(workers_count, env, port, workdir, workers_count, args.batch_size)
        wait_connected(workers_count)
        before = cpu_sample(workers, sink)
        notice = world.publish(title=f"Torchage — essai de diffusion avec {workers_count} workers")
        published = tz.now()
        revision = notice.revisions.order_by("-number").first()
        deadline = time.monotonic() + args.run_timeout
        while time.monotonic() < deadline:
            state = outbox(revision)
            if state["waiting"] == 0:
                break
            if any(p.poll() is not None for p, _log in workers):
                raise RuntimeError("a worker exited; see its log")
            time.sleep(0.2)
        state = outbox(revision)
        cpu = cpu_share(before, cpu_sample(workers, sink))
    finally:
        shares = stop_workers(workers)
        received, per_recipient = stop_sink(sink, count_file, recipients_file)
    seconds = (state["last_sent"] - published).total_seconds() if state["last_sent"] else float("nan")
    twice = sum(1 for n in per_recipient.values() if n > 1)
    missing = len(expected - set(per_recipient))
    strangers = len(set(per_recipient) - expected)
    row = dict(workers=workers_count, subscriptions=len(expected), rows=state["rows"], sent=state["sent"],
               waiting=state["waiting"], failed=state["failed"], retried=state["retried"], seconds=seconds,
               rate=state["sent"] / seconds if seconds > 0 else 0.0, received=received,
               recipients=len(per_recipient), twice=twice, missing=missing, strangers=strangers, shares=shares,
               cpu=cpu)
    row["exactly_once"] = (received == len(expected) and twice == 0 and missing == 0 and strangers == 0
                           and state["sent"] == len(expected) and state["retried"] == 0 and state["waiting"] == 0)
    print(f"    {workers_count} worker(s): {row['sent']} sent in {seconds:.1f} s = {row['rate']:.0f}/s, shares {shares}, "
          f"sink received {received} for {len(per_recipient)} recipients, twice {twice}, missing {missing}, "
          f"retried {state['retried']}, failed {state['failed']}, CPU {cpu}", flush=True)
    return row


def report(info, load_at_start, rows, args):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    base = rows[0]["rate"] if rows and rows[0]["rate"] else None
    lines = [
        f"## Fan-out scaling — {now}",
        "",
        *(f"- {key}: {value}" for key, value in info.items() if key not in ("nginx", "wrk", "Redis")),
        f"- One notice published to {args.subscriptions:,} confirmed e-mail subscriptions (outbox rows written in the "
        "publish transaction); `manage.py run_relay` workers started and connected beforehand, each claiming "
        f"batches of {args.batch_size or 'RELAY_BATCH_SIZE (200)'} with SKIP LOCKED; SMTP sink "
        "(bench/relay_sink.py, aiosmtpd) in its own process counting messages per recipient",
        "- Time: from the publish's commit to the last delivery's `sent_at`",
        f"- Load average when the run started: {load_at_start}",
        "",
        "| workers | deliveries | time (s) | deliveries/s | × one worker | sent by each worker | received by the sink "
        "| recipients | received twice | missing | retried | failed | exactly once "
        "| CPU % workers / sink / PostgreSQL / others |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        speedup = f"{r['rate'] / base:.2f}" if base else "–"
        lines.append(
            f"| {r['workers']} | {r['sent']:,} / {r['rows']:,} | {r['seconds']:.1f} | {r['rate']:,.0f} | {speedup} "
            f"| {', '.join(f'{n:,}' for n in r['shares'])} | {r['received']:,} | {r['recipients']:,} | {r['twice']} "
            f"| {r['missing']} | {r['retried']} | {r['failed']} | {'yes' if r['exactly_once'] else '**NO**'} "
            f"| {r['cpu']['workers']} / {r['cpu']['sink']} / {r['cpu']['postgres']} / {r['cpu']['others']} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=5000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--batch-size", type=int, default=0, help="0: the relay's RELAY_BATCH_SIZE")
    parser.add_argument("--run-timeout", type=int, default=240, help="seconds at most per worker count")
    parser.add_argument("--wait-quiet", type=int, default=300, help="seconds to wait for load average < 2")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    if not 1 <= args.subscriptions <= 100_000 or not all(1 <= n <= 16 for n in counts):
        parser.error("1–100,000 subscriptions, 1–16 workers")
    st.terminate_on_sigterm()

    load_at_start = st.wait_for_quiet_machine(patience=args.wait_quiet)
    info = st.machine()
    workdir = Path(tempfile.mkdtemp(prefix="riverains-fanout-"))
    rows = []
    try:
        with rp.Database("postgres", workdir, name=DATABASE) as url:
            env = settings_env(url)
            os.environ.update(env)
            os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # only the relay's outbox
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connections

            import relay_fanout
            from riverains.testing import build_world

            call_command("migrate", verbosity=0)
            world = build_world()
            relay_fanout.make_subscriptions(world, "email", args.subscriptions, 0)
            expected = {f"r{i}@example.test" for i in range(args.subscriptions)}
            try:
                for count in counts:
                    rows.append(one_run(world, count, args, env, workdir, expected))
            finally:
                connections.close_all()  # before the database is dropped
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    write(report(info, load_at_start, rows, args), args)
    return 0 if all(r["exactly_once"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
