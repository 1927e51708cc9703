"""Screenshots of the resident's pages at 390 and 1280 px (issue 13's before/after).

    .venv/bin/python bench/screenshots/take.py http://127.0.0.1:8471 before
    .venv/bin/python bench/screenshots/take.py http://127.0.0.1:8472 after

Full-page PNGs, reduced to a small palette with Pillow so that they stay light in the repository.
"""
import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

PAGES = {
    "territory": "/seine-estuaire/",
    "notice": "/seine-estuaire/messages/1/",
    "subscribe": "/seine-estuaire/abonnement/",
    "report": "/seine-estuaire/signaler/",
}
WIDTHS = {390: 844, 1280: 900}
# A full page can be 8,000 px high on a phone: keep the first screens, which are what a person sees.
MAX_HEIGHT = 2600


def main(base, label, scheme="light"):
    out = Path(__file__).parent
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                          color_scheme=scheme, timezone_id="Europe/Paris")
            context.route(lambda url: not url.startswith(base), lambda route: route.abort())
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                png = page.screenshot(full_page=True)
                image = Image.open(io.BytesIO(png))
                image = image.crop((0, 0, image.width, min(image.height, MAX_HEIGHT)))
                image = image.convert("RGB").quantize(colors=64)
                suffix = "" if scheme == "light" else f"-{scheme}"
                image.save(out / f"{label}-{name}-{width}{suffix}.png", optimize=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
