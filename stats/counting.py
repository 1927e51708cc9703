"""Audience counting without cookies and without personal data.

The public read path only adds one to an in-memory tally keyed by (day, territory, kind): no
address, no browser string, no identifier is kept anywhere, so no consent banner is needed. Every
few seconds a web process pushes its tally to counters in the shared cache (one Redis round trip);
`flush()` moves those counters into `DailyCount` rows. The scheduler runs it every minute
(`manage.py flush_page_views`) and the statistics pages run it before reading.

The counter and the row always change by the same amount (the row grows by n, the counter shrinks
by n), so their sum is the true count even if two flushes overlap."""
import logging
import re
import threading
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from functools import lru_cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from riverains.env import env, env_bool, setting
from territories.models import Territory

from .models import AudienceKind, DailyCount, add_counts

logger = logging.getLogger(__name__)

# Counters live this long: a scheduler stopped for up to two days loses nothing.
COUNTER_TIMEOUT = 3 * 24 * 3600
FLUSH_DAYS = 3
FLUSH_LOCK_SECONDS = 60
# A web process hands its views to the shared cache this often; a process killed loses at most these.
PUSH_SECONDS = 5.0
FLUSH_SECONDS = 60.0
WARN_EVERY_SECONDS = 300

# Search engines, link previews and uptime probes are not residents.
CRAWLER_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|pingdom|uptime|monitor|"
    r"lighthouse|headless|phantomjs",
    re.IGNORECASE,
)
# Scripts are how partners use feeds and the API, but nobody reads a web page with curl.
SCRIPT_AGENTS = re.compile(
    r"curl|wget|python-|aiohttp|httpx|go-http|java/|okhttp|libwww|httpclient|scrapy|node-fetch|axios",
    re.IGNORECASE,
)
READER_KINDS = {AudienceKind.PAGE, AudienceKind.NOTICE, AudienceKind.WIDGET}

VIEW_KINDS = {
    "public:territory": AudienceKind.PAGE,
    "public:history": AudienceKind.PAGE,
    "public:site": AudienceKind.PAGE,
    "public:notice": AudienceKind.NOTICE,
}
NAMESPACE_KINDS = {"feeds": AudienceKind.FEED, "api": AudienceKind.API}
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
# A 304 is a reader coming back to a page their browser already holds: still a view.
COUNTED_STATUSES = {200, 304}


def counter_key(day, slug, kind):
    return f"stats:views:{day.isoformat()}:{slug}:{kind}"


def kind_of(resolver_match):
    """The audience kind of a resolved public address, or None for everything else."""
    name = resolver_match.view_name
    if "widget" in name:
        return AudienceKind.WIDGET
    return VIEW_KINDS.get(name) or NAMESPACE_KINDS.get(resolver_match.namespace)


def territory_slug(request, kind):
    return _slug(request.resolver_match, kind, lambda: request.GET)


def _slug(match, kind, query):
    """`query` returns the query string's QueryDict: only called for the API (parsing it for
    every page would cost the read path for nothing)."""
    kwargs = match.kwargs
    slug = kwargs.get("territory")
    if kind == AudienceKind.API:
        # /api/v1/territories/<slug>/…, or /api/v1/notices?territory=<slug>
        slug = slug or kwargs.get("slug") or query().get("territory")
    return slug if isinstance(slug, str) and SLUG.match(slug) else None


@lru_cache(maxsize=4096)
def agent_class(agent):
    """"crawler", "script" or "reader". Remembered: a handful of browser strings make most of the
    traffic, and a dictionary lookup costs far less than the regular expressions."""
    if not agent or CRAWLER_AGENTS.search(agent):
        return "crawler"
    return "script" if SCRIPT_AGENTS.search(agent) else "reader"


def automated(agent, purpose, kind):
    if "prefetch" in purpose:
        return True  # the browser guessing, not the reader opening the page
    found = agent_class(agent)
    return found == "crawler" or (found == "script" and kind in READER_KINDS)


def classify(request, response):
    """(territory slug, kind) when this response is one view to count, else None."""
    meta = request.META
    return classify_parts(
        request.method, response.status_code, getattr(request, "resolver_match", None),
        meta.get("HTTP_USER_AGENT", ""), meta.get("HTTP_SEC_PURPOSE", meta.get("HTTP_PURPOSE", "")),
        lambda: request.GET,
    )


def classify_parts(method, status, match, agent, purpose, query):
    """classify() from the parts of a request, so that requests the application never saw (nginx's
    cache log, see classify_path) follow the same rules. `query` returns the query string's
    QueryDict, parsed only for the API."""
    if method != "GET" or status not in COUNTED_STATUSES or match is None:
        return None
    kind = kind_of(match)
    if kind is None:
        return None
    slug = _slug(match, kind, query)
    if slug is None or automated(agent, purpose, kind):
        return None
    return slug, kind


def classify_path(method, status, uri, agent="", purpose=""):
    """classify() for a request known by its line in nginx's log: the raw URI as sent (path and
    query string), the User-Agent and Sec-Purpose (or Purpose) headers."""
    path, _, query = uri.partition("?")
    path = unquote(path)  # what Django resolves (PATH_INFO) is decoded
    # The language prefix (/en/…) resolves only under its language, as LocaleMiddleware does it.
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    return classify_parts(method, status, match, agent, purpose, lambda: QueryDict(query))


