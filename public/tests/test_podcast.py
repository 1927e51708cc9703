"""The spoken bulletin as a podcast (RSS 2.0 with Apple's itunes: tags) and the stable address of
the current bulletin, with real speech (espeak-ng) and MP3 encoding (sox)."""
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from lxml import etree, html

from voice.models import Bulletin

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@pytest.fixture
def voice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VOICE_REGENERATE_ON_CHANGE = False  # the bulletin is made when first asked for
    settings.PIPER_MODEL = ""
    return settings


def podcast(client, territory="seine-estuaire", **headers):
    return client.get(reverse("feeds:podcast", args=[territory]), **headers)


def local(url):
    parts = urlsplit(url)
    assert url.startswith(settings.SITE_URL)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_podcast_feed_is_rss_with_the_tags_podcast_apps_expect(client, world, voice):
    world.publish(title="Torchage & fumée < 5 min")
    response = podcast(client)
    assert response.status_code == 200 and response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"  # open data, like the other feeds
    root = etree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0" and root.nsmap["itunes"] == ITUNES
    channel = root.find("channel")
    for name in ("title", "link", "description", "language"):
        assert channel.findtext(name), name
    assert channel.findtext(f"{{{ITUNES}}}author") == "Riverains Seine-Estuaire"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.find(f"{{{ITUNES}}}category").get("text") == "News"
    artwork = channel.find(f"{{{ITUNES}}}image").get("href")
    assert artwork.endswith(".jpg")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.version == "rss20"
    assert parsed.feed.image.href == artwork
    [episode] = parsed.entries
    bulletin = Bulletin.objects.get(territory=world.x)
    assert episode.id.endswith(bulletin.files["bulletin.mp3"]["sha256"][:32])
    assert parsedate_to_datetime(root.findtext("channel/item/pubDate")) == bulletin.generated_at.replace(microsecond=0)
    assert int(episode.itunes_duration) > 0
    assert "Torchage et fumée moins de 5 minutes" in episode.summary  # the bulletin's transcript


def test_the_enclosure_is_the_current_mp3_and_its_length_matches(client, world, voice):
    world.publish()
    enclosure = etree.fromstring(podcast(client).content).find("channel/item/enclosure")
    assert enclosure.get("type") == "audio/mpeg"
    audio = client.get(local(enclosure.get("url")))
    assert audio.status_code == 200 and audio["Content-Type"] == "audio/mpeg"
    content = b"".join(audio.streaming_content)
    assert int(enclosure.get("length")) == len(content) > 1000
    assert content[:3] == b"ID3" or content[0] == 0xFF  # an MP3 stream
    phone_line = client.get(reverse("voice:bulletin_mp3", args=["seine-estuaire"]))
    assert b"".join(phone_line.streaming_content) == content  # the same file as the "Listen" button's


def test_the_latest_bulletin_address_plays_in_ranges_for_radio_and_speakers(client, world, voice):
    url = reverse("feeds:latest_bulletin", args=["seine-estuaire"])
    assert url == "/seine-estuaire/bulletin.mp3"
    whole = client.get(url)
    size = int(whole["Content-Length"])
    part = client.get(url, HTTP_RANGE="bytes=0-1")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 0-1/{size}"
    assert client.get(url, HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 304


def test_a_new_bulletin_is_a_new_episode(client, world, voice):
    from voice.services import regenerate_bulletin

    first = podcast(client)
    world.publish(title="Nouveau torchage")
    regenerate_bulletin(world.x)
    second = podcast(client, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200  # not a 304: the bulletin changed
    guids = [etree.fromstring(r.content).findtext("channel/item/guid") for r in (first, second)]
    assert guids[0] != guids[1]
    assert podcast(client, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_the_territory_page_links_the_podcast(client, world, voice):
    document = html.fromstring(client.get(reverse("public:territory", args=["seine-estuaire"])).content)
    [link] = [a for a in document.cssselect("a") if a.text_content() == "Podcast"]
    assert link.get("href") == reverse("feeds:podcast", args=["seine-estuaire"])
    # Podcast apps and browsers find it from the page's address too.
    [alternate] = document.cssselect('link[rel="alternate"][type="application/rss+xml"]')
    assert alternate.get("href") == link.get("href")


def test_an_unpublished_territory_has_no_podcast(client, world, voice):
    world.y.is_published = False
    world.y.save()
    assert podcast(client, "etang-de-berre").status_code == 404
    assert client.get(reverse("feeds:latest_bulletin", args=["etang-de-berre"])).status_code == 404


def test_while_the_first_mp3_is_being_encoded_the_feed_says_to_come_back(client, world, voice):
    from voice.services import ensure_bulletin, territory_dir

    bulletin = ensure_bulletin(world.x)
    bulletin.files.pop("bulletin.mp3")  # as between the phone files and the MP3 of a first bulletin
    bulletin.save(update_fields=["files"])
    (territory_dir(world.x) / "bulletin.mp3").unlink()
    response = podcast(client)
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert "réessayez" in response.content.decode()
