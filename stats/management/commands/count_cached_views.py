"""Counts the public requests nginx answered from its micro-cache: the application never saw them,
so the counting middleware could not (see deploy/nginx/riverains.conf, which logs one line per
such answer). Each new line is classified with the middleware's rules (counting.classify_path)
and added to the same cache counters, on the Paris day of the line's time; flush() then moves
them into DailyCount rows with the others (for the last FLUSH_DAYS days, as for the middleware's:
a log left unread longer than that loses its older lines).

Incremental: a small state file remembers the log's inode and how many bytes were read. A new
inode (logrotate moved the log away) → the end of the old file if it is still beside it as
<log>.1 (Debian's delaycompress), then the new one from its start; a file shorter than the
offset (truncated by copytruncate) → read again from its start.

Never twice: a run holds an exclusive lock (<state>.lock) and another run meanwhile leaves at
once; the offset is saved only after the counts are in the cache. If the cache refuses them,
nothing is saved and the next run reads the same lines again. (Only a crash between the two
steps would count one batch twice.)

Run every minute by `manage.py run_scheduler` when NGINX_CACHED_LOG is set (see settings)."""
import fcntl
import json
import os
import re
from collections import Counter
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stats import counting

# log_format riverains_cached in deploy/nginx/riverains.conf:
# $time_iso8601 $request_method $status "$request_uri" "$http_user_agent" "$http_sec_purpose" "$http_purpose"
LINE = re.compile(r'(\S+) ([A-Z]+) (\d{3}) "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"')
# nginx writes `"`, `\` and bytes outside printable ASCII as \xHH inside logged values.
ESCAPED = re.compile(rb"\\x([0-9A-Fa-f]{2})")
CHUNK = 1 << 20
# No line nginx writes comes near this (URI and headers are limited to 8 KB by default).
MAX_LINE = 64 * 1024


def unescape(value):
    if "\\x" not in value:
        return value
    return ESCAPED.sub(lambda m: bytes([int(m.group(1), 16)]), value.encode()).decode(errors="replace")


def header(value):
    # nginx writes "-" for a header the request did not have.
    return "" if value == "-" else unescape(value)


@lru_cache(maxsize=1024)
def paris_day(stamp):
    """The Paris calendar day of $time_iso8601 (written in the server's own zone, with its offset).
    Remembered: a second's worth of lines share the same stamp."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        raise ValueError(f"no UTC offset in {stamp!r}")
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


class Reader:
    """Reads lines from a byte offset and adds up the views they hold."""

    def __init__(self):
        self.counts = Counter()  # {counting.counter_key(): views}
        self.lines = self.malformed = 0
        # URL resolution costs tens of microseconds; a surge is a few addresses and browsers.
        self.classify = lru_cache(maxsize=8192)(counting.classify_path)

    def read(self, log, offset):
        """Counts the complete lines from `offset`; returns the offset after the last one (a line
        nginx is still writing is left for the next run)."""
        log.seek(offset)
        rest = b""
        while chunk := log.read(CHUNK):
            data = rest + chunk
            end = data.rfind(b"\n") + 1
            for line in data[:end].splitlines():
                self.line(line)
            offset += end
            rest = data[end:]
            if len(rest) > MAX_LINE:  # not a line nginx wrote: skip it rather than hold it forever
                self.malformed += 1
                offset += len(rest)
                rest = b""
        return offset

    def line(self, raw):
        self.lines += 1
        try:
            stamp, method, status, uri, agent, sec_purpose, purpose = LINE.fullmatch(raw.decode()).groups()
            day = paris_day(stamp)
            # As the middleware: Sec-Purpose when the request has it, else Purpose.
            purpose = header(sec_purpose) if sec_purpose != "-" else header(purpose)
            hit = self.classify(method, int(status), unescape(uri), header(agent), purpose)
        except Exception:
            # No match, not text, not a time, an address Django cannot take: a line that stopped
            # the command would stop it at every run, and no view would be counted again.
            self.malformed += 1
            return
        if hit is not None:
            self.counts[counting.counter_key(day, *hit)] += 1


def load_state(path):
    try:
        state = json.loads(path.read_text())
        return int(state["inode"]), int(state["offset"])
    except FileNotFoundError:
        return None, 0  # first run: the whole log
    except (ValueError, KeyError, TypeError) as error:
        raise CommandError(f"État illisible dans {path} ({error}) : corrigez-le ou supprimez-le.") from error


def save_state(path, inode, offset):
    # Written beside, then renamed: a crash leaves the old state or the new one, never half of one.
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w") as f:
        json.dump({"inode": inode, "offset": offset}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def count_new_lines(log_path, state_path, reader):
    """Reads what was added to the log since the last run into `reader`, hands the counts to the
    cache, then saves the new position."""
    inode, offset = load_state(state_path)
    try:
        log = open(log_path, "rb")
    except FileNotFoundError as error:
        raise CommandError(f"Journal introuvable : {log_path}") from error
    with log:
        current = os.fstat(log.fileno())
        if current.st_ino != inode:
            if inode is not None:
                read_rotated(Path(f"{log_path}.1"), inode, offset, reader)
            offset = 0
        elif current.st_size < offset:
            offset = 0
        offset = reader.read(log, offset)
    counting.add_views(dict(reader.counts))
    save_state(state_path, current.st_ino, offset)


def read_rotated(path, inode, offset, reader):
    """The lines written to the old log after the last run, if logrotate left it uncompressed."""
    try:
        with open(path, "rb") as old:
            found = os.fstat(old.fileno())
            if found.st_ino == inode:
                reader.read(old, offset if found.st_size >= offset else 0)
    except FileNotFoundError:
        pass


class Command(BaseCommand):
    help = ("Compte les consultations servies par le cache de nginx sans passer par l'application "
            "(à lancer chaque minute).")

    def add_arguments(self, parser):
        parser.add_argument("log", nargs="?",
                            help="journal riverains-cached.log de nginx (par défaut NGINX_CACHED_LOG)")
        parser.add_argument("--state",
                            help="fichier où retenir la position lue (par défaut NGINX_CACHED_LOG_STATE)")

    def handle(self, *args, log, state, **options):
        log = log or settings.NGINX_CACHED_LOG
        state = state or settings.NGINX_CACHED_LOG_STATE
        if not log or not state:
            raise CommandError(
                "Indiquez le journal de nginx et le fichier d'état (NGINX_CACHED_LOG, NGINX_CACHED_LOG_STATE)."
            )
        state = Path(state)
        with open(state.with_name(state.name + ".lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.stdout.write("Une autre lecture du journal est en cours : rien à faire.")
                return
            reader = Reader()
            count_new_lines(Path(log), state, reader)
        if counting._cache_is_per_process():
            # Without REDIS_URL the counters live in this process only: into the rows before it ends.
            counting.flush()
        self.stdout.write(
            f"{sum(reader.counts.values())} consultation(s) servie(s) par nginx comptée(s) "
            f"sur {reader.lines} ligne(s) ; {reader.malformed} ligne(s) illisible(s) ignorée(s)"
        )
