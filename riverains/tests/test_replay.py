"""The surge's hot path (riverains.replay): the web process replays the territory page and the
active-notices JSON without going through Django while the territory's version holds, and never
serves an answer older than a publish. Requests go through the WSGI entry point as gunicorn
calls it; the per-process memory cache stands in for Redis (the mechanism is the same)."""
import json
import sys
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone

from notices import reads, services
from riverains import replay
from stats import counting

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36"


class Server:
    """gunicorn's side of WSGI: environ in, status, headers and body out; counts what Django saw."""

    def __init__(self):
        self.django = WSGIHandler()
        self.reached_django = 0
        self.application = replay.ReplayingApplication(self._django)

    def _django(self, environ, start_response):
        self.reached_django += 1
        return self.django(environ, start_response)

    def get(self, path, query="", **headers):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
                   "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
                   "wsgi.input": BytesIO(b""), "wsgi.errors": sys.stderr, "REMOTE_ADDR": "127.0.0.1",
                   "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": BROWSER, **headers}
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = status, dict(response_headers)

        body = self.application(environ, start_response)
        try:
            answer["body"] = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return answer


@pytest.fixture
def server(settings):
    settings.SHARED_CACHE = True
    cache.clear()
    # As Django's test client does: the test's own database connection stays open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield Server()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    cache.clear()


def json_url(world):
    return f"/api/v1/territories/{world.x.slug}/notices", "status=active"


def moment_free(headers):
    return {name: value for name, value in headers.items() if name not in ("X-Accel-Expires", "Last-Modified")}


def test_the_active_notices_json_is_replayed_as_the_whole_stack_made_it(server, world, django_assert_num_queries):
    world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=1), title="Torchage imprévu")
    first = server.get(*json_url(world))
    assert first["status"] == "200 OK" and server.reached_django == 1
    with django_assert_num_queries(0):
        again = [server.get(*json_url(world)) for _ in range(3)]
    assert server.reached_django == 1
    for answer in again:
        assert answer["status"] == "200 OK"
        assert answer["body"] == first["body"]
        # Every header the middlewares added: the open-data licence, CORS, CSP, nosniff…
        assert moment_free(answer["headers"]) == moment_free(first["headers"])
        assert answer["headers"]["Access-Control-Allow-Origin"] == "*"
        assert answer["headers"]["X-Content-Type-Options"] == "nosniff"
        assert answer["headers"]["X-Accel-Expires"].startswith("@")
    assert b"Torchage impr" in again[-1]["body"]


def test_the_territory_page_is_replayed_too(server, world):
    first = server.get(f"/{world.x.slug}/")
    assert first["status"] == "200 OK"
    second = server.get(f"/{world.x.slug}/")
    assert server.reached_django == 1
    assert second["body"] == first["body"]
    assert second["headers"]["Content-Language"] == "fr"


def test_a_publish_is_served_at_once_never_the_replayed_copy(server, world, django_capture_on_commit_callbacks):
    server.get(*json_url(world))
    assert json.loads(server.get(*json_url(world))["body"])["count"] == 0
    assert server.reached_django == 1
    with django_capture_on_commit_callbacks(execute=True):
        notice = world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=1), title="Fumée noire")
    after_publish = json.loads(server.get(*json_url(world))["body"])
    assert [n["title"] for n in after_publish["results"]] == ["Fumée noire"]
    page = server.get(f"/{world.x.slug}/")
    assert "Fumée noire" in page["body"].decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.end(world.operator_a, notice)
    assert json.loads(server.get(*json_url(world))["body"])["count"] == 0


def test_a_scheduled_start_passing_is_not_hidden_by_a_replayed_copy(server, world, monkeypatch):
    world.publish(starts_at=timezone.now() + timedelta(minutes=30), title="Essai de sirène")
    reads.invalidate(world.x.pk)
    assert b"Essai de sir" not in server.get(*json_url(world))["body"]
    assert server.reached_django == 1
    # Half an hour later: nothing was written, but the answer's own expiry has passed.
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr(replay.time, "time", lambda: later.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: later)
    answer = server.get(*json_url(world))
    assert server.reached_django == 2
    assert "Essai de sirène" in answer["body"].decode()


def test_conditional_and_signed_in_requests_go_through_django(server, world):
    first = server.get(*json_url(world))
    revalidation = server.get(*json_url(world), HTTP_IF_NONE_MATCH=first["headers"]["ETag"])
    assert revalidation["status"] == "304 Not Modified"
    server.get(*json_url(world), HTTP_COOKIE="sessionid=abc; lang=fr")
    assert server.reached_django == 3


def test_nothing_is_replayed_without_a_shared_cache(server, world, settings):
    settings.SHARED_CACHE = False
    server.get(*json_url(world))
    server.get(*json_url(world))
    assert server.reached_django == 2


def test_errors_and_other_addresses_are_not_kept(server, world):
    assert server.get("/api/v1/territories/inconnu/notices", "status=active")["status"].startswith("404")
    server.get("/api/v1/territories/inconnu/notices", "status=active")
    server.get("/api/v1/territories", "")
    server.get("/api/v1/territories", "")
    assert server.reached_django == 4


def test_replayed_views_are_counted_by_the_same_rules(server, world):
    counting.tally.take()
    for _ in range(3):
        server.get(*json_url(world))
    server.get(*json_url(world), HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    counts = counting.tally.take()
    assert server.reached_django == 1
    assert sum(counts.values()) == 3, counts
    assert all(f":{world.x.slug}:" in key for key in counts)


def test_a_flood_of_distinct_addresses_cannot_grow_the_memory(server, world):
    server.application.size = 5
    for number in range(12):
        server.get(*json_url(world)[:1], f"status=active&n={number}")
    assert len(server.application.entries) == 5
