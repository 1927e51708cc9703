from django.core.management.base import BaseCommand

from reports.services import anonymise_old_reports


class Command(BaseCommand):
    help = ("Erase comment, e-mail, network and device pseudonyms and exact position of reports older than "
            "REPORTS_ANONYMISE_AFTER_DAYS (run by the scheduler).")

    def handle(self, *args, **options):
        self.stdout.write(f"{anonymise_old_reports()} report(s) anonymised")
