"""Puts back in the queue the tasks left RUNNING by a dead worker (riverains.taskworker); the
scheduler runs it every minute, as every worker does on its own."""
from django.core.management.base import BaseCommand

from riverains.taskworker import requeue_lost_tasks


class Command(BaseCommand):
    help = "Remet en file les tâches restées « en cours » après l'arrêt brutal de leur worker."

    def handle(self, *args, **options):
        count = requeue_lost_tasks()
        if count:
            self.stdout.write(f"{count} tâche(s) remise(s) en file")
