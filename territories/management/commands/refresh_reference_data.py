from django.core.management.base import BaseCommand, CommandError

from territories import reference


class Command(BaseCommand):
    help = (
        "Rebuild the shipped communes/EPCI files from Etalab's decoupage-administratif "
        "(communes.json and epci.json of the npm package @etalab/decoupage-administratif)."
    )

    def add_arguments(self, parser):
        parser.add_argument("source_dir", help="folder holding communes.json and epci.json")

    def handle(self, source_dir, **options):
        from pathlib import Path

        source = Path(source_dir)
        if not (source / "communes.json").exists() or not (source / "epci.json").exists():
            raise CommandError(f"{source} must contain communes.json and epci.json")
        communes, epcis = reference.build(source / "communes.json", source / "epci.json")
        reference.write(reference.COMMUNES_FILE, reference.COMMUNE_COLUMNS, communes)
        reference.write(reference.EPCI_FILE, reference.EPCI_COLUMNS, epcis)
        self.stdout.write(f"{len(communes)} communes, {len(epcis)} EPCI written to {reference.DATA_DIR}")
