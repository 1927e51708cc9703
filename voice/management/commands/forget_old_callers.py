from django.core.management.base import BaseCommand

from voice.phone import forget_old_callers


class Command(BaseCommand):
    help = ("Erase the caller's hash of calls older than VOICE_CALLER_HASH_RETENTION_DAYS (by default the reports' "
            "REPORTS_ANONYMISE_AFTER_DAYS) (run by the scheduler).")

    def handle(self, *args, **options):
        self.stdout.write(f"{forget_old_callers()} call(s) forgot their caller")
