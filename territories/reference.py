"""French communes and EPCIs shipped with Riverains, in a compact form.

Source: Etalab's `@etalab/decoupage-administratif` (INSEE's official geographic code), MIT
licence; see territories/data/README.md. `refresh_reference_data` rebuilds the files below from
the package's communes.json and epci.json; `load_reference_data` puts them in the database."""
import csv
import gzip
import io
import json
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
COMMUNES_FILE = DATA_DIR / "communes.csv.gz"
EPCI_FILE = DATA_DIR / "epci.csv.gz"
COMMUNE_COLUMNS = ["code", "name", "postcodes", "department", "epci", "population"]
EPCI_COLUMNS = ["code", "name", "kind"]


def build(communes_json, epci_json):
    """Compact rows from the Etalab JSON files: current communes only, EPCI membership inlined."""
    epcis = json.loads(Path(epci_json).read_text(encoding="utf-8"))
    member_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    communes = json.loads(Path(communes_json).read_text(encoding="utf-8"))
    commune_rows = [
        [c["code"], c["nom"], " ".join(c.get("codesPostaux", [])), c.get("departement", ""),
         member_of.get(c["code"], ""), c.get("population", 0)]
        for c in communes
        if c.get("type") == "commune-actuelle"
    ]
    epci_rows = [[e["code"], e["nom"], e.get("type", "")] for e in epcis]
    return sorted(commune_rows), sorted(epci_rows)


def write(path, columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    # mtime=0 keeps the file byte-identical when the data has not changed.
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(buffer.getvalue().encode("utf-8"))


def read(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)
