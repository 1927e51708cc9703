"""Moves the page-view counters from the cache into the database. Run it every minute (cron, a
systemd timer, or `--every 60` as a long-running service)."""
import signal
import time

from django.core.management.base import BaseCommand

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
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        while self.running:
            moved = counting.flush()
            self.stdout.write(f"{moved} consultation(s) enregistrée(s)")
            if not every:
                break
            time.sleep(every)

    def _stop(self, *args):
        self.running = False
