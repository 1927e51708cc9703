"""The clock: every few seconds, start the scheduled notices whose time has come.

One process per deployment is enough (several are harmless: start_due locks each row)."""
import signal
import time

from django.core.management.base import BaseCommand

from notices import services


class Command(BaseCommand):
    help = "Démarre les opérations programmées à leur heure (boucle ; Ctrl-C pour arrêter)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15.0, help="secondes entre deux passages")
        parser.add_argument("--once", action="store_true", help="un seul passage puis sortie")

    def handle(self, *args, interval, once, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        while self.running:
            for notice in services.start_due():
                self.stdout.write(f"started notice {notice.pk}: {notice.title}")
            if once:
                break
            time.sleep(interval)

    def _stop(self, *args):
        self.running = False
