from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import Notice


@pytest.fixture
def under_way(world):
    """A notice of site A (communes 76351, 76305, 76341) that started ten minutes ago."""
    notice = world.publish()
    Notice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(minutes=10))
    return notice


def widget(client, query="", **headers):
    return client.get(f"/relais/widget/seine-estuaire/{query}", **headers)


def test_the_widget_shows_current_notices_with_a_link_opening_a_new_tab(world, client, under_way):
    response = widget(client, "?communes=76351,76305")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert "<h2 class=\"rw-item-title\">" in page and "Torchage sur l&#x27;unité de distillation" in page
    assert f'href="http://testserver/seine-estuaire/messages/{under_way.pk}/" target="_blank" rel="noopener"' in page
    assert "(nouvel onglet)" in page
    assert "Raffinerie de Gonfreville" in page
    assert len(response.content) < 20_000


def test_the_widget_leaves_out_other_communes_and_notices_not_yet_started(world, client, under_way):
    world.publish(title="Essai de sirène la semaine prochaine")  # scheduled, not started

    assert "Torchage" not in widget(client, "?communes=76476").content.decode()  # Port-Jérôme-sur-Seine: not concerned
    page = widget(client, "?communes=76341").content.decode()
    assert "Torchage" in page and "Essai de sirène" not in page
    assert "Aucun message en cours pour Port-Jérôme-sur-Seine" in widget(client, "?communes=76476").content.decode()


def test_operator_text_is_escaped_in_the_widget(world, client, under_way):
    Notice.objects.filter(pk=under_way.pk).update(title='Bruit & <script>alert("x")</script>')

    page = widget(client, "?communes=76351").content.decode()

    assert "<script>alert" not in page
    assert "Bruit &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


@pytest.mark.parametrize("query, message", [
    ("?communes=13056", "La commune 13056 ne fait pas partie du territoire Seine-Estuaire."),
    ("?communes=76351,<b>x", "« &lt;B&gt;X » n&#x27;est pas un code INSEE de commune"),
    ("?communes=" + ",".join(["76351"] * 61), "Trop de communes : 60 au plus."),
])
def test_bad_communes_get_a_clear_french_message(world, client, query, message):
    response = widget(client, query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_the_widget_may_be_framed_by_other_sites(world, client, under_way):
    response = widget(client, "?communes=76351")

    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    territory_page = client.get("/seine-estuaire/")
    assert territory_page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in territory_page.headers["Content-Security-Policy"]


def test_the_widget_answers_304_until_a_notice_changes(world, client, under_way):
    first = widget(client, "?communes=76351")
    etag = first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]

    assert widget(client, "?communes=76351", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert widget(client, "?communes=76305", HTTP_IF_NONE_MATCH=etag).status_code == 200  # other communes

    world.publish(title="Vapeur d'eau visible")
    changed = widget(client, "?communes=76351", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_script_tag_variant_inserts_an_iframe_of_the_widget(world, client):
    response = client.get("/relais/widget/seine-estuaire/widget.js")

    script = response.content.decode()
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/javascript")
    assert 'createElement("iframe")' in script and "data-communes" in script
    assert "insertBefore(frame, script.nextSibling)" in script
    assert "Messages des sites industriels en cours — Seine\\u002DEstuaire" in script
    assert client.get("/relais/widget/inconnu/widget.js").status_code == 404


def test_the_embed_code_page_gives_both_variants_for_chosen_communes(world, client):
    response = client.get("/seine-estuaire/widget/", {"communes": ["76351", "76305"]})

    page = response.content.decode()
    assert response.status_code == 200
    assert '&lt;iframe src="http://testserver/relais/widget/seine-estuaire/?communes=76351,76305"' in page
    assert 'data-communes="76351,76305"' in page
    assert client.get("/seine-estuaire/widget/", {"communes": ["13056"]}).status_code == 400