def counter_cache():
    return caches[setting("STATS_CACHE", env, "default")]


class _Today:
    """The Paris calendar day, recomputed only when midnight passes (timezone.localdate() goes
    through thread-local lookups that cost more than the counting itself)."""

    day, until = None, 0.0

    def __call__(self):
        now = time.time()
        if now >= self.until:
            local = datetime.fromtimestamp(now, ZoneInfo(settings.TIME_ZONE))
            self.day = local.date()
            self.until = datetime.combine(self.day + timedelta(days=1), dt_time(), tzinfo=local.tzinfo).timestamp()
        return self.day


today = _Today()


class Tally:
    """This process's views since its last push, {cache key: views}: adding one is a dictionary
    update under a lock (about a microsecond), so no request waits on the cache server."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, key, views=1):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + views

    def take(self):
        with self.lock:
            counts, self.counts = self.counts, {}
        return counts


tally = Tally()


def record(slug, kind, day=None):
    """Count one view. It reaches the shared cache at the next push (a few seconds at most)."""
    tally.add(counter_key(day or today(), slug, kind))


def add_views(counts, cache=None):
    """Add {counter_key(): views} straight to the shared cache counters, bypassing this process's
    tally: for counts whose source remembers what it has handed over (count_cached_views), which
    must not see them come back to the tally if the cache refuses them."""
    if counts:
        _add_to_cache(cache or counter_cache(), counts)


def push(cache=None):
    """Add this process's tally to the shared cache counters: one Redis round trip for all of
    them. If the cache is unreachable the views go back to the tally for the next push."""
    counts = tally.take()
    if not counts:
        return
    try:
        _add_to_cache(cache or counter_cache(), counts)
    except Exception:
        for key, views in counts.items():
            tally.add(key, views)
        raise


def _add_to_cache(cache, counts):
    if isinstance(cache, RedisCache):
        # INCRBY creates a missing counter (Django's incr() would first check that it exists),
        # and Django's Redis serializer stores integers as plain numbers, so get_many() reads them.
        keys = {key: cache.make_and_validate_key(key) for key in counts}
        pipe = cache._cache.get_client(write=True).pipeline(transaction=False)
        for key, views in counts.items():
            pipe.incrby(keys[key], views)
            pipe.expire(keys[key], COUNTER_TIMEOUT)
        pipe.execute()
        return
    for key, views in counts.items():
        try:
            cache.incr(key, views)
        except ValueError:  # first views of the day for this counter
            if not cache.add(key, views, COUNTER_TIMEOUT):
                cache.incr(key, views)


def pending(now=None):
    """{cache key: (day, territory id, kind)} of every counter a flush must look at."""
    today = timezone.localdate(now)
    days = [today - timedelta(days=n) for n in range(FLUSH_DAYS)]
    territories = Territory.objects.values_list("slug", "pk")
    return {
        counter_key(day, slug, kind): (day, pk, kind)
        for day in days
        for slug, pk in territories
        for kind in AudienceKind.values
    }


def flush(now=None):
    """Move the cache counters into DailyCount rows; returns the number of views moved. This
    process's own tally goes first; other web processes push theirs every few seconds."""
    cache = counter_cache()
    push(cache)
    if not cache.add("stats:views:flush-lock", 1, FLUSH_LOCK_SECONDS):
        return 0  # another process is flushing; its rows will be there in a moment
    try:
        keys = pending(now)
        moved = 0
        for key, value in cache.get_many(list(keys)).items():
            if value and value > 0:
                _move(cache, key, value, *keys[key])
                moved += value
        return moved
    finally:
        cache.delete("stats:views:flush-lock")


def _move(cache, key, value, day, territory_id, kind):
    with transaction.atomic():
        add_counts(DailyCount, {"day": day, "territory_id": territory_id, "kind": kind}, count=value)
        # Inside the transaction: if the cache refuses, the row is not written either.
        cache.decr(key, value)


class Schedule:
    """What a web process does now and then, checked after each response with one clock read:
    push its tally to the shared cache every PUSH_SECONDS; and, when the cache is per process (no
    REDIS_URL, so no other process can read its counters), flush them to the database itself
    every FLUSH_SECONDS."""

    def __init__(self, cache):
        self.cache = cache
        flushes = setting("STATS_FLUSH_IN_PROCESS", env_bool, None)
        self.flushes = _cache_is_per_process() if flushes is None else flushes
        now = time.monotonic()
        self.push_at, self.flush_at = now + PUSH_SECONDS, now + FLUSH_SECONDS
        self.warned_at = float("-inf")

    def run_due(self):
        now = time.monotonic()
        if now < self.push_at:
            return
        self.push_at = now + PUSH_SECONDS
        try:
            if self.flushes and now >= self.flush_at:
                self.flush_at = now + FLUSH_SECONDS
                flush()
            else:
                push(self.cache)
        except Exception:  # the page is served all the same; the views wait for the next time
            if now - self.warned_at > WARN_EVERY_SECONDS:  # not every 5 s through a cache outage
                self.warned_at = now
                logger.warning("Page views not pushed or flushed yet", exc_info=True)


def _cache_is_per_process():
    alias = setting("STATS_CACHE", env, "default")
    return settings.CACHES[alias]["BACKEND"].endswith("LocMemCache")
