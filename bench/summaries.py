"""What the translated summaries (issue 16) cost: per notice and language, and on the outputs that
render them (notice page with ?lang=, API detail, CAP with six <info> blocks, Atom of 50
entries with five summaries each), plus the English phone recording. Medians of repeated runs,
with the load average; prints Markdown for the report.

    .venv/bin/python bench/summaries.py
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(action, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    with tempfile.TemporaryDirectory(prefix="riverains-summaries-") as tmp:
        sys.path.insert(0, str(ROOT))
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "riverains.settings", "RIVERAINS_DEV": "1", "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "MEDIA_ROOT": f"{tmp}/media",
            "VOICE_REGENERATE_ON_CHANGE": "0",
        })
        import django

        django.setup()
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        from notices.models import Notice
        from notices.summary import summarize_notice
        from riverains.testing import build_world
        from voice import english

        world = build_world()
        now = timezone.now()
        notices = [world.publish(kind="observed", starts_at=now - timedelta(minutes=30 + i), title=f"Torchage {i}")
                   for i in range(50)]
        notice = notices[-1]
        client = Client()
        rows = []
        for language in ("en", "ar", "es", "pt", "tr"):
            rows.append((f"summary {language}: data + HTML + text", median_ms(
                lambda: (lambda s: (s.html(), s.text()))(summarize_notice(notice, language)), 200)))
        url = notice.get_absolute_url()
        rows.append(("notice page, French (shared cache cleared)", median_ms(lambda: (cache.clear(), client.get(url)), 50)))
        rows.append(("notice page ?lang=ar", median_ms(lambda: client.get(url + "?lang=ar"), 50)))
        rows.append(("API notice detail (5 summaries)", median_ms(lambda: client.get(f"/api/v1/notices/{notice.pk}"), 50)))
        cap = f"/{world.x.slug}/cap/{notice.pk}-1.xml"
        rows.append(("CAP alert, 6 <info> (cache cleared)", median_ms(lambda: (cache.clear(), client.get(cap)), 50)))
        rows.append(("Atom, 50 entries × 5 summaries (cache cleared)",
                     median_ms(lambda: (cache.clear(), client.get(f"/{world.x.slug}/feed.atom")), 10)))
        Notice.objects.exclude(pk__in=[n.pk for n in notices[-3:]]).update(status="ended")
        start = time.perf_counter()
        path = english.ensure_english(world.x)
        rows.append(("English phone recording, 3 notices (espeak-ng + sox, first call)", (time.perf_counter() - start) * 1000))
        rows.append(("English phone recording, next calls (file kept)", median_ms(lambda: english.ensure_english(world.x), 20)))
        seconds = os.path.getsize(path) / 8000
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, "
              f"{os.cpu_count()} cores; English recording of 3 notices: {seconds:.1f} s of audio\n")
        print("| what | median ms |\n| --- | ---: |")
        for label, ms in rows:
            print(f"| {label} | {ms:.1f} |")


if __name__ == "__main__":
    main()
