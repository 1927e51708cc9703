from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from notices.models import Notice
from voice.models import Bulletin
from voice.services import regenerate_bulletin

from .simulator import Provider

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name, content_type, encoding", [
    ("bulletin.wav", "audio/wav", "u-law"),
    ("bulletin-alaw.wav", "audio/wav", "a-law"),
    ("bulletin.mp3", "audio/mpeg", "mpeg audio"),
])
def test_each_format_has_a_stable_address(world, voice, client, name, content_type, encoding):
    regenerate_bulletin(world.x)
    response = client.get(f"/voix/seine-estuaire/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "max-age=10" in response["Cache-Control"] and "public" in response["Cache-Control"]
    audio = Provider(client, base="http://testserver").fetch_audio(f"http://testserver/voix/seine-estuaire/{name}")
    assert audio.encoding.lower().startswith(encoding) and audio.channels == 1 and audio.rms > 0.01


def test_the_etag_follows_the_content_and_saves_a_download(world, voice, client):
    regenerate_bulletin(world.x)
    first = client.get("/voix/seine-estuaire/bulletin.wav")
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    again = client.get("/voix/seine-estuaire/bulletin.wav", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    world.publish(title="Nouveau torchage", starts_at=timezone.now() - timedelta(minutes=1))
    regenerate_bulletin(world.x)
    changed = client.get("/voix/seine-estuaire/bulletin.wav", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_safari_gets_the_audio_in_ranges(world, voice, client):
    # Safari and iOS refuse to play audio that is not served by byte ranges.
    regenerate_bulletin(world.x)
    url = "/voix/seine-estuaire/bulletin.mp3"
    whole = body(client.get(url))
    assert client.get(url)["Accept-Ranges"] == "bytes"
    probe = client.get(url, HTTP_RANGE="bytes=0-1")
    assert probe.status_code == 206 and body(probe) == whole[:2]
    assert probe["Content-Range"] == f"bytes 0-1/{len(whole)}" and probe["Content-Length"] == "2"
    middle = client.get(url, HTTP_RANGE="bytes=100-")
    assert middle.status_code == 206 and body(middle) == whole[100:]
    tail = client.get(url, HTTP_RANGE="bytes=-500")
    assert body(tail) == whole[-500:] and tail["Content-Range"] == f"bytes {len(whole) - 500}-{len(whole) - 1}/{len(whole)}"


def test_a_range_past_the_end_or_for_an_older_file_is_answered_sensibly(world, voice, client):
    regenerate_bulletin(world.x)
    url = "/voix/seine-estuaire/bulletin.wav"
    whole = body(client.get(url))
    past = client.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(whole)}"
    # A player resuming a download of the previous bulletin gets the new one whole, not a mix.
    stale = client.get(url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"an-older-bulletin"')
    assert stale.status_code == 200 and body(stale) == whole
    garbage = client.get(url, HTTP_RANGE="octets=abc")
    assert garbage.status_code == 200 and body(garbage) == whole


def test_the_transcript_is_the_bulletins_text(world, voice, client):
    world.publish(title="Torchage visible", starts_at=timezone.now() - timedelta(minutes=1))
    bulletin = regenerate_bulletin(world.x)
    response = client.get("/voix/seine-estuaire/bulletin.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body(response).decode("utf-8") == bulletin.text
    assert "Torchage visible." in bulletin.text


def test_a_territory_without_bulletin_gets_one_on_first_request(world, voice, client):
    assert client.get("/voix/etang-de-berre/bulletin.mp3").status_code == 200
    assert Bulletin.objects.filter(territory=world.y).count() == 1


def test_unknown_or_unpublished_territories_and_parts_are_not_found(world, voice, client):
    world.y.is_published = False
    world.y.save()
    assert client.get("/voix/etang-de-berre/bulletin.wav").status_code == 404
    assert client.get("/voix/nulle-part/bulletin.wav").status_code == 404
    assert client.get("/voix/seine-estuaire/rubriques/secret.wav").status_code == 404
    assert client.post("/voix/seine-estuaire/bulletin.wav").status_code == 405


def test_each_notice_can_be_heard_on_its_own_even_once_ended(world, voice, client):
    notice = world.publish(title="Essai de sirène", starts_at=timezone.now() - timedelta(minutes=30))
    audio = Provider(client, base="http://testserver").fetch_audio(f"http://testserver/voix/seine-estuaire/messages/{notice.pk}.mp3")
    assert audio.rms > 0.01 and audio.duration > 3
    transcript = body(client.get(f"/voix/seine-estuaire/messages/{notice.pk}.txt")).decode("utf-8")
    assert transcript.startswith("Depuis ") and "Essai de sirène." in transcript
    from notices import services

    services.end(world.operator_a, notice)
    transcript = body(client.get(f"/voix/seine-estuaire/messages/{notice.pk}.txt")).decode("utf-8")
    assert transcript.endswith("Cette opération est terminée.")


def test_drafts_and_other_territories_notices_are_not_heard(world, voice, client):
    from notices import services

    draft = services.save_draft(world.operator_a, world.notice_fields(title="Brouillon"))
    other = world.publish(site=world.site_c)
    assert client.get(f"/voix/seine-estuaire/messages/{draft.pk}.mp3").status_code == 404
    assert client.get(f"/voix/seine-estuaire/messages/{other.pk}.mp3").status_code == 404


def test_the_listen_include_has_native_controls_and_a_transcript(world, voice):
    html = render_to_string("voice/_listen.html", {"territory": world.x})
    assert '<audio controls preload="none" src="/voix/seine-estuaire/bulletin.mp3"' in html
    assert 'href="/voix/seine-estuaire/bulletin.txt"' in html
    assert 'aria-labelledby="listen-seine-estuaire"' in html and 'id="listen-seine-estuaire"' in html
    notice = world.publish()
    html = render_to_string("voice/_listen.html", {"territory": world.x, "notice": notice})
    assert f'src="/voix/seine-estuaire/messages/{notice.pk}.mp3"' in html
    assert f'href="/voix/seine-estuaire/messages/{notice.pk}.txt"' in html
    assert "Écouter ce message" in html
    assert Notice.objects.count() == 1
