"""Views nginx answered from its micro-cache (the application never saw them) are counted from its
riverains-cached.log by `manage.py count_cached_views`, with the middleware's rules, on the Paris
day of each line, once each, across rotations and truncations; unreadable lines are skipped."""
import fcntl
import io
import os
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from stats import counting
from tests.shipped_nginx import NGINX, bench_stack, needs_nginx, running_nginx, shipped_nginx
from stats.models import AudienceKind, DailyCount

PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(settings.BASE_DIR)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def escaped(value):
    """A value as nginx's log_format writes it (escape=default): `"`, `\\` and bytes outside
    printable ASCII as \\xHH; "-" for a header the request did not have."""
    if value is None:
        return "-"
    return "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02X}" for b in value.encode())


def nginx_line(moment, uri, agent=BROWSER, method="GET", status=200, sec_purpose=None, purpose=None):
    """One line of log_format riverains_cached (deploy/nginx/riverains.conf):
    $time_iso8601 $request_method $status "$request_uri" "$http_user_agent" "$http_sec_purpose" "$http_purpose"."""
    return (f'{moment.isoformat(timespec="seconds")} {method} {status} "{escaped(uri)}" "{escaped(agent)}" '
            f'"{escaped(sec_purpose)}" "{escaped(purpose)}"\n')


def now_in_paris(**delta):
    return (timezone.now() + timedelta(**delta)).astimezone(PARIS).replace(microsecond=0)


class Log:
    def __init__(self, directory):
        self.path = directory / "riverains-cached.log"
        self.state = directory / "state.json"
        self.path.touch()

    def write(self, *lines, mode="a"):
        with open(self.path, mode) as f:
            f.write("".join(lines))

    def count(self):
        out = io.StringIO()
        call_command("count_cached_views", str(self.path), state=str(self.state), stdout=out)
        return out.getvalue()


@pytest.fixture
def log(tmp_path):
    return Log(tmp_path)


def counted(day=None):
    """{(territory, kind): views} in the daily rows (the command flushes them itself: the test
    cache is per process)."""
    rows = DailyCount.objects.filter(day=day or timezone.localdate())
    return {(row.territory.slug, row.kind): row.count for row in rows.select_related("territory")}


def test_each_cached_view_lands_on_its_territory_and_kind(world, log):
    notice = world.publish()
    at = now_in_paris()
    log.write(
        nginx_line(at, "/seine-estuaire/"),
        nginx_line(at, "/seine-estuaire/", status=304),  # a browser coming back with its copy
        nginx_line(at, "/en/seine-estuaire/"),
        nginx_line(at, "/seine-estuaire/historique/"),
        nginx_line(at, f"/seine-estuaire/messages/{notice.pk}/"),
        nginx_line(at, "/seine-estuaire/feed.atom"),
        nginx_line(at, "/api/v1/territories/seine-estuaire/notices?status=active", agent="curl/8.5.0"),
        nginx_line(at, "/api/v1/notices?territory=etang-de-berre"),
        nginx_line(at, "/relais/widget/etang-de-berre/"),
        nginx_line(at, "/%73eine-estuaire/"),  # percent-encoded, as Django decodes it
    )
    assert "10 consultation(s)" in log.count()
    assert counted() == {
        ("seine-estuaire", AudienceKind.PAGE): 5,
        ("seine-estuaire", AudienceKind.NOTICE): 1,
        ("seine-estuaire", AudienceKind.FEED): 1,
        ("seine-estuaire", AudienceKind.API): 1,
        ("etang-de-berre", AudienceKind.API): 1,
        ("etang-de-berre", AudienceKind.WIDGET): 1,
    }


def test_the_day_is_the_paris_day_of_the_line_not_of_the_run(world, log):
    today = timezone.localdate()
    midnight = datetime(today.year, today.month, today.day, tzinfo=PARIS)
    log.write(
        nginx_line(midnight - timedelta(seconds=1), "/seine-estuaire/"),  # 23:59:59+01:00 (or +02:00) yesterday
        nginx_line(midnight + timedelta(seconds=1), "/seine-estuaire/"),  # 00:00:01 today
        # A server logging in UTC: 23:30+00:00 the day before is already today in Paris.
        nginx_line((midnight + timedelta(minutes=30)).astimezone(dt_timezone.utc), "/seine-estuaire/"),
    )
    log.count()
    assert counted(today - timedelta(days=1)) == {("seine-estuaire", AudienceKind.PAGE): 1}
    assert counted(today) == {("seine-estuaire", AudienceKind.PAGE): 2}


