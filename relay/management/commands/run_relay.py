"""The relay worker: sends due deliveries in a loop. Run one or more (on PostgreSQL several
workers share the rows with SKIP LOCKED). SIGTERM/SIGINT finish the message being sent, record
what the batch has sent, hand the rest back to the other workers and stop (exit status 0), even
in the middle of a batch of slow sends; a worker killed harder leaves its batch to be
taken back once its lease expires (RELAY_SENDING_TIMEOUT, 30 s). When the database goes away
(a PostgreSQL restart), the worker waits and reconnects instead of exiting."""
import logging

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from relay.sender import send_pending
from riverains import reconnect, stopping

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the relay's pending deliveries (e-mail, SMS, push, webhooks) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds to sleep when nothing is due")
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--once", action="store_true", help="send what is due, then exit")

    def handle(self, *args, interval, batch_size, once, **options):
        stopping.install()
        logger.info("run_relay: started, sending the outbox (SIGTERM or Ctrl-C to stop)")
        backoff = reconnect.Backoff("run_relay")
        while not stopping.requested():
            close_old_connections()
            try:
                handled = self.send(batch_size)
            except reconnect.DATABASE_DOWN as error:
                if backoff.wait(error):
                    continue
                break
            backoff.succeeded()
            if once:
                break
            if not handled:
                stopping.sleep(interval)

    def send(self, batch_size):
        stats = send_pending(batch_size=batch_size, stop=stopping.requested)
        if stats.handled or stats.released:
            self.stdout.write(
                f"sent {stats.sent}, retried {stats.retried}, failed {stats.failed}, deferred {stats.deferred}"
                f", released {stats.released}"
            )
        return stats.handled
