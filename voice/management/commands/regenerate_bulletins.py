from django.core.management.base import BaseCommand

from riverains import stopping
from territories.models import Territory
from voice.services import regenerate_bulletin


class Command(BaseCommand):
    help = (
        "Regenerate the spoken bulletin of every territory (or of those given). Run it after "
        "installing, and every few minutes from cron so that relative times (« ce soir », « demain "
        "matin ») stay right: a bulletin whose wording has not changed is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="territory identifiers (all by default)")
        parser.add_argument("--force", action="store_true", help="speak again even if the wording is unchanged")

    def handle(self, *args, slugs=(), force=False, **options):
        territories = Territory.objects.all()
        if slugs:
            territories = territories.filter(slug__in=slugs)
            missing = set(slugs) - set(territories.values_list("slug", flat=True))
            if missing:
                self.stderr.write(f"Unknown territories: {', '.join(sorted(missing))}")
        for territory in territories:
            if stopping.requested():  # the scheduler running it was told to stop: the rest next time
                break
            bulletin = regenerate_bulletin(territory, force=force)
            self.stdout.write(
                f"{territory.slug}: {bulletin.duration:.0f} s of speech, generated at "
                f"{bulletin.generated_at:%Y-%m-%d %H:%M:%S} ({bulletin.engine})"
            )