@pytest.mark.parametrize("line", [
    {"uri": "/seine-estuaire/", "agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
    {"uri": "/seine-estuaire/", "agent": None},  # no User-Agent at all
    {"uri": "/seine-estuaire/", "agent": ""},
    {"uri": "/seine-estuaire/", "agent": "curl/8.5.0"},  # a script is no reader of web pages
    {"uri": "/relais/widget/seine-estuaire/", "agent": "python-requests/2.32"},
    {"uri": "/api/v1/territories/seine-estuaire/notices", "agent": "Googlebot/2.1"},
    {"uri": "/seine-estuaire/", "agent": 'Mozilla/5.0 "HeadlessChrome/126.0"'},  # escaped by nginx
    {"uri": "/seine-estuaire/", "sec_purpose": "prefetch;prerender"},
    {"uri": "/seine-estuaire/", "purpose": "prefetch"},
    {"uri": "/seine-estuaire/", "method": "HEAD"},
    {"uri": "/seine-estuaire/", "method": "POST"},
    {"uri": "/seine-estuaire/", "status": 404},
    {"uri": "/seine-estuaire/", "status": 500},
    {"uri": "/seine-estuaire/", "status": 301},
    {"uri": "/seine-estuaire/", "status": 206},
    {"uri": "/seine-estuaire/etat.json"},  # the open page polling, not a view
    {"uri": "/console/"},
    {"uri": "/sante/"},
    {"uri": "/api/v1/notices"},  # no territory
    {"uri": "/pas/une/adresse/"},
])
def test_robots_scripts_prefetches_other_methods_and_statuses_are_not_counted(world, log, line):
    log.write(nginx_line(now_in_paris(), **line))
    assert "0 consultation(s)" in log.count()
    assert counted() == {}


def test_a_second_run_counts_only_the_new_lines(world, log):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"), nginx_line(now_in_paris(), "/seine-estuaire/"))
    log.count()
    assert "0 consultation(s)" in log.count()
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"))
    assert "1 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 3}


def test_a_line_nginx_is_still_writing_waits_for_the_next_run(world, log):
    whole = nginx_line(now_in_paris(), "/seine-estuaire/")
    log.write(whole, whole[:20])
    assert "1 consultation(s) servie(s) par nginx comptée(s) sur 1 ligne(s)" in log.count()
    log.write(whole[20:])
    assert "1 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 2}


def test_a_rotated_log_is_finished_then_the_new_one_read_from_its_start(world, log):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"))
    log.count()
    log.write(nginx_line(now_in_paris(), "/etang-de-berre/"))  # written after the run, before the rotation
    os.rename(log.path, f"{log.path}.1")  # logrotate with delaycompress
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"), nginx_line(now_in_paris(), "/seine-estuaire/"))
    assert "3 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 3, ("etang-de-berre", AudienceKind.PAGE): 1}


def test_a_new_log_without_the_old_one_beside_it_is_read_from_its_start(world, log):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/") * 3)
    log.count()
    log.path.unlink()  # rotated and compressed, or removed
    log.write(nginx_line(now_in_paris(), "/etang-de-berre/"))  # a new inode, shorter than the offset
    assert "1 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 3, ("etang-de-berre", AudienceKind.PAGE): 1}


def test_a_truncated_log_is_read_from_its_start(world, log):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/") * 3)
    log.count()
    inode = log.path.stat().st_ino
    log.write(nginx_line(now_in_paris(), "/etang-de-berre/"), mode="w")  # copytruncate, then a new line
    assert log.path.stat().st_ino == inode
    assert "1 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 3, ("etang-de-berre", AudienceKind.PAGE): 1}


def test_malformed_lines_are_skipped_and_reported(world, log):
    good = nginx_line(now_in_paris(), "/seine-estuaire/")
    log.write(good, "garbage\n", "\n", good.replace(good[:25], "2026-13-45T99:00:00+01:00"),
              good.replace(good[:25], "2026-11-22T10:00:00"), good[:-10] + "\n", good)
    with open(log.path, "ab") as f:
        f.write(b'\xff\xfe GET 200 "/seine-estuaire/"\n')
    log.write(good)
    out = log.count()
    assert "3 consultation(s) servie(s) par nginx comptée(s) sur 9 ligne(s) ; 6 ligne(s) illisible(s) ignorée(s)" in out
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 3}


