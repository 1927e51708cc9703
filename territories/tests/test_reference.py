import gzip
import json

import pytest
from django.core.management import call_command

from territories import reference
from territories.models import Commune, Epci


def test_shipped_data_covers_the_demo_territories():
    rows = {r["code"]: r for r in reference.read(reference.COMMUNES_FILE)}
    assert len(rows) > 34000
    assert rows["76305"]["name"] == "Gonfreville-l'Orcher"
    assert rows["13056"]["postcodes"].split() == ["13117", "13500"]
    epcis = {r["code"]: r["name"] for r in reference.read(reference.EPCI_FILE)}
    assert epcis[rows["76351"]["epci"]] == "CU Le Havre Seine Métropole"


@pytest.mark.django_db
def test_load_reference_data_is_idempotent_and_can_be_limited_to_departments():
    call_command("load_reference_data", departments="76")
    call_command("load_reference_data", departments="76")
    assert Commune.objects.filter(department="76").count() > 600
    assert not Commune.objects.exclude(department="76").exists()
    havre = Commune.objects.get(code="76351")
    assert havre.epci.name == "CU Le Havre Seine Métropole"
    assert Epci.objects.get(code=havre.epci_id).communes.filter(code="76305").exists()


def test_refresh_rebuilds_compact_files_from_etalab_json(tmp_path, monkeypatch):
    (tmp_path / "communes.json").write_text(json.dumps([
        {"code": "76351", "nom": "Le Havre", "type": "commune-actuelle", "departement": "76",
         "codesPostaux": ["76600", "76610", "76620"], "population": 165830},
        {"code": "76095", "nom": "Ancienne", "type": "commune-deleguee", "departement": "76"},
    ]), encoding="utf-8")
    (tmp_path / "epci.json").write_text(json.dumps([
        {"code": "200084952", "nom": "CU Le Havre Seine Métropole", "type": "CU", "membres": [{"code": "76351"}]},
    ]), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(reference, "COMMUNES_FILE", out / "c.csv.gz")
    monkeypatch.setattr(reference, "EPCI_FILE", out / "e.csv.gz")
    call_command("refresh_reference_data", str(tmp_path))
    rows = list(reference.read(out / "c.csv.gz"))
    assert rows == [{"code": "76351", "name": "Le Havre", "postcodes": "76600 76610 76620", "department": "76",
                     "epci": "200084952", "population": "165830"}]
    assert gzip.open(out / "e.csv.gz", "rt").read().splitlines()[1] == "200084952,CU Le Havre Seine Métropole,CU"
