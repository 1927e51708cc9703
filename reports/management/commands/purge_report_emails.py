from django.core.management.base import BaseCommand

from reports.services import purge_emails


class Command(BaseCommand):
    help = "Erase residents' e-mail addresses kept longer than REPORTS_EMAIL_RETENTION_DAYS (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_emails()} address(es) erased")
