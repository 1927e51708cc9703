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
    .venv/bin/python bench/relay_fanout.py --channel push --subscriptions 100000"""
import argparse
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_sink(kind, tmp):
    from relay.tests.conftest import free_port

    port = free_port()
    count_file = Path(tmp) / f"{kind}.count"
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "relay_sink.py"), kind, str(port), str(count_file)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process, port, count_file


def stop_sink(process, count_file):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return int(count_file.read_text())


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
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    args = parser.parse_args()

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

    sink, port, count_file = start_sink("smtp" if args.channel == "email" else "http", tmp)
    settings.EMAIL_PORT = port
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

    started, cpu_started = time.perf_counter(), cpu_seconds()
    stats = send_pending(batch_size=args.batch_size)
    deliver_seconds = time.perf_counter() - started
    # The worker's own CPU time: what a delivery costs, whatever else the machine is running.
    deliver_cpu = cpu_seconds() - cpu_started
    received = stop_sink(sink, count_file)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    line = (
        f"| {datetime.now():%Y-%m-%d %H:%M} | {vendor} | {args.channel} | {args.subscriptions} | {queued} "
        f"| {queue_seconds:.2f} s | {deliver_seconds:.1f} s | {stats.sent / deliver_seconds:.0f} /s | {received} "
        f"| {peak_mb:.0f} MB | {deliver_cpu:.1f} s | {1000 * deliver_cpu / max(stats.sent, 1):.2f} ms |"
    )
    print(line)
    report = ROOT / "bench" / "RELAY.md"
    with report.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
