"""What a caller hears first: seconds until the first notice, and the short bulletin's length.

For 1, 10 and 30 current notices (two plants of the test world, by turns), the bulletin is
spoken with eSpeak NG as the phone line plays it, and the "intro" file a caller hears before
the menu (greeting, the count, one line per current notice, planned count, siren reminder) is
measured: `first_notice_at` is where the first notice's line starts in it (sum of the spoken
parts before it and the pauses between them), `duration` its length. Prints a Markdown table
for bench/VOICE.md.

    .venv/bin/python bench/voice_phone.py
"""
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1, 10, 30)


def main():
    with tempfile.TemporaryDirectory(prefix="riverains-voice-phone-") as tmp:
        sys.path.insert(0, str(ROOT))
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "riverains.settings", "RIVERAINS_DEV": "1", "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "MEDIA_ROOT": f"{tmp}/media",
        })
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)
        from notices.models import Notice
        from riverains.testing import build_world
        from voice.services import regenerate_bulletin

        world = build_world()
        rows = []
        for size in SIZES:
            Notice.objects.filter(territory=world.x).delete()
            now = timezone.now()
            for i in range(size):
                Notice.objects.create(
                    territory=world.x, site=world.site_a if i % 2 == 0 else world.site_b, category="torchage",
                    perceptions=["visible"], status="ongoing", starts_at=now - timedelta(minutes=30 + i),
                    expected_end_at=now + timedelta(hours=2 + i % 5, minutes=5 * (i % 3)),
                    title=f"Torchage numéro {i + 1} sur l'unité de distillation",
                    body="Une flamme est visible au-dessus de la torche pendant le redémarrage de l'unité.",
                )
            bulletin = regenerate_bulletin(world.x, force=True)
            intro = bulletin.files["intro.wav"]
            rows.append((size, intro["first_notice_at"], intro["duration"], bulletin.files["bulletin.wav"]["duration"],
                         bulletin.sections["intro"]))
    print("| current notices | first notice heard after | short bulletin (before the menu) | whole bulletin |")
    print("|---:|---:|---:|---:|")
    for size, first, short, whole, _text in rows:
        print(f"| {size} | {first:.1f} s | {short:.1f} s | {whole / 60:.1f} min |")
    print()
    print("What a caller hears first, with 10 current notices:\n")
    print("> " + rows[1][4])


if __name__ == "__main__":
    main()
