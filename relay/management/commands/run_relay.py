"""The relay worker: sends due deliveries in a loop. Run one or more (on PostgreSQL several
workers share the rows with SKIP LOCKED). SIGTERM/SIGINT finish the message being sent and
stop; a worker killed harder leaves its batch to be taken back after RELAY_SENDING_TIMEOUT."""
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from relay.sender import send_pending
from relay.services import purge_unconfirmed

PURGE_EVERY = 3600


class Command(BaseCommand):
    help = "Send the relay's pending deliveries (e-mail, SMS, push, webhooks) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to sleep when nothing is due")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")

    def handle(self, *args, interval, batch_size, once, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        last_purge = 0.0
        while not self.stopping:
            close_old_connections()
            stats = send_pending(batch_size=batch_size, stop=lambda: self.stopping)
            if stats.handled or stats.released:
                self.stdout.write(
                    f"sent {stats.sent}, retried {stats.retried}, failed {stats.failed}, deferred {stats.deferred}"
                    f", released {stats.released}"
                )
            if time.monotonic() - last_purge > PURGE_EVERY:
                purge_unconfirmed()
                last_purge = time.monotonic()
            if once:
                break
            if not stats.handled:
                self._sleep(interval)

    def _stop(self, signum, frame):
        self.stopping = True

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, seconds))
