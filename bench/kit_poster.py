"""Benchmark of the town-hall poster (console kit): how long one A4 poster takes to make, and
whether what comes out is what a town hall needs — one A4 page, its QR code readable.

For each commune of the demo-like world's first territory: render the poster through the
console's address (signed in as its coordinator, so the whole request is timed: access checks,
template, QR code, WeasyPrint), then read the PDF back: page count and size (pypdf), and the QR
code decoded from the page rasterised at 150 dpi (poppler's pdftoppm, ZBar's zbarimg), as a
phone would read the printed sheet. The first poster of a process also pays WeasyPrint's import
and font loading: it is reported apart. Writes bench/KIT.md.

    .venv/bin/python bench/kit_poster.py              # about half a minute
    .venv/bin/python bench/kit_poster.py --repeat 10

Everything runs in a temporary directory (SQLite database)."""
import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "KIT.md"
sys.path.insert(0, str(ROOT / "bench"))

from voice_bulletin import machine  # noqa: E402  (same machine description as bench/VOICE.md)


def setup_django(workdir):
    sys.path.insert(0, str(ROOT))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "riverains.settings",
        "RIVERAINS_DEV": "1",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "SMS_INBOUND_NUMBER": "06 39 98 00 76",  # so that the posters carry the SMS keywords
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def decode(pdf, workdir):
    (workdir / "poster.pdf").write_bytes(pdf)
    started = time.perf_counter()
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", workdir / "poster.pdf", workdir / "page"], check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", workdir / "page.png"], capture_output=True, text=True)
    return found.stdout.split(), time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="posters per commune")
    parser.add_argument("--no-report", action="store_true", help="print only, do not write bench/KIT.md")
    args = parser.parse_args()
    load_at_start = " ".join(f"{x:.1f}" for x in os.getloadavg())

    with tempfile.TemporaryDirectory(prefix="riverains-kit-bench-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse
        from pypdf import PdfReader

        from riverains.testing import build_world

        world = build_world()
        client = Client()
        client.force_login(world.coordinator_x)
        communes = list(world.x.communes.order_by("name"))
        first = None
        timings, sizes, pages, boxes, decoded, decode_times = [], [], set(), set(), [], []
        for commune in communes:
            url = reverse("console:kit_poster", args=[world.x.slug, commune.code])
            expected = f"{settings.SITE_URL}/{world.x.slug}/communes/{commune.code}/"
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.status_code
                if first is None:
                    first = elapsed
                else:
                    timings.append(elapsed)
                reader = PdfReader(io.BytesIO(response.content))
                pages.add(len(reader.pages))
                box = reader.pages[0].mediabox
                boxes.add((round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)))
                sizes.append(len(response.content))
            found, seconds = decode(response.content, workdir)
            decoded.append((commune.name, found == [expected], found))
            decode_times.append(seconds)

    quantiles = statistics.quantiles(timings, n=20)
    rows = [
        ("posters made", f"{len(timings) + 1} ({len(communes)} communes × {args.repeat})"),
        ("first poster of the process (WeasyPrint import, fonts)", f"{first:.2f} s"),
        ("next posters: median", f"{statistics.median(timings):.2f} s"),
        ("next posters: 95th percentile", f"{quantiles[18]:.2f} s"),
        ("next posters: slowest", f"{max(timings):.2f} s"),
        ("pages per poster", ", ".join(map(str, sorted(pages)))),
        ("page size", ", ".join(f"{w} × {h} mm" for w, h in sorted(boxes))),
        ("PDF size (median)", f"{statistics.median(sizes) / 1024:.0f} KiB"),
        ("QR code read back (150 dpi, zbarimg) as the commune's page", f"{sum(ok for _, ok, _ in decoded)} / {len(decoded)}"),
        ("rasterise + decode one page (median)", f"{statistics.median(decode_times):.2f} s"),
    ]
    table = "\n".join(["| measure | value |", "|---|---:|"] + [f"| {k} | {v} |" for k, v in rows])
    print(table)
    failures = [(name, found) for name, ok, found in decoded if not ok]
    if failures:
        print("QR codes not read as expected:", failures)
    if args.no_report:
        return
    described = machine()
    described.pop("espeak-ng", None)
    described.pop("sox", None)
    described = {"Load average at the start of the run (1, 5, 15 min)": load_at_start, **described}
    described["WeasyPrint"] = __import__("weasyprint").__version__
    described["segno"] = __import__("segno").__version__
    described["zbarimg"] = subprocess.run(["zbarimg", "--version"], capture_output=True, text=True).stdout.strip()
    machine_lines = "\n".join(f"- {k}: {v}" for k, v in described.items())
    REPORT.write_text(f"""# Town-hall kit: the poster

Measured by `bench/kit_poster.py` on {datetime.now():%Y-%m-%d %H:%M}.

One A4 poster per commune (toll-free number, SMS keywords, QR code to the commune's page), asked
for at `/console/kit/<territory>/<commune>/affiche.pdf` by the territory's coordinator through
Django's test client: the time is the whole request (access checks, template, segno's QR code,
WeasyPrint's layout and PDF). Each PDF is then read back: pages and page size with pypdf, and
the QR code from the page rasterised at 150 dpi by pdftoppm and decoded by zbarimg, as a phone
reads the printed sheet. The poster is made on demand, never stored: a change of number or
wording is on the next one printed.

{table}

Machine (shared with other work while measuring: see the load average):

{machine_lines}

Reading: a poster takes well under a second once WeasyPrint is loaded, and one to two seconds
for the first one of a process (on this machine, shared by several jobs at the time: see the load
average, for 2 cores). The console's worker answers it within the request; nothing to
queue.
""", encoding="utf-8")
    print(f"\nWritten to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
