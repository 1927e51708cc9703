"""The SHIPPED nginx configuration (deploy/nginx/riverains.conf, made runnable by bench/stack.py
with only paths, ports, pid and cache directory substituted) in front of the application: a
publish is seen through its micro-cache within 2 s, the first visitor after a quiet period
included; the crowd gets the copy while one request revalidates it; a copy nginx gzipped (weak
ETag) is revalidated for a 304, and so is one asked with If-Modified-Since.

Skipped where nginx is not installed (.ci/run installs Debian's package, so CI runs it)."""
import gzip
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.shipped_nginx import needs_nginx, running_nginx

from .helpers import ongoing

PAGE = "/seine-estuaire/"
JSON = "/api/v1/territories/seine-estuaire/notices?status=active"
# The promise: no copy older than a publish by more than this.
FRESH_WITHIN = 2.0

pytestmark = needs_nginx


@pytest.fixture
def nginx(live_server):
    """The shipped configuration in front of the live test server; yields its base URL."""
    with running_nginx(live_server.thread.port) as (_workdir, port, _process):
        yield f"http://127.0.0.1:{port}"


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers = status, headers
        self.text = (gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body).decode()

    @property
    def cache(self):
        return self.headers.get("X-Cache-Status")


def get(base, path, **headers):
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:  # a 304 comes as an "error" from urllib
        return Answer(error.code, error.headers, error.read())


@pytest.mark.parametrize("path", [PAGE, JSON])
def test_the_first_visitor_after_a_quiet_period_sees_the_last_publish(world, nginx, path):
    answers = [get(nginx, path) for _ in range(4)]
    # The copy is kept: served as it is, or after a 304 from the application when a slow machine
    # let it expire (a copy lives 1 to 2 s).
    assert answers[0].cache == "MISS" and {a.cache for a in answers[1:]} <= {"HIT", "REVALIDATED"}
    assert "Torchage visible depuis Harfleur" not in answers[-1].text
    # Nobody visits; a notice is published; the cached copy is left alone for a while. The old
    # configuration (use_stale updating + background update) then handed the first visitor the
    # old copy, however old.
    ongoing(world, title="Torchage visible depuis Harfleur")
    time.sleep(FRESH_WITHIN + 1)
    first = get(nginx, path)
    assert first.status == 200 and "Torchage visible depuis Harfleur" in first.text, first.cache


@pytest.mark.parametrize("path", [PAGE, JSON])
def test_during_visits_a_publish_shows_within_2_seconds(world, nginx, path):
    assert get(nginx, path).status == 200  # a copy in the cache
    ongoing(world, title="Bruit de soupape")
    published = time.monotonic()
    late = []
    while (asked := time.monotonic()) < published + FRESH_WITHIN + 1:
        answer = get(nginx, path)
        if asked >= published + FRESH_WITHIN and "Bruit de soupape" not in answer.text:
            late.append((round(asked - published, 2), answer.cache))
        time.sleep(0.05)
    assert late == []


@pytest.mark.parametrize("path", [PAGE, JSON])
def test_a_gzipped_copy_is_revalidated_with_its_weak_etag(world, nginx, path):
    ongoing(world, title="Torchage")  # enough text for nginx to compress the JSON too
    first = get(nginx, path, **{"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and "Torchage" in first.text
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')  # nginx's gzip weakened the application's ETag
    again = get(nginx, path, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status == 304
    # Once the copy has expired nginx asks the application, which answers 304 to the copy's ETag.
    time.sleep(FRESH_WITHIN + 0.2)
    revalidated = get(nginx, path, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert revalidated.status == 304 and revalidated.cache == "REVALIDATED"


def test_while_one_request_revalidates_the_crowd_gets_the_copy(world, nginx, monkeypatch):
    """The surge protection kept: just after a copy expires, one request asks the application
    (here made slow) and the others are answered with the copy meanwhile (UPDATING)."""
    from public import cache as public_cache

    real = public_cache.fingerprint
    seen = []
    for _attempt in range(3):
        monkeypatch.setattr(public_cache, "fingerprint", real)
        assert get(nginx, PAGE).status == 200  # a copy, fresh until the end of this second
        time.sleep(1.05 - time.time() % 1)  # the next second: expired, within the one-second grace

        def slow(territory):
            time.sleep(0.6)
            return real(territory)

        monkeypatch.setattr(public_cache, "fingerprint", slow)
        revalidating = threading.Thread(target=get, args=(nginx, PAGE))
        revalidating.start()
        time.sleep(0.15)
        crowd = get(nginx, PAGE)
        revalidating.join(10)
        seen.append(crowd.cache)
        if crowd.cache == "UPDATING":
            assert crowd.status == 200  # the copy, not held behind the slow revalidation
            return
    pytest.fail(f"never answered with the copy during a revalidation: {seen}")


@pytest.mark.parametrize("path", [PAGE, JSON])
def test_if_modified_since_gets_a_304_through_nginx(world, nginx, path):
    from riverains.testing import settle_changes

    ongoing(world, title="Torchage")
    settle_changes()  # Last-Modified is only sent for a change over a minute old (riverains/http.py)
    first = get(nginx, path, **{"Accept-Encoding": "gzip"})
    assert first.status == 200 and first.headers["Last-Modified"]
    again = get(nginx, path, **{"Accept-Encoding": "gzip", "If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status == 304
    time.sleep(FRESH_WITHIN + 0.2)  # expired: nginx revalidates with the application first
    revalidated = get(nginx, path, **{"Accept-Encoding": "gzip", "If-Modified-Since": first.headers["Last-Modified"]})
    assert revalidated.status == 304 and revalidated.cache == "REVALIDATED"
