"""Fan-out benchmark of the relay (see bench/RELAY.md).

On a throw-away SQLite database (or PostgreSQL with --database-url): the test world, N confirmed
e-mail subscriptions of one commune, one notice published; measures the time to queue the
outbox (the publish transaction), then the time for one worker (relay.sender.send_pending) to
deliver everything to an aiosmtpd sink on loopback, deliveries per second and the worker's
peak memory. Appends the figures to bench/RELAY.md.

    .venv/bin/python bench/relay_fanout.py --subscriptions 10000"""
import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10_000)
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
    from django.utils import timezone

    from relay.models import Delivery, Subscription
    from relay.sender import send_pending
    from relay.tests.smtpd import import_controller
    from riverains.testing import build_world

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    import logging
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from relay.tests.conftest import free_port

    port = free_port()
    controller = import_controller()(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_PORT = port

    call_command("migrate", verbosity=0)
    world = build_world()
    commune = world.site_a.neighbouring_communes.first()
    now = timezone.now()
    subs = Subscription.objects.bulk_create(
        (Subscription(territory=world.x, channel="email", address=f"r{i}@example.test", manage_nonce="n", confirmed_at=now)
         for i in range(args.subscriptions)), batch_size=5000,
    )
    through = Subscription.communes.through
    through.objects.bulk_create((through(subscription_id=s.pk, commune_id=commune.pk) for s in subs), batch_size=5000)

    started = time.perf_counter()
    world.publish()
    queue_seconds = time.perf_counter() - started
    queued = Delivery.objects.count()

    started = time.perf_counter()
    stats = send_pending(batch_size=args.batch_size)
    deliver_seconds = time.perf_counter() - started
    controller.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    vendor = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    line = (
        f"| {datetime.now():%Y-%m-%d %H:%M} | {vendor} | {args.subscriptions} | {queued} | {queue_seconds:.2f} s "
        f"| {deliver_seconds:.1f} s | {stats.sent / deliver_seconds:.0f} /s | {Sink.count} | {peak_mb:.0f} MB |"
    )
    print(line)
    report = ROOT / "bench" / "RELAY.md"
    with report.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
