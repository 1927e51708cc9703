"""The open territory page refreshes itself: it polls etat.json under the page's ETag."""
import re

from .helpers import ongoing, text


def live_status(response):
    """The data- attributes of the page's live region."""
    tag = re.search(r'<p id="live-status"[^>]*>', text(response)).group(0)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))


def test_the_page_tells_its_script_where_to_poll_and_under_which_etag(world, client):
    response = client.get("/seine-estuaire/")
    status = live_status(response)
    assert status["state-url"] == "/seine-estuaire/etat.json"
    assert status["etag"].replace("&quot;", '"') == response["ETag"]
    assert status["interval"] == "30"
    assert status["message"] == "Nouveaux messages"
    assert 'aria-live="polite"' in text(response)
    assert '<script src="/static/js/public-live.js" defer></script>' in text(response)


def test_the_state_answers_304_with_no_body_while_nothing_changed(world, client):
    page_etag = client.get("/seine-estuaire/")["ETag"]
    response = client.get("/seine-estuaire/etat.json", headers={"If-None-Match": page_etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == page_etag


def test_a_weak_etag_from_a_compressing_proxy_still_gets_304(world, client):
    etag = client.get("/seine-estuaire/etat.json")["ETag"]
    response = client.get("/seine-estuaire/etat.json", headers={"If-None-Match": f"W/{etag}"})
    assert response.status_code == 304


def test_the_state_changes_after_a_publish(world, client):
    before = client.get("/seine-estuaire/etat.json")
    ongoing(world, title="Flamme visible à la torche")
    after = client.get("/seine-estuaire/etat.json", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.json() == {"etag": after["ETag"]}
    assert "no-store" not in after["Cache-Control"] and "s-maxage=" in after["Cache-Control"]
    # The new page carries the new ETag, so its script then gets 304s again.
    assert client.get("/seine-estuaire/")["ETag"] == after["ETag"]


def test_another_territorys_publish_does_not_change_the_state(world, client):
    before = client.get("/seine-estuaire/etat.json")["ETag"]
    ongoing(world, site=world.site_c)
    assert client.get("/seine-estuaire/etat.json", headers={"If-None-Match": before}).status_code == 304


def test_the_english_page_polls_its_own_state(world, client):
    response = client.get("/en/seine-estuaire/")
    status = live_status(response)
    assert status["state-url"] == "/en/seine-estuaire/etat.json"
    assert status["message"] == "New messages"
    assert client.get(status["state-url"], headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_an_unknown_territory_has_no_state(world, client):
    assert client.get("/nulle-part/etat.json").status_code == 404
