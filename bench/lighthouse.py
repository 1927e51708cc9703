"""Lighthouse (mobile preset) on the resident's pages; writes bench/LIGHTHOUSE.md's table.

Lighthouse is an npm package, installed outside git, and drives Debian's Chromium (it never
downloads a browser):

    mkdir -p bench/out/lighthouse && cd bench/out/lighthouse && npm install lighthouse@12
    # a production-like server (DEBUG off, collected and compressed static files), its map tiles
    # from the blank tile server this script starts on 127.0.0.1:8474 (the machine has no internet):
    MAP_TILE_URL='http://127.0.0.1:8474/{z}/{x}/{y}.png' SECRET_KEY=… ALLOWED_HOSTS=127.0.0.1 \
        SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 .venv/bin/gunicorn riverains.wsgi -b 127.0.0.1:8473
    CHROME_PATH=/usr/bin/chromium .venv/bin/python bench/lighthouse.py http://127.0.0.1:8473

Each page is measured three times; the table gives the median score of each category and the
audits that lost points, so that a regression says what it is.
"""
import io
import json
import os
import statistics
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

HERE = Path(__file__).parent
LIGHTHOUSE = HERE / "out" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RUNS = 3


def pages(base):
    import re
    from urllib.request import urlopen

    html = urlopen(f"{base}/seine-estuaire/").read().decode()
    notice = re.search(r'href="(/seine-estuaire/messages/\d+/)"', html).group(1)
    return {
        "territory page": "/seine-estuaire/",
        "notice page": notice,
        "report form": "/seine-estuaire/signaler/",
        "subscribe form": "/seine-estuaire/abonnement/",
    }


def serve_tiles(port=8474):
    """Blank 256 px map tiles, so that the map behaves as with a real tile server."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8ecef").save(buffer, "PNG")
    tile = buffer.getvalue()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Cache-Control", "max-age=86400")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(url, out):
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    f"--only-categories={','.join(CATEGORIES)}"],
                   check=True, env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
    return json.loads(Path(out).read_text())


def lost(report):
    """Audits that cost points, with their value."""
    items = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                items.append(f"{audit['id']} {audit.get('displayValue', '')}".strip())
    return items


def main(base):
    tiles = serve_tiles()
    rows = []
    for name, path in pages(base).items():
        reports = [run(base + path, HERE / "out" / "lighthouse" / f"{name.replace(' ', '-')}-{i}.json") for i in range(RUNS)]
        scores = {c: statistics.median(round(r["categories"][c]["score"] * 100) for r in reports) for c in CATEGORIES}
        median = sorted(reports, key=lambda r: r["categories"]["performance"]["score"])[RUNS // 2]
        rows.append((name, path, scores, lost(median), median["audits"]))
    tiles.shutdown()
    print("| page | performance | accessibility | best practices | SEO | first contentful paint | largest contentful paint | total blocking time | cumulative layout shift | points lost (median run) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, path, scores, points, audits in rows:
        metrics = [audits[a].get("displayValue", "") for a in
                   ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")]
        print(f"| {name} (`{path}`) | {scores['performance']:g} | {scores['accessibility']:g} | "
              f"{scores['best-practices']:g} | {scores['seo']:g} | {' | '.join(metrics)} | {'; '.join(points) or '—'} |")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
