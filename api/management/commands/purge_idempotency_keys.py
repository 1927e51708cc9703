from django.core.management.base import BaseCommand

from api import idempotency


class Command(BaseCommand):
    help = "Delete the API's Idempotency-Key records older than 24 hours (run hourly by the scheduler)."

    def handle(self, *args, **options):
        count = idempotency.purge()
        self.stdout.write(f"{count} idempotency key(s) deleted.")
