"""Moves the page-view counters from the cache into the database. Run it every minute (cron, a
systemd timer, or `--every 60` as a long-running service); the scheduler also runs it."""
from django.core.management.base import BaseCommand

from riverains import stopping
from stats import counting


class Command(BaseCommand):
    help = "Enregistre en base les consultations comptées dans le cache (à lancer chaque minute)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="secondes entre deux passages (0 : un seul passage)")

    def handle(self, *args, every, **options):
        if counting._cache_is_per_process():
            self.stderr.write(
                "Le cache est propre à chaque processus (pas de REDIS_URL) : seuls les processus web "
                "peuvent enregistrer leurs compteurs, ce qu'ils font d'eux-mêmes chaque minute."
            )
        if not every:
            self.flush()
            return
        # Long-running: SIGTERM and Ctrl-C stop it. A single pass installs nothing, so that the
        # scheduler that calls it every minute keeps its own stop (riverains.stopping).
        stopping.install()
        while not stopping.requested():
            self.flush()
            stopping.sleep(every)

    def flush(self):
        moved = counting.flush()
        self.stdout.write(f"{moved} consultation(s) enregistrée(s)")
