import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/en/", "/api/v1/territories"])
def test_responses_do_not_vary_on_the_browser_language(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
def test_the_language_comes_from_the_url_only(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "fr"
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "en"


@pytest.mark.django_db
def test_an_english_page_leaves_no_language_behind(client):
    from django.urls import reverse
    from django.utils import translation

    client.get("/en/")
    assert translation.get_language() in (None, "fr")
    assert reverse("public:home") == "/"