def test_a_run_while_another_holds_the_lock_counts_nothing(world, log):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"))
    with open(f"{log.state}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run, in another process, is reading
        assert "en cours" in log.count()
    assert counted() == {}
    assert "1 consultation(s)" in log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 1}


def test_views_the_cache_refuses_are_counted_at_the_next_run_and_once(world, log, monkeypatch):
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"))

    def down(cache, counts):
        raise ConnectionError("cache down")

    monkeypatch.setattr(counting, "_add_to_cache", down)
    with pytest.raises(ConnectionError):
        log.count()
    monkeypatch.undo()
    assert not counting.tally.counts  # nothing handed back to the web tally, to be counted again
    log.count()
    log.count()
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 1}


def test_the_scheduler_runs_it_from_the_settings(world, log, settings):
    settings.NGINX_CACHED_LOG, settings.NGINX_CACHED_LOG_STATE = str(log.path), str(log.state)
    log.write(nginx_line(now_in_paris(), "/seine-estuaire/"))
    call_command("count_cached_views", stdout=io.StringIO())  # as run_scheduler calls it: no argument
    assert counted() == {("seine-estuaire", AudienceKind.PAGE): 1}


def test_the_scheduler_job_is_there_only_when_the_log_is_configured():
    # The settings module read afresh in a new interpreter: SCHEDULER_JOBS is decided at import.
    code = "import riverains.settings as s; print([job for job, _ in s.SCHEDULER_JOBS])"
    env = {**os.environ, "RIVERAINS_DEV": "1"}
    env.pop("NGINX_CACHED_LOG", None)

    def run(**extra):
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, **extra},
                              capture_output=True, text=True, check=True, timeout=60).stdout

    assert "count_cached_views" not in run()
    jobs = run(NGINX_CACHED_LOG="/var/log/nginx/riverains-cached.log")
    assert "'count_cached_views', 'flush_page_views'" in jobs  # counted, then flushed in the same pass


# --- the shipped nginx configuration ------------------------------------------------------------

@needs_nginx
def test_nginx_accepts_the_shipped_configuration():
    workdir, conf, _ = shipped_nginx(8000)
    try:
        check = subprocess.run([NGINX, "-t", "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")],
                               capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@needs_nginx
def test_through_the_shipped_nginx_every_view_is_counted_once(world, live_server):
    """Misses reach the application (the middleware counts them), hits are only in nginx's log
    (the command counts them): together, every request once."""
    with running_nginx(live_server.thread.port) as (workdir, port, nginx):

        def get(path, agent=BROWSER):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"User-Agent": agent})
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.headers["X-Cache-Status"]

        statuses = [get("/seine-estuaire/") for _ in range(6)] + [get("/en/seine-estuaire/") for _ in range(3)]
        statuses.append(get("/seine-estuaire/", agent="Mozilla/5.0 (compatible; Googlebot/2.1)"))
        bench_stack().stop_nginx(nginx)  # a graceful stop also writes out the buffered log lines

        # A copy lives 1 to 2 s (riverains.http.proxy_expiry): on a slow machine some requests
        # find it expired and reach the application, which counts them itself.
        hits = statuses.count("HIT")
        assert statuses[0] == "MISS" and hits >= 1, statuses
        lines = (workdir / "nginx-riverains-cached.log").read_text().splitlines()
        assert len(lines) == hits and not any("127.0.0.1" in line for line in lines)  # hits only, no address
        out = io.StringIO()
        call_command("count_cached_views", str(workdir / "nginx-riverains-cached.log"),
                     state=str(workdir / "state.json"), stdout=out)
        readers = hits - (statuses[-1] == "HIT")  # the crawler's view is not counted
        assert f"{readers} consultation(s) servie(s) par nginx comptée(s) sur {hits} ligne(s) ; 0 ligne(s)" in out.getvalue()
        counting.flush()  # and the two misses the middleware counted
        assert counted() == {("seine-estuaire", AudienceKind.PAGE): 9}
