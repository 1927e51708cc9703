"""Turning a territory's notices into audio files that phone platforms and browsers fetch.

regenerate_bulletin() writes, under MEDIA_ROOT/voice/<territory>/:
  bulletin.wav (8 kHz mono G.711 µ-law), bulletin-alaw.wav (A-law), bulletin.mp3, bulletin.txt;
  intro.wav, current.wav, planned.wav, menu.wav, info.wav: the parts the phone menu plays (µ-law);
  notice-<id>.wav: each current notice in full, for the menu's "one activity in detail" (µ-law);
  messages/<notice id>.mp3 and .txt: each notice on its own, for its "Listen" button.
Every file is written to a temporary file in the same directory, flushed to disk, then renamed
over the old one: a caller fetching it meanwhile gets the old bulletin or the new one, whole."""
import contextlib
import functools
import fcntl
import hashlib
import itertools
import logging
import os
import re
import subprocess
import tempfile
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.utils import timezone

from . import conf
from .models import Bulletin
from .tts import EspeakEngine, PiperEngine, SpeechError, engine_for
from .wording import BULLETIN_SECTIONS, clip_text, script_for

logger = logging.getLogger(__name__)

# Speech and conversions are separate processes: run as many at once as there are processors.
WORKERS = max(2, os.cpu_count() or 1)
PAUSE_SECONDS = 0.5  # between two sentences of the bulletin
KEEP_BULLETINS = 20  # rows of history per territory
PHONE_SECTIONS = ("intro", "current", "planned", "menu", "info")
# Output name → sox output options.
FORMATS = {
    "mulaw": ["-t", "wav", "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8"],
    "alaw": ["-t", "wav", "-r", "8000", "-c", "1", "-e", "a-law", "-b", "8"],
    "mp3": ["-t", "mp3", "-c", "1", "-C", "48.7"],  # 48 kbit/s, fast encoder setting: speech only
}


class AudioError(RuntimeError):
    pass


NOTICE_PART = re.compile(r"^notice-\d+$")


def for_the_voice(text):
    """What the synthesiser is given: the transcript says "8 heures 05", a voice says "8 heures 5"
    (eSpeak would read "zéro cinq")."""
    return re.sub(r"\b(heures?|midi|minuit) 0(\d)\b", r"\1 \2", text)


def notice_part(notice_id):
    return f"notice-{notice_id}"


def territory_dir(territory):
    return Path(conf.media_root()) / "voice" / territory.slug


@contextlib.contextmanager
def territory_lock(territory):
    """One writer per territory at a time, across processes and machines sharing MEDIA_ROOT."""
    directory = territory_dir(territory)
    (directory / "messages").mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- files ------------------------------------------------------------------------------------


