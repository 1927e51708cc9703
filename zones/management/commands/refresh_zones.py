"""Hourly (settings.SCHEDULER_JOBS): fresh wind forecasts and the zones of current notices."""
from django.core.management.base import BaseCommand

from zones import services


class Command(BaseCommand):
    help = "Refresh the wind forecasts and the perception zones of current notices."

    def handle(self, **options):
        notices, changed = services.refresh_all()
        self.stdout.write(f"{notices} current notices, {changed} zones redrawn.")
