"""Benchmark of the phone line: time from a publish to the new bulletin being served.

For 1, 10 and 30 current notices on a territory: publish one more notice through the real
service (notices.services.publish), let the commit hook queue the regeneration (run at once by
the ImmediateBackend, i.e. without the database worker's polling delay), and fetch
/voix/<territory>/bulletin.wav until its ETag changes and the transcript names the new notice.
Each size is measured several times; the median is reported. Writes bench/VOICE.md.

    .venv/bin/python bench/voice_bulletin.py            # about a minute
    .venv/bin/python bench/voice_bulletin.py --repeat 5

Everything runs in a temporary directory (SQLite database and MEDIA_ROOT)."""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "VOICE.md"
SIZES = (1, 10, 30)


def setup_django(workdir):
    sys.path.insert(0, str(ROOT))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "riverains.settings",
        "RIVERAINS_DEV": "1",
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "MEDIA_ROOT": str(workdir / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "VOICE_REGENERATE_ON_CHANGE": "1",
        "LOG_LEVEL": "WARNING",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def machine():
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"

    def version(command):
        try:
            out = subprocess.run(command, capture_output=True, text=True).stdout or ""
            return out.strip().splitlines()[0] if out.strip() else "unknown"
        except OSError:
            return "not installed"

    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Load average at the end of the run (1, 5, 15 min)": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "espeak-ng": version(["espeak-ng", "--version"]),
        "sox": version(["sox", "--version"]),
    }


def measure(world, client, size, repeat):
    from django.utils import timezone

    from notices import services
    from notices.models import Notice
    from voice.models import Bulletin

    slug = world.x.slug
    rows = []
    for attempt in range(repeat):
        # Bring the territory to size - 1 current notices, without measuring that.
        for notice in Notice.objects.filter(territory=world.x).active():
            Notice.objects.filter(pk=notice.pk).update(status="ended", ended_at=timezone.now())
        now = timezone.now()
        for i in range(size - 1):
            Notice.objects.create(
                territory=world.x, site=world.site_a, category="torchage", perceptions=["visible"], status="ongoing",
                starts_at=now - timedelta(minutes=30 + i), expected_end_at=now + timedelta(hours=2 + i % 5),
                title=f"Torchage numéro {i + 1} sur l'unité de distillation",
                body="Une flamme est visible au-dessus de la torche pendant le redémarrage de l'unité. "
                     "Elle peut être accompagnée d'un léger bruit.",
                impact="Aucune incidence sur la santé ni sur l'environnement.",
            )
        from voice.services import regenerate_bulletin

        regenerate_bulletin(world.x)
        before = client.get(f"/voix/{slug}/bulletin.wav")["ETag"]
        title = f"Nouveau torchage, essai {size}-{attempt}"

        started = time.perf_counter()
        services.publish(world.operator_a, world.notice_fields(title=title, starts_at=timezone.now() - timedelta(minutes=1)))
        while True:  # with a database worker this would poll; here the regeneration already ran
            response = client.get(f"/voix/{slug}/bulletin.wav")
            if response["ETag"] != before and title in b"".join(client.get(f"/voix/{slug}/bulletin.txt").streaming_content).decode():
                break
            if time.perf_counter() - started > 120:
                raise RuntimeError("the bulletin was never updated")
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        bulletin = Bulletin.objects.filter(territory=world.x).first()
        rows.append((elapsed, bulletin.generation_seconds, bulletin.duration, bulletin.files))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-report", action="store_true", help="print only, do not write bench/VOICE.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="riverains-voice-bench-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client

        from riverains.testing import build_world

        world = build_world()
        client = Client()
        results = []
        for size in SIZES:
            rows = measure(world, client, size, args.repeat)
            files = rows[-1][3]
            results.append({
                "size": size,
                "served": statistics.median(r[0] for r in rows),
                "worst": max(r[0] for r in rows),
                "generation": statistics.median(r[1] for r in rows),
                "speech": rows[-1][2],
                "wav_kb": files["bulletin.wav"]["bytes"] / 1024,
                "mp3_kb": files["bulletin.mp3"]["bytes"] / 1024,
            })

    header = ("| current notices | publish → new bulletin served (median) | worst | of which phone files ready (median) "
              "| bulletin length | µ-law WAV | MP3 |")
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['size']} | {r['served']:.2f} s | {r['worst']:.2f} s | {r['generation']:.2f} s | "
                     f"{r['speech'] / 60:.1f} min | {r['wav_kb']:.0f} KiB | {r['mp3_kb']:.0f} KiB |")
    table = "\n".join(lines)
    print(table)
    if args.no_report:
        return
    described = "\n".join(f"- {k}: {v}" for k, v in machine().items())
    REPORT.write_text(f"""# Phone line: from publish to bulletin

Measured by `bench/voice_bulletin.py` on {datetime.now():%Y-%m-%d %H:%M} ({args.repeat} runs per size).

Time from the call to `notices.services.publish()`, through the commit hook, the speech
synthesis (eSpeak NG, one process per sentence, as many at once as there are cores) and the sox
conversions, to `/voix/<territory>/bulletin.wav` answering with a new ETag and a transcript
naming the new notice. The task runs in-process (ImmediateBackend), so the first column includes
the whole task: phone files (one resampling to 8 kHz, then µ-law / A-law cuts for the bulletin
and each menu part), then the website's MP3 and one MP3 clip per notice. The phone files are in
place, and the Bulletin row written, after the time in the "phone files ready" column. With the
database task backend, add the worker's polling interval.

{table}

Machine:

{described}

Reading: a bulletin grows by about 20 to 25 seconds of speech per notice; generation time grows
with it, since eSpeak and the MP3 encoder both run in proportion to the length of speech.
""", encoding="utf-8")
    print(f"\nWritten to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
