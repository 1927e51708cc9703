"""The clock of a deployment. Every few seconds it starts the scheduled notices whose time has
come; it also runs the periodic housekeeping commands listed in settings.SCHEDULER_JOBS
(name, every N seconds), so a deployment needs no cron.

One process per deployment is enough (several are harmless: start_due locks each row, and the
housekeeping commands are idempotent). SIGTERM and Ctrl-C stop it after the job in hand (exit
status 0): the jobs it calls share its stop flag (riverains.stopping) instead of installing
handlers of their own. When the database goes away it waits and reconnects."""
import logging
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from notices import services
from riverains import reconnect, stopping

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Démarre les opérations programmées à leur heure et lance les tâches périodiques (Ctrl-C pour arrêter)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10.0, help="secondes entre deux passages")
        parser.add_argument("--once", action="store_true", help="un seul passage (toutes les tâches) puis sortie")

    def handle(self, *args, interval, once, **options):
        stopping.install()
        logger.info("run_scheduler: started (SIGTERM or Ctrl-C to stop)")
        last_run = {}
        backoff = reconnect.Backoff("run_scheduler")
        while not stopping.requested():
            # A single pass (--once: cron, tests) keeps its connection and lets a database error
            # surface: closing it would break a caller's transaction, retrying would never end.
            if not once:
                close_old_connections()
            try:
                self.start_due()
            except reconnect.DATABASE_DOWN as error:
                if once:
                    raise
                if backoff.wait(error):
                    continue
                break
            backoff.succeeded()
            self.run_due_jobs(last_run, time.monotonic())
            if once:
                break
            stopping.sleep(interval)

    def start_due(self):
        for notice in services.start_due():
            self.stdout.write(f"started notice {notice.pk}: {notice.title}")

    def run_due_jobs(self, last_run, now):
        for name, every in settings.SCHEDULER_JOBS:
            if stopping.requested():
                return
            if name in last_run and now - last_run[name] < every:
                continue
            last_run[name] = now
            try:
                call_command(name)
            except Exception:  # one failing job must not stop the clock
                logger.exception("scheduled job %s failed", name)
