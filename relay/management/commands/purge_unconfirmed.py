from django.core.management.base import BaseCommand

from relay import conf
from relay.services import purge_unconfirmed


class Command(BaseCommand):
    help = "Delete subscriptions never confirmed within RELAY_UNCONFIRMED_DAYS days (run daily)."

    def handle(self, *args, **options):
        deleted = purge_unconfirmed()
        self.stdout.write(f"{deleted} unconfirmed subscription(s) older than {conf.unconfirmed_days()} days deleted")
