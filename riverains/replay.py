"""The surge's hot path: public answers replayed by the web process without going through Django.

During an incident everyone asks for the same few addresses (the territory page, the
active-notices JSON, the feeds). Their answers are already cached under the territory's
version (notices.reads), yet reaching that cache through Django's request object, URL
resolution, nine middlewares and django-ninja costs more CPU than the answer itself (about
0.7 ms of the 0.8 ms a cache hit took, bench/RESULTS.md). So the WSGI entry point
(riverains.wsgi) keeps, per process, the last full answer of each such address exactly as the
whole stack produced it (every header the middlewares added, view counting arranged by the view
counter), and replays it while the territory's version in the shared cache has not moved and
the answer's own expiry (a scheduled start, midnight) has not passed: one small cache read per
request, the same freshness as the cache behind it, since every publish bumps that version
after commit.

Only what the view marked (`mark`) is ever replayed, only with a shared cache, only for plain
GETs: a request with a session cookie (like the shipped nginx, which bypasses its cache for
them), a conditional or range request, goes through Django as before. An answer that sets a
cookie, varies on a request header or streams is never kept."""
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils.http import http_date

from .http import proxy_expiry, timestamp

# Request headers that make an answer depend on more than the address: such requests always go
# through Django (which answers 304, 412 or 206 as the case may be).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
               "HTTP_IF_RANGE", "HTTP_RANGE")

# Headers recomputed at each replay (they depend on the moment), never replayed as captured.
PER_MOMENT = {"last-modified", "x-accel-expires"}

# Addresses kept per process, most recently used first: a flood of distinct query strings only
# evicts, it cannot grow the memory.
SIZE = 256


@dataclass
class Replayable:
    """What a view says about an answer it made, so that it can be replayed while it holds."""

    version_key: str  # the shared cache's key whose value must still be `version`
    version: object
    valid_until: float  # epoch seconds: the answer changes at that moment even without a write
    last_modified: datetime | None
    # Called at each replay with the WSGI environ (the view counter counts the view).
    on_replay: list = field(default_factory=list)


def mark(response, *, version_key, version, valid_until, last_modified):
    """Let the WSGI entry point replay `response` (a complete 200) while the version holds."""
    if settings.SHARED_CACHE:
        response.replayable = Replayable(version_key, version, valid_until.timestamp(), last_modified)
    return response


@dataclass
class Entry:
    replayable: Replayable
    status: str
    headers: list
    body: bytes
    public: bool  # Cache-Control says public: the shipped nginx gets its X-Accel-Expires


class ReplayingApplication:
    """WSGI middleware around Django's application (see the module's docstring)."""

    def __init__(self, application, size=SIZE):
        self.application = application
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()  # gthread workers share the entries

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.application(environ, start_response)
        entry = self.entries.get(key)
        if entry is not None:
            body = self._replay(key, entry, environ, start_response)
            if body is not None:
                return body
        return self._through(key, environ, start_response)

    @staticmethod
    def _key(environ):
        if environ.get("REQUEST_METHOD") != "GET" or not settings.SHARED_CACHE:
            return None
        if any(name in environ for name in CONDITIONAL):
            return None
        if settings.SESSION_COOKIE_NAME + "=" in environ.get("HTTP_COOKIE", ""):
            return None
        return (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("PATH_INFO"),
                environ.get("QUERY_STRING", ""))

    def _replay(self, key, entry, environ, start_response):
        started = time.time()
        held = entry.replayable
        if started >= held.valid_until or cache.get(held.version_key, 0) != held.version:
            with self.lock:
                self.entries.pop(key, None)
            return None
        headers = list(entry.headers)
        seconds = timestamp(held.last_modified)
        if seconds is not None:
            headers.append(("Last-Modified", http_date(seconds)))
        if entry.public:
            headers.append(("X-Accel-Expires", proxy_expiry(started)))
        start_response(entry.status, headers)
        for count in held.on_replay:
            count(environ)
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
        return [entry.body]

    def _through(self, key, environ, start_response):
        captured = []

        def capture(status, headers, exc_info=None):
            captured.append((status, headers))
            return start_response(status, headers, exc_info)

        response = self.application(environ, capture)
        held = getattr(response, "replayable", None)
        if held is None or not captured or not self._keepable(response, *captured[-1]):
            return response
        try:
            body = b"".join(response)
        finally:
            response.close()
        status, headers = captured[-1]
        kept = [(name, value) for name, value in headers if name.lower() not in PER_MOMENT]
        public = any(name.lower() == "cache-control" and "public" in value for name, value in kept)
        with self.lock:
            self.entries[key] = Entry(held, status, kept, body, public)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return [body]

    @staticmethod
    def _keepable(response, status, headers):
        if not status.startswith("200 ") or getattr(response, "streaming", False):
            return False
        names = {name.lower() for name, _ in headers}
        if "set-cookie" in names:
            return False
        vary = ",".join(value for name, value in headers if name.lower() == "vary")
        return all(part.strip().lower() in ("", "accept-encoding") for part in vary.split(","))
