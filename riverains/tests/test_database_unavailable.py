"""A database that does not answer gives a clear temporary error, in French, never a 500."""
import html

import pytest
from django.db import InterfaceError, OperationalError


def refuse(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def database_down(monkeypatch):
    """The first query of the page and of the API fails as it does while PostgreSQL restarts.
    (Patched above the driver: the test's own connection must survive; the real restart is in
    tests/test_db_restart.py.)"""
    monkeypatch.setattr("public.cache.published_territory", refuse)
    monkeypatch.setattr("api.read.public_notices", refuse)


def test_a_public_page_says_to_try_again_shortly(db, client, database_down):
    response = client.get("/seine-estuaire/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    text = response.content.decode()
    assert "Service momentanément indisponible, réessayez dans quelques instants." in text
    assert "Traceback" not in text and "OperationalError" not in text and "5432" not in text


def test_the_english_page_says_it_in_english(db, client, database_down):
    response = client.get("/en/seine-estuaire/")
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_the_api_answers_a_json_problem(db, client, database_down):
    response = client.get("/api/v1/notices")
    assert response.status_code == 503
    assert response.json() == {"detail": "Service momentanément indisponible, réessayez dans quelques instants.", "errors": {}}
    assert response["Retry-After"] == "10"


def test_a_lost_connection_is_handled_the_same_way(db, client, monkeypatch):
    def lost(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("public.cache.published_territory", lost)
    assert client.get("/seine-estuaire/").status_code == 503


def test_other_errors_are_left_alone(world, client, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a real bug")

    monkeypatch.setattr("public.views.render", broken)
    with pytest.raises(ValueError):
        client.get("/seine-estuaire/")


@pytest.mark.parametrize("url", [
    "/api/v1/notices?territory=%00", "/api/v1/notices?commune=7%006", "/api/v1/territories/seine%00/notices",
    "/seine-estuaire/historique/?commune=%00",
])
def test_a_nul_character_in_the_address_is_a_client_error_in_french(world, client, url):
    response = client.get(url)
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Requête invalide : une valeur envoyée n'est pas utilisable" in (response.json()["detail"] if "/api/" in url else text)


def test_a_value_the_database_refuses_is_a_client_error_not_a_500(world, client, monkeypatch):
    from django.db import DataError

    def out_of_range(*args, **kwargs):
        raise DataError("integer out of range")

    monkeypatch.setattr("api.read.public_notices", out_of_range)
    response = client.get("/api/v1/notices")
    assert response.status_code == 400
    assert "Requête invalide" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/api/v1/notices/99999999999999999999", "/api/v1/territories/seine-estuaire/sites/99999999999999999999"])
def test_huge_identifiers_are_not_found_or_refused_never_a_500(world, client, url):
    assert client.get(url).status_code in (400, 404, 422)


def test_a_nul_in_a_report_commune_gets_the_form_message(world, client):
    from reports.models import Report

    response = client.post("/seine-estuaire/signaler/", {"kind": "odour", "intensity": "3", "when": "now",
                                                        "commune": "76\x00351", "latitude": "", "longitude": ""})
    assert response.status_code == 400
    assert "Choisissez une commune du territoire" in response.content.decode()
    assert not Report.objects.exists()
