"""Every public read with a validator answers a revalidation with a 304 (riverains.http): the
territory page, the active-notices JSON, a feed, the widget and the spoken bulletin; with the
ETag as sent, with the weak form W/"…" that the shipped nginx gives gzipped answers, and with
If-Modified-Since. A publish turns every one of them into a full answer at once."""
import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from riverains.testing import settle_changes
from voice.services import regenerate_bulletin, territory_dir

from .helpers import ongoing

RESOURCES = {
    "page": "/seine-estuaire/",
    "api": "/api/v1/territories/seine-estuaire/notices?status=active",
    "feed": "/seine-estuaire/feed.atom",
    "widget": "/relais/widget/seine-estuaire/?communes=76351",
    "audio": "/voix/seine-estuaire/bulletin.mp3",
}


@pytest.fixture
def audio(settings, tmp_path):
    """Bulletins written under a temporary MEDIA_ROOT (espeak-ng, as in production)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VOICE_REGENERATE_ON_CHANGE = False
    settings.PIPER_MODEL = ""


@pytest.fixture
def published(world, audio):
    """A notice under way, written (with its bulletin) a few minutes ago."""
    ongoing(world, title="Torchage à la raffinerie")
    settle_changes()
    regenerate_bulletin(world.x)
    _age_files(world)
    return world


def _age_files(world):
    past = time.time() - 180
    for path in territory_dir(world.x).iterdir():
        os.utime(path, (past, past))


def fetch(client, name, **headers):
    return client.get(RESOURCES[name], headers=headers)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("name", RESOURCES)
def test_a_revalidation_with_the_etag_gets_a_304_without_a_body(published, client, name):
    first = fetch(client, name)
    assert first.status_code == 200 and body(first)
    again = fetch(client, name, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == first["Cache-Control"]


@pytest.mark.parametrize("name", RESOURCES)
def test_the_weak_etag_nginx_gives_a_gzipped_answer_gets_a_304_too(published, client, name):
    etag = fetch(client, name)["ETag"]
    assert not etag.startswith("W/")
    again = fetch(client, name, **{"If-None-Match": f'"something-else", W/{etag}'})
    assert again.status_code == 304


@pytest.mark.parametrize("name", RESOURCES)
def test_if_modified_since_gets_a_304_when_nothing_changed_since(published, client, name):
    first = fetch(client, name)
    assert first["Last-Modified"]
    again = fetch(client, name, **{"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304 and again.content == b""
    assert again["Last-Modified"] == first["Last-Modified"]
    # A date before the last change is answered in full.
    before = http_date(time.time() - 3600)
    assert fetch(client, name, **{"If-Modified-Since": before}).status_code == 200


@pytest.mark.parametrize("name", RESOURCES)
def test_after_a_publish_the_old_validators_get_the_new_content(published, client, name):
    first = fetch(client, name)
    ongoing(published, title="Bruit de soupape")
    regenerate_bulletin(published.x)
    for headers in [{"If-None-Match": first["ETag"]}, {"If-None-Match": "W/" + first["ETag"]},
                    {"If-Modified-Since": first["Last-Modified"]}]:
        changed = fetch(client, name, **headers)
        assert changed.status_code == 200, headers
        assert changed["ETag"] != first["ETag"]
        if name != "audio":
            assert "Bruit de soupape" in body(changed).decode()


@pytest.mark.parametrize("name", ["page", "api", "widget"])
def test_a_change_of_the_last_minute_sends_no_date_a_second_change_could_share(world, client, name):
    # Last-Modified counts whole seconds: a client holding the first of two versions written
    # within one second would get a 304 for the second. So a fresh change is validated by its
    # ETag alone, and an If-Modified-Since never hides it.
    settle_changes()
    settled = fetch(client, name)["Last-Modified"]
    ongoing(world, title="Torchage à la raffinerie", starts_at=timezone.now() - timedelta(minutes=1))
    fresh = fetch(client, name, **{"If-Modified-Since": settled})
    assert fresh.status_code == 200 and "Last-Modified" not in fresh
    assert "Torchage à la raffinerie" in fresh.content.decode()


@pytest.mark.parametrize("name", RESOURCES)
def test_nginx_is_told_to_keep_a_copy_fresh_until_the_end_of_the_second(published, client, name):
    # Then one more second while it revalidates it (pages, JSON, feeds, widget: the audio is not
    # served stale at all), so the shipped micro-cache never serves a copy more than 2 s after it
    # was current (deploy/nginx/riverains.conf, public/tests/test_shipped_nginx.py).
    before = int(time.time())
    for response in [fetch(client, name), fetch(client, name, **{"If-None-Match": fetch(client, name)["ETag"]})]:
        assert response["X-Accel-Expires"] in {f"@{second}" for second in range(before, int(time.time()) + 1)}
        assert ("stale-while-revalidate=1" in response["Cache-Control"]) == (name != "audio")
