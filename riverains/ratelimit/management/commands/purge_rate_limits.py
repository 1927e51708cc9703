from django.core.management.base import BaseCommand

from riverains import ratelimit


class Command(BaseCommand):
    help = "Delete rate-limit counters whose window has ended (run hourly by the scheduler)."

    def handle(self, *args, **options):
        count = ratelimit.purge()
        self.stdout.write(f"{count} rate-limit counter(s) deleted.")
