"""A page and an RSS feed per commune: the notices that concern it (current first), nothing else,
and the operators' texts escaped."""
from datetime import timedelta

import feedparser
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import etree, html

from notices import services
from notices.models import Notice

HARFLEUR = "76341"  # site A's notices concern it, site B's do not
MARTIGUES = "13056"  # Étang de Berre


def page(client, commune=HARFLEUR, territory="seine-estuaire", **headers):
    return client.get(reverse("public:commune", args=[territory, commune]), **headers)


def feed(client, commune=HARFLEUR, territory="seine-estuaire", **headers):
    return client.get(reverse("feeds:commune_rss", args=[territory, commune]), **headers)


@pytest.fixture
def notices(world):
    now = timezone.now()
    ongoing = world.publish(title="Torchage en cours", starts_at=now - timedelta(hours=1))
    planned = world.publish(title="Essai de sirène prévu", starts_at=now + timedelta(days=12),
                            expected_end_at=now + timedelta(days=12, minutes=10))
    ended = world.publish(title="Vapeur terminée", starts_at=now - timedelta(hours=3), expected_end_at=now + timedelta(hours=1))
    services.end(world.operator_a, ended, ended_at=now - timedelta(hours=2))
    other_commune = world.publish(site=world.site_b, title="Bruit au Havre", starts_at=now - timedelta(minutes=5))
    other_territory = world.publish(site=world.site_c, title="Torchage à Berre", starts_at=now - timedelta(minutes=5))
    draft = Notice.objects.create(territory=world.x, site=world.site_a, category="torchage", starts_at=now,
                                  title="Brouillon", body="Pas encore publié.")
    draft.communes.set(world.site_a.neighbouring_communes.all())
    return {"ongoing": ongoing, "planned": planned, "ended": ended, "other_commune": other_commune,
            "other_territory": other_territory, "draft": draft}


def test_the_communes_page_lists_its_notices_current_first(client, notices):
    response = page(client)
    assert response.status_code == 200
    text = response.content.decode()
    order = [text.index(notices[name].title) for name in ("ongoing", "planned", "ended")]
    assert order == sorted(order)  # under way, then to come (even beyond a week), then ended
    for name in ("other_commune", "other_territory", "draft"):
        assert notices[name].title not in text, name
    document = html.fromstring(response.content)
    assert document.cssselect("h1")[0].text_content().startswith("Harfleur")
    assert document.cssselect(f'#en-cours #message-{notices["ongoing"].pk}')
    assert document.cssselect(f'#recents #message-{notices["ended"].pk}')


def test_the_page_says_how_else_to_be_told(client, world, settings):
    settings.SMS_INBOUND_NUMBER = "06 39 98 00 76"
    document = html.fromstring(page(client).content)
    keywords = [dt.text_content() for dt in document.cssselect(".sms-keywords dt")]
    # Gonfreville-l'Orcher shares 76700: the name tells them apart.
    assert keywords == ["INFO 76700 HARFLEUR", "ODEUR 76700 HARFLEUR", "ABO 76700 HARFLEUR", "STOP", "AIDE"]
    assert "Par SMS au 06 39 98 00 76" in document.cssselect("#rester-informe h3")[0].text_content()
    hrefs = [a.get("href") for a in document.cssselect("a")]
    assert reverse("feeds:commune_rss", args=["seine-estuaire", HARFLEUR]) in hrefs
    assert reverse("relay:subscribe", args=["seine-estuaire"]) + "?commune=Harfleur" in hrefs
    assert document.cssselect('link[rel="alternate"][type="application/rss+xml"]')


def test_the_territory_page_links_each_communes_page(client, world):
    document = html.fromstring(client.get(reverse("public:territory", args=["seine-estuaire"])).content)
    links = {a.text_content(): a.get("href") for a in document.cssselect("#communes a")}
    assert links["Harfleur"] == reverse("public:commune", args=["seine-estuaire", HARFLEUR])
    assert len(links) == world.x.communes.count()


def test_a_commune_the_territory_does_not_cover_is_not_found(client, world):
    assert page(client, MARTIGUES).status_code == 404
    assert feed(client, MARTIGUES).status_code == 404
    assert page(client, "99999").status_code == 404
    assert page(client, MARTIGUES, territory="etang-de-berre").status_code == 200


def test_the_page_exists_in_english(client, world):
    response = client.get("/en" + reverse("public:commune", args=["seine-estuaire", HARFLEUR]))
    assert response.status_code == 200 and b'lang="en"' in response.content


def test_the_feed_is_rss_with_the_communes_notices_only(client, notices):
    response = feed(client)
    assert response.status_code == 200 and response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"  # a town hall's page may read it
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.link == settings.SITE_URL + "/seine-estuaire/communes/76341/"
    titles = [entry.title for entry in parsed.entries]
    assert notices["ongoing"].title in titles and notices["planned"].title in titles
    assert any(t.startswith(notices["ended"].title) for t in titles)  # its publication and its end
    assert not any(notices[name].title in t for t in titles for name in ("other_commune", "other_territory", "draft"))
    assert all(entry.link.startswith(settings.SITE_URL + "/seine-estuaire/messages/") for entry in parsed.entries)
    assert response["ETag"] and feed(client, HARFLEUR).content == response.content


def test_operators_text_is_escaped_on_the_page_and_in_the_feed(client, world):
    notice = world.publish(title="Torchage & fumée < 5 min", starts_at=timezone.now() - timedelta(minutes=1))
    # A row written before the forms refused markup (the forms and the API refuse it now).
    Notice.objects.filter(pk=notice.pk).update(body='<script>alert("x")</script><img src=x onerror=alert(1)>')
    notice.revisions.update(snapshot={**notice.revisions.get().snapshot,
                                      "body": '<script>alert("x")</script><img src=x onerror=alert(1)>'})
    text = page(client).content.decode()
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "Torchage &amp; fumée &lt; 5 min" in text
    body = feed(client).content
    root = etree.fromstring(body)  # well-formed XML
    description = root.find("channel/item/description").text
    assert "&lt;script&gt;" in description and "<script>" not in description  # HTML-escaped text inside the XML
    assert root.find("channel/item/title").text == "Torchage & fumée < 5 min"


def test_the_page_and_feed_revalidate_until_a_notice_changes(client, world):
    """Served from the territory's fingerprint (public.cache): a 304 while nothing changed, the new
    notice at once after a publish."""
    first_page, first_feed = page(client), feed(client)
    assert page(client, HTTP_IF_NONE_MATCH=first_page["ETag"]).status_code == 304
    assert feed(client, HTTP_IF_NONE_MATCH=first_feed["ETag"]).status_code == 304
    world.publish(title="Torchage annoncé à l'instant")
    assert "Torchage annoncé à l" in page(client, HTTP_IF_NONE_MATCH=first_page["ETag"]).content.decode()
    assert feed(client, HTTP_IF_NONE_MATCH=first_feed["ETag"]).status_code == 200
