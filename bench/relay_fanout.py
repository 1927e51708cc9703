"""Fan-out benchmark of the relay (see bench/RELAY.md).

On a throw-away SQLite database (or PostgreSQL with --database-url): the test world, N confirmed
e-mail subscriptions of one commune, one notice published; measures the time to queue the
outbox (the publish transaction), then the time for one worker (relay.sender.send_pending) to
deliver everything to a loopback sink running in its own process (bench/relay_sink.py: aiosmtpd
for e-mail, aiohttp for web push), deliveries per second, the worker's peak memory (max RSS
of this process, which no longer holds the sink) and its CPU time while delivering (total and
per delivery: unlike wall-clock figures, barely moved by other programs on the machine).
Appends the figures to bench/RELAY.md.

    .venv/bin/python bench/relay_fanout.py --subscriptions 10000
    .venv/bin/python bench/relay_fanout.py --channel push --subscriptions 100000

Issue 14 additions: --smtp HOST:PORT hands the e-mails to a real mail server instead of the
sink (Postfix on loopback, accepting and discarding: see bench/RELAY.md), and --mta-log reads
its log afterwards to count, per recipient, the messages it accepted; --mta-pid adds the mail
server's own CPU (its master process and every child it reaped). --connections sets
RELAY_EMAIL_CONNECTIONS / RELAY_PUSH_CONNECTIONS; --code runs another checkout of the project
(e.g. `git archive` of the previous commit) under the same benchmark, for a before/after in one
run; --sink-port chooses the sink's port.

    .venv/bin/python bench/relay_fanout.py --esp mailgun --batch-size 1000 --subscriptions 100000

--esp mailgun sends through anymail's Mailgun backend to a fake Mailgun API on loopback
(bench/relay_sink.py mailgun: aiohttp, parses each call's form, counts its recipients and checks
each came with its own links), RELAY_ESP_BATCH_SIZE recipients per call (--esp-batch, 1,000);
--esp-latency makes it answer each call that many milliseconds late, as a real provider would."""
import argparse
import atexit
import json
import os
import re
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def start_sink(kind, tmp, port=0, latency_ms=0):
    from relay.tests.conftest import free_port

    port = port or free_port()
    count_file, recipients_file = Path(tmp) / f"{kind}.count", Path(tmp) / f"{kind}.json"
    process = subprocess.Popen([sys.executable, str(HERE / "relay_sink.py"), kind, str(port), str(count_file),
                                str(recipients_file)], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "RELAY_SINK_LATENCY_MS": str(latency_ms)})
    # A run that fails half-way (a database left from an earlier run) must not leave the sink
    # running, holding its port and the caller's output pipe.
    atexit.register(lambda: process.poll() is None and process.kill())
    assert process.stdout.readline().strip() == "ready"
    return process, port, count_file


def stop_sink(process, count_file):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return json.loads(count_file.read_text()), json.loads(count_file.with_suffix(".json").read_text())


def process_cpu(pid, children=True):
    """CPU seconds of a process (user + system), with those of the children it has reaped."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15 if children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def mta_cpu(master_pid):
    """The mail server's CPU: its master (with every child it has reaped) and the live children."""
    total = process_cpu(master_pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()[1] == str(master_pid):
                    total += process_cpu(int(entry.name))
            except (OSError, IndexError):
                pass
    return total


def mta_log_size(path):
    return Path(path).stat().st_size if path else 0


def mta_recipients(path, offset):
    """Recipients of the messages the MTA delivered (its log since `offset`): {address: count}."""
    counted = {}
    with open(path, "rb") as log:
        log.seek(offset)
        for line in log:
            # Delivered (queue, then the discard transport), or discarded at the door (smtpd's DISCARD).
            found = re.search(rb" to=<([^>]+)>.* status=sent|DISCARD action; from=<[^>]*> to=<([^>]+)>", line)
            if found:
                address = (found.group(1) or found.group(2)).decode()
                counted[address] = counted.get(address, 0) + 1
    return counted


def make_subscriptions(world, channel, count, port):
    from relay.models import Subscription

    commune = world.site_a.neighbouring_communes.first()
    now = timezone_now()
    keys = {}
    if channel == "push":
        keys = browser_keys()
    subs = Subscription.objects.bulk_create(
        (Subscription(territory=world.x, channel=channel, manage_nonce="n", confirmed_at=now, push_keys=keys,
                      address=f"r{i}@example.test" if channel == "email" else f"http://127.0.0.1:{port}/push/{i}")
         for i in range(count)), batch_size=5000,
    )
    through = Subscription.communes.through
    through.objects.bulk_create((through(subscription_id=s.pk, commune_id=commune.pk) for s in subs), batch_size=5000)


def cpu_seconds():
    """This process's CPU and that of the worker processes it has waited for."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def send_in_processes(count, batch_size):
    """`count` workers at once, forked from this process, sharing the outbox as run_relay
    workers do (SKIP LOCKED on PostgreSQL)."""
    import multiprocessing
    from types import SimpleNamespace

    from django.db import connections

    from relay.models import Delivery, DeliveryStatus
    from relay.sender import send_pending

    def work():
        send_pending(batch_size=batch_size)
        connections.close_all()

    connections.close_all()  # each process opens its own
    processes = [multiprocessing.get_context("fork").Process(target=work) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return SimpleNamespace(sent=Delivery.objects.filter(status=DeliveryStatus.SENT).count())


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def b64url(data):
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_keys():
    """One browser key pair shared by every push subscription (encryption still runs per message)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}


