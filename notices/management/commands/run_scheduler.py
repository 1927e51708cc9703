"""The clock of a deployment. Every few seconds it starts the scheduled notices whose time has
come; it also runs the periodic housekeeping commands listed in settings.SCHEDULER_JOBS
(name, every N seconds), so a deployment needs no cron.

One process per deployment is enough (several are harmless: start_due locks each row, and the
housekeeping commands are idempotent)."""
import logging
import signal
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from notices import services

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Démarre les opérations programmées à leur heure et lance les tâches périodiques (Ctrl-C pour arrêter)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0, help="secondes entre deux passages")
        parser.add_argument("--once", action="store_true", help="un seul passage (toutes les tâches) puis sortie")

    def handle(self, *args, interval, once, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        last_run = {}
        while self.running:
            for notice in services.start_due():
                self.stdout.write(f"started notice {notice.pk}: {notice.title}")
            self.run_due_jobs(last_run, time.monotonic())
            if once:
                break
            time.sleep(interval)

    def run_due_jobs(self, last_run, now):
        for name, every in getattr(settings, "SCHEDULER_JOBS", []):
            if name in last_run and now - last_run[name] < every:
                continue
            last_run[name] = now
            try:
                call_command(name)
            except Exception:  # one failing job must not stop the clock
                logger.exception("scheduled job %s failed", name)

    def _stop(self, *args):
        self.running = False
