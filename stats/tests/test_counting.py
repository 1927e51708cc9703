"""Audience counting: one view per public page load, in the cache, flushed to DailyCount rows;
no bots, no console, no failed responses, and no extra database query on the public read path."""
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from stats import counting
from stats.models import AudienceKind, DailyCount

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def views(territory, kind):
    counting.flush()
    row = DailyCount.objects.filter(day=timezone.localdate(), territory=territory, kind=kind).first()
    return row.count if row else 0


def test_a_territory_page_view_is_counted_once(client, world):
    assert client.get("/seine-estuaire/", headers={"User-Agent": BROWSER}).status_code == 200
    assert views(world.x, AudienceKind.PAGE) == 1
    assert views(world.x, AudienceKind.PAGE) == 1  # a second flush moves nothing twice
    assert views(world.y, AudienceKind.PAGE) == 0


def test_english_pages_notice_pages_feeds_and_api_have_their_own_kind(client, world):
    notice = world.publish()
    for path in ["/en/seine-estuaire/", "/seine-estuaire/historique/", f"/seine-estuaire/messages/{notice.pk}/",
                 "/seine-estuaire/feed.atom", "/seine-estuaire/planned.ics",
                 "/api/v1/territories/seine-estuaire/notices", "/api/v1/notices?territory=seine-estuaire"]:
        assert client.get(path, headers={"User-Agent": BROWSER}).status_code == 200, path
    assert views(world.x, AudienceKind.PAGE) == 2
    assert views(world.x, AudienceKind.NOTICE) == 1
    assert views(world.x, AudienceKind.FEED) == 2
    assert views(world.x, AudienceKind.API) == 2


def test_a_browser_coming_back_with_its_copy_is_counted(client, world):
    etag = client.get("/seine-estuaire/", headers={"User-Agent": BROWSER})["ETag"]
    assert client.get("/seine-estuaire/", headers={"User-Agent": BROWSER, "If-None-Match": etag}).status_code == 304
    assert views(world.x, AudienceKind.PAGE) == 2


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit/1.1", "curl/8.5.0", "python-requests/2.32", "",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
])
def test_robots_and_scripts_are_not_counted_as_readers(client, world, agent):
    assert client.get("/seine-estuaire/", headers={"User-Agent": agent}).status_code == 200
    assert views(world.x, AudienceKind.PAGE) == 0


def test_scripts_reading_the_api_are_partners_and_are_counted(client, world):
    client.get("/api/v1/territories/seine-estuaire/notices", headers={"User-Agent": "curl/8.5.0"})
    client.get("/api/v1/territories/seine-estuaire/notices", headers={"User-Agent": "Googlebot/2.1"})
    assert views(world.x, AudienceKind.API) == 1


def test_prefetches_are_not_views(client, world):
    client.get("/seine-estuaire/", headers={"User-Agent": BROWSER, "Sec-Purpose": "prefetch"})
    assert views(world.x, AudienceKind.PAGE) == 0


def test_console_pages_failures_and_posts_are_not_counted(client, world):
    client.force_login(world.coordinator_x)
    assert client.get("/console/", headers={"User-Agent": BROWSER}).status_code == 200
    assert client.get("/console/statistiques/seine-estuaire/", headers={"User-Agent": BROWSER}).status_code == 200
    assert client.get("/pas-un-territoire/", headers={"User-Agent": BROWSER}).status_code == 404
    assert client.get("/seine-estuaire/messages/999999/", headers={"User-Agent": BROWSER}).status_code == 404
    client.post("/seine-estuaire/", headers={"User-Agent": BROWSER})
    counting.flush()
    assert not DailyCount.objects.exists()


def _queries(path):
    client = Client()  # a new handler, which loads MIDDLEWARE as it is now
    cache.clear()  # the same cold page cache for both runs
    with CaptureQueriesContext(connection) as cold:
        assert client.get(path, headers={"User-Agent": BROWSER}).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(path, headers={"User-Agent": BROWSER}).status_code == 200
    return len(cold), len(warm)


def test_counting_adds_no_query_to_the_public_page(world, settings):
    world.publish()
    with_counting = _queries("/seine-estuaire/")
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "stats.middleware.PageViewCounter"]
    without_counting = _queries("/seine-estuaire/")
    assert with_counting == without_counting
    settings.MIDDLEWARE = settings.MIDDLEWARE + ["stats.middleware.PageViewCounter"]
    assert views(world.x, AudienceKind.PAGE) == 2  # counted only while the middleware was there


def test_views_counted_during_a_flush_are_kept_for_the_next(world):
    day = timezone.localdate()
    for _ in range(3):
        counting.record("seine-estuaire", AudienceKind.PAGE, day)
    assert counting.flush() == 3
    counting.record("seine-estuaire", AudienceKind.PAGE, day)
    counting.record("seine-estuaire", AudienceKind.PAGE, day)
    call_command("flush_page_views", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert DailyCount.objects.get(day=day, territory=world.x, kind=AudienceKind.PAGE).count == 5


def test_counters_of_yesterday_are_flushed_on_their_own_day(world):
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    counting.record("seine-estuaire", AudienceKind.FEED, yesterday)
    counting.flush()
    assert DailyCount.objects.get(territory=world.x, kind=AudienceKind.FEED).day == yesterday


def test_a_cache_outage_never_costs_the_resident_their_page(client, world, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(counting, "record", broken)
    assert client.get("/seine-estuaire/", headers={"User-Agent": BROWSER}).status_code == 200


@override_settings(STATS_FLUSH_IN_PROCESS=True)
def test_a_web_process_with_its_own_cache_flushes_by_itself(world):
    from stats.middleware import PageViewCounter

    middleware = PageViewCounter(lambda request: None)
    counting.record("seine-estuaire", AudienceKind.PAGE)
    middleware.schedule.push_at = middleware.schedule.flush_at = 0  # a minute has passed
    middleware.schedule.run_due()
    assert DailyCount.objects.get(territory=world.x, kind=AudienceKind.PAGE).count == 1


@override_settings(STATS_FLUSH_IN_PROCESS=False)
def test_a_web_process_pushes_its_views_to_the_shared_cache_every_few_seconds(world):
    from stats.middleware import PageViewCounter

    middleware = PageViewCounter(lambda request: None)
    key = counting.counter_key(timezone.localdate(), "seine-estuaire", AudienceKind.PAGE)
    counting.record("seine-estuaire", AudienceKind.PAGE)
    counting.record("seine-estuaire", AudienceKind.PAGE)
    middleware.schedule.run_due()
    assert cache.get(key) is None  # not yet: one push every few seconds
    middleware.schedule.push_at = 0
    middleware.schedule.run_due()
    assert cache.get(key) == 2 and not DailyCount.objects.exists()  # the database waits for the flush


def test_views_survive_a_failed_push(world, monkeypatch):
    counting.record("seine-estuaire", AudienceKind.PAGE)

    def down(cache, counts):
        raise ConnectionError("cache down")

    monkeypatch.setattr(counting, "_add_to_cache", down)
    with pytest.raises(ConnectionError):
        counting.push()
    monkeypatch.undo()
    assert views(world.x, AudienceKind.PAGE) == 1


def test_the_flush_task_moves_the_views(world):
    from stats.tasks import flush_page_views

    counting.record("etang-de-berre", AudienceKind.WIDGET)
    flush_page_views.enqueue()  # the test settings run tasks at once
    assert DailyCount.objects.get(territory=world.y, kind=AudienceKind.WIDGET).count == 1
