from .helpers import ongoing, text


def test_the_english_page_is_in_english_at_the_en_address(world, client):
    response = client.get("/en/seine-estuaire/")
    html = text(response)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Nothing in particular is happening on the territory at the moment." in html
    assert "This service informs, it does not alert." in html
    assert "Freephone" in html


def test_the_language_switch_links_to_the_same_page_in_the_other_language(world, client):
    assert 'href="/en/seine-estuaire/historique/?category=torchage" lang="en"' in text(
        client.get("/seine-estuaire/historique/?category=torchage")
    )
    assert 'href="/seine-estuaire/" lang="fr"' in text(client.get("/en/seine-estuaire/"))
    assert 'href="/en/" lang="en"' in text(client.get("/"))


def test_english_pages_mark_french_operator_text_as_french(world, client):
    ongoing(world, title="Torchage visible")
    html = text(client.get("/en/seine-estuaire/"))
    assert 'lang="fr">Torchage visible</a>' in html
    assert "today" in html
    assert "Flaring" in html


def test_english_history_errors_are_in_english(world, client):
    response = client.get("/en/seine-estuaire/historique/?start=zz")
    assert response.status_code == 400
    assert "Invalid date" in text(response)