def vapid_settings(settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = b64url(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--channel", choices=["email", "push"], default="email")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smtp", default="", help="HOST:PORT of a real mail server instead of the sink")
    parser.add_argument("--mta-log", default="", help="the mail server's log, to count recipients")
    parser.add_argument("--mta-pid", type=int, default=0, help="the mail server's master process")
    parser.add_argument("--connections", type=int, default=0)
    parser.add_argument("--code", default=str(ROOT), help="the checkout of the project to measure")
    parser.add_argument("--sink-port", type=int, default=0)
    parser.add_argument("--label", default="")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (forked; PostgreSQL only)")
    parser.add_argument("--esp", choices=["mailgun"], default="", help="e-mail through a provider's batch API (fake)")
    parser.add_argument("--esp-batch", type=int, default=1000, help="recipients per API call (RELAY_ESP_BATCH_SIZE)")
    parser.add_argument("--esp-latency", type=int, default=0, help="ms the fake API waits before each answer")
    args = parser.parse_args()
    sys.path.insert(0, args.code)
    os.chdir(args.code)

    tmp = tempfile.mkdtemp(prefix="relay-bench-")
    os.environ["RIVERAINS_DEV"] = "1"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from relay.models import Delivery
    from relay.sender import send_pending
    from riverains.testing import build_world

    sink = None
    if args.smtp:
        settings.EMAIL_HOST, port = args.smtp.rsplit(":", 1)
        settings.EMAIL_PORT = int(port)
    elif args.esp:
        sink, port, count_file = start_sink("mailgun", tmp, args.sink_port, args.esp_latency)
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {"MAILGUN_API_KEY": "bench", "MAILGUN_API_URL": f"http://127.0.0.1:{port}/v3"}
        settings.RELAY_ESP_BATCH_SIZE = args.esp_batch
    else:
        sink, port, count_file = start_sink("smtp" if args.channel == "email" else "http", tmp, args.sink_port)
        settings.EMAIL_PORT = port
    if args.connections:
        settings.RELAY_EMAIL_CONNECTIONS = settings.RELAY_PUSH_CONNECTIONS = args.connections
    settings.RELAY_ALLOW_PRIVATE_WEBHOOKS = True
    if args.channel == "push":
        vapid_settings(settings)

    call_command("migrate", verbosity=0)
    world = build_world()
    make_subscriptions(world, args.channel, args.subscriptions, port)

    started = time.perf_counter()
    world.publish()
    queue_seconds = time.perf_counter() - started
    queued = Delivery.objects.count()

    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    log_offset = mta_log_size(args.mta_log)
    server_started = mta_cpu(args.mta_pid) if args.mta_pid else process_cpu(sink.pid) if sink else 0.0
    started, cpu_started = time.perf_counter(), cpu_seconds()
    if args.workers > 1:
        stats = send_in_processes(args.workers, args.batch_size)
    else:
        stats = send_pending(batch_size=args.batch_size)
    deliver_seconds = time.perf_counter() - started
    if Delivery.objects.exclude(status="sent").exists():  # say why, rather than only count
        print("not sent:", list(Delivery.objects.exclude(status="sent").values_list("status", "last_error")
                               .distinct()[:5]), file=sys.stderr)
    # The worker's own CPU time: what a delivery costs, whatever else the machine is running.
    deliver_cpu = cpu_seconds() - cpu_started
    server_cpu = (mta_cpu(args.mta_pid) if args.mta_pid else process_cpu(sink.pid) if sink else 0.0) - server_started
    calls = ""
    if sink is not None:
        received, recipients = stop_sink(sink, count_file)
        if args.esp:  # the fake API's count: calls, links received, links given to two recipients
            calls = f" — {received['calls']} API calls, {received['links']} links, {received['shared_links']} shared"
            calls += f", {received['without_links']} without links"
            received = sum(recipients.values())
    else:
        deadline = time.monotonic() + 120  # the MTA delivers (discards) what it accepted, then logs it
        recipients = {}
        while time.monotonic() < deadline:
            recipients = mta_recipients(args.mta_log, log_offset)
            if sum(recipients.values()) >= stats.sent:
                break
            time.sleep(1)
        received = sum(recipients.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    expected = {f"r{i}@example.test" if args.channel == "email" else f"/push/{i}" for i in range(args.subscriptions)}
    twice = sum(1 for v in recipients.values() if v > 1)
    missing = len(expected - set(recipients))
    exactly_once = "yes" if not twice and not missing and len(recipients) == len(expected) else "NO"

    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    receiver = f"Postfix {args.smtp}" if args.smtp else ("aiosmtpd sink" if args.channel == "email" else "aiohttp sink")
    if args.esp:
        latency = f", answering in {args.esp_latency} ms" if args.esp_latency else ""
        receiver = f"fake Mailgun API (aiohttp){latency}, {args.esp_batch} per call{calls}"
    label = f" ({args.label})" if args.label else ""
    line = (
        f"| {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC | {load} | {vendor} | {args.channel}{label} | {receiver} "
        f"| {args.connections or 'default'}{f' × {args.workers} workers' if args.workers > 1 else ''} "
        f"| {args.subscriptions} | {queued} "
        f"| {queue_seconds:.2f} s | {deliver_seconds:.1f} s | {stats.sent / deliver_seconds:.0f} /s | {received} "
        f"| {twice} / {missing} | {exactly_once} "
        f"| {peak_mb:.0f} MB | {deliver_cpu:.1f} s | {1000 * deliver_cpu / max(stats.sent, 1):.3f} ms "
        f"| {1000 * server_cpu / max(stats.sent, 1):.3f} ms |"
    )
    print(line)
    report = HERE / "RELAY.md"
    with report.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
