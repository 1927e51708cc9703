"""Counts views of public territory pages, notice pages, feeds, API and widget requests.

Appended last to MIDDLEWARE, so it sees the final response (cached pages and 304s included).
It only adds one to an in-memory tally (pushed to the shared cache every few seconds): no database
access, no cookie, nothing stored about the visitor (see stats.counting)."""
import logging
import time

from . import counting

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 300


class PageViewCounter:
    def __init__(self, get_response):
        self.get_response = get_response
        # Looked up once: `caches[alias]` goes through thread-local storage on every call. Cache
        # backends are safe to share between threads (locmem locks, redis-py pools connections).
        self.schedule = counting.Schedule(counting.counter_cache())
        self.warned_at = float("-inf")

    def __call__(self, request):
        response = self.get_response(request)
        try:
            hit = counting.classify(request, response)
            if hit is not None:
                counting.record(*hit)
                self._count_replays(response, *hit)
        except Exception:  # counting must never cost a resident their page
            self._warn()
        self.schedule.run_due()
        return response

    def _count_replays(self, response, slug, kind):
        """An answer the web process will replay without Django (riverains.replay) is counted at
        each replay by the same rules, the automated readers left out."""
        replayable = getattr(response, "replayable", None)
        if replayable is None:
            return

        def count(environ):
            try:
                agent = environ.get("HTTP_USER_AGENT", "")
                purpose = environ.get("HTTP_SEC_PURPOSE", environ.get("HTTP_PURPOSE", ""))
                if not counting.automated(agent, purpose, kind):
                    counting.record(slug, kind)
            except Exception:
                self._warn()
            self.schedule.run_due()

        replayable.on_replay.append(count)

    def _warn(self):
        # Once in a while only: during a cache outage every request would fail the same way.
        if time.monotonic() - self.warned_at > WARN_EVERY_SECONDS:
            self.warned_at = time.monotonic()
            logger.warning("Page view not counted", exc_info=True)
