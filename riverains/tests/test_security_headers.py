"""Public pages send a strict Content-Security-Policy and the usual security headers; only the
embeddable widget may be framed by other sites."""
import pytest

PUBLIC_PAGES = ["/seine-estuaire/", "/en/seine-estuaire/", "/seine-estuaire/historique/", "/seine-estuaire/signaler/",
                "/seine-estuaire/abonnement/", "/comprendre/", "/accessibilite/", "/"]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_allow_only_their_own_scripts_and_styles(world, client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_the_security_headers(world, client, url):
    response = client.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_cached_page_and_a_304_keep_the_headers(world, client):
    first = client.get("/seine-estuaire/")
    again = client.get("/seine-estuaire/")
    revalidated = client.get("/seine-estuaire/", headers={"If-None-Match": first["ETag"]})
    for response in (again, revalidated):
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def test_the_notice_page_is_as_strict(world, client):
    notice = world.publish()
    response = client.get(notice.get_absolute_url())
    assert directives(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_only_the_widget_may_be_framed(world, client):
    response = client.get("/relais/widget/seine-estuaire/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert directives(response)["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