def _fsync_dir(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(target):
    """A temporary path next to `target`; renamed over it, once on disk, if the block succeeds."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomically(target, data):
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _sox(inputs, fmt, output):
    _run_sox([*inputs, *FORMATS[fmt], output])


def _run_sox(arguments):
    command = [conf.sox_binary(), *map(str, arguments)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except FileNotFoundError as e:
        raise AudioError("sox is not installed (Debian package sox, and libsox-fmt-mp3 for MP3).") from e
    except subprocess.CalledProcessError as e:
        raise AudioError(f"sox failed: {e.stderr.decode('utf-8', 'replace')[:300]}") from e


def convert(inputs, fmt, target):
    """Concatenate WAV inputs into `target` in format `fmt`, atomically."""
    with atomic_path(target) as tmp:
        _sox(inputs, fmt, tmp)


# --- speech -----------------------------------------------------------------------------------


class Speaker:
    """Synthesizes segments into a work directory, keeping their duration. Falls back to eSpeak
    when Piper cannot speak, so that a misconfigured model never leaves the line silent."""

    def __init__(self, engine, workdir):
        self.engine, self.workdir, self.counter = engine, Path(workdir), itertools.count(1)
        self.silence = None

    def say(self, text):
        path = self.workdir / f"segment-{next(self.counter)}.wav"
        try:
            data = self.engine.synthesize(text)
        except SpeechError:
            if not isinstance(self.engine, PiperEngine):
                raise
            logger.exception("Piper failed, speaking with eSpeak instead")
            self.engine = EspeakEngine()
            data = self.engine.synthesize(text)
        path.write_bytes(data)
        return path, _duration(path)

    def pause(self, like):
        """A short silence in the same sample format as the speech."""
        if self.silence is None:
            with wave.open(str(like)) as w:
                params = w.getparams()
            self.silence = self.workdir / "pause.wav"
            with wave.open(str(self.silence), "wb") as out:
                out.setparams(params)
                out.writeframes(b"\0" * params.sampwidth * params.nchannels * int(params.framerate * PAUSE_SECONDS))
        return self.silence


def _duration(path):
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def _with_pauses(speaker, paths):
    inputs = []
    for path in paths:
        inputs += [path, speaker.pause(path)]
    return inputs[:-1]


# --- the bulletin -----------------------------------------------------------------------------


def _choose_engine(territory):
    try:
        engine = engine_for(territory)
        if isinstance(engine, PiperEngine):
            engine.check()
        return engine
    except SpeechError:
        logger.exception("Voice engine of %s unavailable, speaking with eSpeak", territory.slug)
        return EspeakEngine()


def _content_hash(engine, script):
    text = "\n".join(f"{s.section}:{s.notice_id or ''}:{s.text}" for s in script.segments)
    return hashlib.sha256(f"{engine.name}\n{text}".encode()).hexdigest()


def latest_bulletin(territory):
    return Bulletin.objects.filter(territory=territory).order_by("-generated_at", "-pk").first()


def _files_present(directory, bulletin):
    return all((directory / name).exists() for name in bulletin.files)


def regenerate_bulletin(territory, now=None, force=False):
    """Write the territory's bulletin files and record a Bulletin; returns it. When nothing
    the listener would hear has changed, the files stay as they are.

    The phone files come first (the Bulletin row is created as soon as they are in place);
    the MP3 and the per-notice clips for the website follow, then complete the row."""
    started = time.monotonic()
    now = now or timezone.now()
    with territory_lock(territory) as directory:
        script = script_for(territory, now)
        engine = _choose_engine(territory)
        content_hash = _content_hash(engine, script)
        previous = latest_bulletin(territory)
        if not force and previous and previous.content_hash == content_hash and _files_present(directory, previous):
            return previous
        with tempfile.TemporaryDirectory(prefix=".work-", dir=directory) as workdir, ThreadPoolExecutor(WORKERS) as pool:
            speaker = Speaker(engine, workdir)
            results = pool.map(speaker.say, [for_the_voice(s.text) for s in script.segments])
            spoken = [(segment, path, seconds) for segment, (path, seconds) in zip(script.segments, results)]
            files = _write_phone_files(pool, speaker, spoken, directory, Path(workdir))
            text = script.bulletin_text
            write_atomically(directory / "bulletin.txt", text.encode("utf-8"))
            files["bulletin.txt"] = {"sha256": sha256_file(directory / "bulletin.txt"), "bytes": len(text.encode())}
            bulletin = Bulletin.objects.create(
                territory=territory,
                text=text,
                sections=_sections(script),
                engine=speaker.engine.name,
                content_hash=content_hash,
                files=files,
                generation_seconds=round(time.monotonic() - started, 3),
            )
            web = list(pool.map(lambda job: job(), _mp3_jobs(speaker, spoken, directory) + _clip_jobs(spoken, directory)))
        bulletin.files.update(dict(r for r in web if r[0] != "clip"))
        bulletin.clips = {r[1]: r[2] for r in web if r[0] == "clip"}
        bulletin.save(update_fields=["files", "clips"])
        stale = Bulletin.objects.filter(territory=territory).order_by("-generated_at", "-pk")[KEEP_BULLETINS:]
        Bulletin.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()
    logger.info("Bulletin of %s: phone files in %.2f s, all in %.2f s", territory.slug, bulletin.generation_seconds,
                time.monotonic() - started)
    return bulletin


def _sections(script):
    """The text of each part the phone plays, each current notice's too, and the order in which
    the intro names the current notices (menu 1: "tapez le numéro de l'activité")."""
    sections = {name: script.section(name) for name in PHONE_SECTIONS}
    for segment in script.segments:
        if segment.section == "current" and segment.notice_id:
            sections[notice_part(segment.notice_id)] = segment.text
    sections["current_order"] = " ".join(str(pk) for pk in script.current_ids)
    return sections


def _describe(path, duration):
    return {"sha256": sha256_file(path), "duration": round(duration, 2), "bytes": path.stat().st_size}


def _timeline(spoken):
    """Start and end (seconds) of each section in the whole recording, pauses included."""
    ranges, position = {}, 0.0
    for segment, _path, seconds in spoken:
        start, end = ranges.get(segment.section, (position, position))
        ranges[segment.section] = (start, position + seconds)
        if segment.section == "current" and segment.notice_id:
            ranges[notice_part(segment.notice_id)] = (position, position + seconds)
        if segment.role == "lines":
            ranges["lines"] = (position, position + seconds)
        position += seconds + PAUSE_SECONDS
    ranges["bulletin"] = (ranges[BULLETIN_SECTIONS[0]][0], ranges[BULLETIN_SECTIONS[-1]][1])
    return ranges


def _write_phone_files(pool, speaker, spoken, directory, workdir):
    """Everything is resampled to 8 kHz once; each phone file is then a cut of that recording,
    encoded in µ-law or A-law (cheap: no second resampling)."""
    whole = workdir / "phone-8k.wav"
    _run_sox([*_with_pauses(speaker, [path for _, path, _ in spoken]), "-t", "wav", "-r", "8000", "-c", "1", "-b", "16", whole])
    ranges = _timeline(spoken)
    targets = [(directory / "bulletin.wav", "mulaw", "bulletin"), (directory / "bulletin-alaw.wav", "alaw", "bulletin")]
    targets += [(directory / f"{name}.wav", "mulaw", name) for name in PHONE_SECTIONS]
    targets += [(directory / f"{name}.wav", "mulaw", name) for name in ranges if NOTICE_PART.match(name)]

    def cut(target, fmt, name):
        start, end = ranges[name]
        with atomic_path(target) as tmp:
            _run_sox([whole, *FORMATS[fmt], tmp, "trim", f"{round(start * 8000)}s", f"{round((end - start) * 8000)}s"])
        return target.name, _describe(target, end - start)

    files = dict(pool.map(lambda args: cut(*args), targets))
    if "lines" in ranges:  # how long a caller waits before the first notice (bench/VOICE.md)
        files["intro.wav"]["first_notice_at"] = round(ranges["lines"][0] - ranges["intro"][0], 2)
    return files


def _mp3_jobs(speaker, spoken, directory):
    parts = [(path, seconds) for segment, path, seconds in spoken if segment.section in BULLETIN_SECTIONS]
    inputs = _with_pauses(speaker, [p for p, _ in parts])
    duration = sum(s for _, s in parts) + PAUSE_SECONDS * (len(parts) - 1)
    return [functools.partial(_convert_and_describe, inputs, "mp3", directory / "bulletin.mp3", duration)]


def _convert_and_describe(inputs, fmt, target, duration):
    convert(inputs, fmt, target)
    return target.name, _describe(target, duration)


def _clip_jobs(spoken, directory):
    """Each notice of the bulletin on its own, for the "Listen" button on its page."""
    jobs, seen = [], set()
    for segment, path, _seconds in spoken:
        if segment.notice_id is None or segment.notice_id in seen:
            continue
        seen.add(segment.notice_id)

        def job(notice_id=segment.notice_id, text=segment.text, path=path):
            _write_clip(directory, notice_id, text, [path])
            return "clip", str(notice_id), hashlib.sha256(text.encode()).hexdigest()

        jobs.append(job)
    return jobs


def _write_clip(directory, notice_id, text, inputs):
    convert(inputs, "mp3", directory / "messages" / f"{notice_id}.mp3")
    # The transcript last: when it matches the notice's wording, the audio does too.
    write_atomically(directory / "messages" / f"{notice_id}.txt", text.encode("utf-8"))


def ensure_clip(notice, now=None):
    """The path of a notice's clip, spoken again if its wording changed (time passing turns
    "demain matin" into "ce matin"). Works for ended notices too: every notice can be heard."""
    text = clip_text(notice, now)
    directory = territory_dir(notice.territory)
    audio, transcript = directory / "messages" / f"{notice.pk}.mp3", directory / "messages" / f"{notice.pk}.txt"
    if audio.exists() and transcript.exists() and transcript.read_text("utf-8") == text:
        return audio
    with territory_lock(notice.territory):
        if not (audio.exists() and transcript.exists() and transcript.read_text("utf-8") == text):
            with tempfile.TemporaryDirectory(prefix=".work-", dir=directory) as workdir:
                path, _seconds = Speaker(_choose_engine(notice.territory), workdir).say(for_the_voice(text))
                _write_clip(directory, notice.pk, text, [path])
    return audio


def ensure_bulletin(territory):
    """The latest bulletin, generated now if there is none yet (first call after install)."""
    bulletin = latest_bulletin(territory)
    if bulletin is None or not _files_present(territory_dir(territory), bulletin):
        bulletin = regenerate_bulletin(territory, force=True)
    return bulletin

