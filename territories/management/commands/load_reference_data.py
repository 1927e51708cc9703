from django.core.management.base import BaseCommand
from django.db import transaction

from territories import reference
from territories.models import Commune, Epci


class Command(BaseCommand):
    help = "Load (or update) the shipped French communes and EPCIs into the database."

    def add_arguments(self, parser):
        parser.add_argument("--departments", default="", help="only these departments, comma-separated (e.g. 76,13)")

    @transaction.atomic
    def handle(self, departments, **options):
        wanted = {d.strip() for d in departments.split(",") if d.strip()}
        communes = [r for r in reference.read(reference.COMMUNES_FILE) if not wanted or r["department"] in wanted]
        needed = {r["epci"] for r in communes if r["epci"]}
        epcis = [Epci(**r) for r in reference.read(reference.EPCI_FILE) if r["code"] in needed]
        Epci.objects.bulk_create(epcis, update_conflicts=True, unique_fields=["code"], update_fields=["name", "kind"])
        rows = [
            Commune(
                code=r["code"], name=r["name"], postcodes=r["postcodes"], department=r["department"],
                epci_id=r["epci"] or None, population=int(r["population"] or 0),
            )
            for r in communes
        ]
        Commune.objects.bulk_create(
            rows, batch_size=2000, update_conflicts=True, unique_fields=["code"],
            update_fields=["name", "postcodes", "department", "epci", "population"],
        )
        self.stdout.write(f"{len(rows)} communes, {len(epcis)} EPCI loaded")
