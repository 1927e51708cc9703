"""Territory pages are cached, yet a publish, update or end shows at once."""
from notices import services
from riverains.testing import settle_changes

from .helpers import ongoing, section, text


def test_territory_page_has_an_etag_and_is_cacheable_by_proxies(world, client):
    settle_changes()  # Last-Modified is only sent for a change that can no longer share its second
    response = client.get("/seine-estuaire/")
    assert response["ETag"].startswith('"')
    assert "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert "Last-Modified" in response


def test_a_matching_if_none_match_gets_304_without_a_body(world, client):
    etag = client.get("/seine-estuaire/")["ETag"]
    response = client.get("/seine-estuaire/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_notice_and_site_pages_answer_304_too(world, client):
    notice = ongoing(world)
    for url in [notice.get_absolute_url(), world.site_a.get_absolute_url()]:
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


def test_a_second_visit_is_served_from_the_cache_without_rendering(world, client, monkeypatch):
    client.get("/seine-estuaire/")
    rendered = []
    monkeypatch.setattr("public.views.render", lambda *args, **kwargs: rendered.append(args) or None)
    assert client.get("/seine-estuaire/").status_code == 200
    assert rendered == []


def test_a_publish_shows_at_once_and_invalidates_the_old_etag(world, client):
    before = client.get("/seine-estuaire/")
    notice = ongoing(world, title="Flamme visible à la torche")
    after = client.get("/seine-estuaire/")
    assert "Flamme visible à la torche" in section(after, "en-cours")
    assert after["ETag"] != before["ETag"]
    assert client.get("/seine-estuaire/", headers={"If-None-Match": before["ETag"]}).status_code == 200
    assert notice.title in text(client.get(notice.get_absolute_url()))


def test_an_update_replaces_the_text_on_every_page_at_once(world, client):
    notice = ongoing(world, title="Vapeur sur la chaudière")
    for url in ["/seine-estuaire/", notice.get_absolute_url(), world.site_a.get_absolute_url()]:
        client.get(url)  # fill the cache
    services.update(world.operator_a, notice, {"title": "Vapeur et bruit sur la chaudière"}, "Du bruit en plus")
    for url in ["/seine-estuaire/", world.site_a.get_absolute_url()]:
        assert "Vapeur et bruit sur la chaudière" in section(client.get(url), "en-cours"), url
    assert "Du bruit en plus" in text(client.get(notice.get_absolute_url()))


def test_an_end_removes_the_notice_from_the_current_list_at_once(world, client):
    notice = ongoing(world, title="Bruit de soupape")
    assert "Bruit de soupape" in section(client.get("/seine-estuaire/"), "en-cours")
    services.end(world.operator_a, notice)
    assert "Bruit de soupape" not in section(client.get("/seine-estuaire/"), "en-cours")


def test_pages_in_two_languages_are_cached_apart(world, client):
    french, english = client.get("/seine-estuaire/"), client.get("/en/seine-estuaire/")
    assert french["ETag"] != english["ETag"]
    assert "En ce moment" in text(client.get("/seine-estuaire/"))
    assert '<html lang="en">' in text(client.get("/en/seine-estuaire/"))
