"""The API and the feeds as open data: readable from any web page (GET only), licensed, documented
as they behave (enums, every error status), and never a 500 on an odd query."""
import json

import lxml.html
import pytest
from django.contrib.staticfiles import finders

from riverains.licence import LICENCE_URL

URL = "/api/v1/territories/seine-estuaire/notices"
HUGE = "9223372036854775808"  # 2**63: one more than the databases' largest integer
FEEDS = ["feed.atom", "cap.xml", "planned.ics", "notices.csv"]


@pytest.fixture
def published(world):
    return world.publish()


def assert_open(response):
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert f'<{LICENCE_URL}>; rel="license"' == response["Link"]


# --- CORS and licence ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/api/v1/territories", "/api/v1/territories/seine-estuaire", "/api/v1/territories/seine-estuaire/sites",
    URL, URL + "?status=active", "/api/v1/notices", "/api/v1/openapi.json",
    *[f"/seine-estuaire/{name}" for name in FEEDS],
])
def test_public_reads_are_readable_from_any_page_and_name_their_licence(client, published, url):
    response = client.get(url, HTTP_ORIGIN="https://mairie.example.test")
    assert response.status_code == 200
    assert_open(response)


def test_errors_and_revalidations_of_public_reads_are_readable_too(client, published):
    assert_open(client.get(f"/api/v1/notices/{published.pk + 100}"))  # 404
    assert_open(client.get(URL, {"limit": 0}))  # 422
    etag = client.get(URL)["ETag"]
    not_modified = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert_open(not_modified)
    cap = client.get(f"/seine-estuaire/cap/{published.pk}-1.xml")
    assert cap.status_code == 200
    assert_open(cap)


def test_the_write_api_the_console_and_the_public_pages_are_not_shared(client, world, published, token_a, bearer):
    _token, clear = token_a
    origin = {"HTTP_ORIGIN": "https://evil.example.test"}
    write = client.post(f"/api/v1/notices/{published.pk}/cancel", json.dumps({"reason": "Opération reportée"}),
                        content_type="application/json", **origin, **bearer(clear))
    assert write.status_code == 200, write.content  # it worked, for a client that is not a browser page
    preflight = client.options("/api/v1/notices", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization", **origin)
    for response in [write, preflight, client.get("/console/", **origin), client.get("/seine-estuaire/", **origin),
                     client.post("/api/v1/notices", "{}", content_type="application/json", **origin)]:
        assert "Access-Control-Allow-Origin" not in response, response.request["PATH_INFO"]


def test_the_api_document_and_the_atom_feed_state_the_licence(client, published):
    info = client.get("/api/v1/openapi.json").json()["info"]
    assert info["license"] == {"name": "Licence Ouverte / Open Licence version 2.0 (Etalab)", "url": LICENCE_URL}
    assert "Licence Ouverte" in info["description"]
    feed = lxml.html.etree.fromstring(client.get("/seine-estuaire/feed.atom").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert feed.find("a:link[@rel='license']", ns).get("href") == LICENCE_URL
    assert "Licence Ouverte" in feed.findtext("a:rights", namespaces=ns)


# --- the document says what the API does ----------------------------------------------------


def schema():
    from api.api import api

    return api.get_openapi_schema()


def test_codes_are_enums_in_the_document():
    from notices.models import Category, Kind, Perception, RevisionAction, Status
    from territories.models import Seveso

    components = schema()["components"]["schemas"]
    out = components["NoticeOut"]["properties"]

    def enum(ref):
        return components[ref["$ref"].split("/")[-1]]["properties"]["code"]["enum"]

    assert enum(out["category"]) == Category.values
    assert enum(out["kind"]) == Kind.values
    assert enum(out["status"]) == Status.values
    assert enum(out["perceptions"]["items"]) == Perception.values
    assert enum(components["RevisionOut"]["properties"]["action"]) == RevisionAction.values
    assert enum(components["SiteOut"]["properties"]["seveso"]) == Seveso.values
    notice_in = components["NoticeIn"]["properties"]
    assert notice_in["category"]["enum"] == Category.values
    assert notice_in["kind"]["enum"] == Kind.values
    assert notice_in["perceptions"]["items"]["enum"] == Perception.values
    [category] = [p for p in schema()["paths"]["/api/v1/notices"]["get"]["parameters"] if p["name"] == "category"]
    assert category["schema"]["enum"] == Category.values


def test_every_read_documents_its_400_and_typed_ones_their_422():
    paths = schema()["paths"]
    for path, operations in paths.items():
        if "get" not in operations or path.endswith(("openapi.json", "/docs")):
            continue
        responses = {str(status) for status in operations["get"]["responses"]}
        assert "400" in responses, path
        if "{notice_id}" in path or "{site_id}" in path or path.endswith("notices"):
            assert "422" in responses, path


# --- odd queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("url, field, message", [
    (f"/api/v1/notices?site={HUGE}", "site", "inférieure ou égale à 9223372036854775807"),
    (f"/api/v1/notices?offset={HUGE}", "offset", "inférieure ou égale à 1000000000"),
    (f"{URL}?site={HUGE}", "site", "inférieure ou égale à 9223372036854775807"),
    (f"{URL}?offset={HUGE}", "offset", "inférieure ou égale à 1000000000"),
    ("/api/v1/notices?site=0", "site", "supérieure ou égale à 1"),
    ("/api/v1/notices/null%2Cnull", "notice_id", "Nombre entier attendu"),
])
def test_out_of_range_numbers_get_a_french_422(client, published, url, field, message):
    response = client.get(url)
    assert response.status_code == 422, response.content
    problem = response.json()
    assert message in " ".join(problem["errors"][field])
    assert problem["detail"].startswith("Données invalides.")


@pytest.mark.parametrize("params", [{"category": "fumee"}, {"from": "2025-06-02", "to": "2025-06-01"}])
def test_a_read_never_says_nothing_was_changed(client, published, params):
    for url in (URL, "/api/v1/notices"):
        response = client.get(url, params)
        assert response.status_code == 422
        assert response.json()["detail"].startswith("Données invalides."), response.json()
        assert "Rien n'a été modifié" not in response.json()["detail"]


def test_a_nul_character_is_a_documented_400(client, published):
    for url in ("/api/v1/notices?commune=%00", "/api/v1/territories/%00"):
        response = client.get(url)
        assert response.status_code == 400
        assert "caractère nul" in response.json()["detail"]


# --- the interactive documentation ------------------------------------------------------------


def test_the_docs_page_loads_swagger_ui_from_the_app_itself(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assets = [e.get("src") for e in page.cssselect("script[src]")] + [e.get("href") for e in page.cssselect("link[href]")]
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    settings_json = json.loads(page.cssselect("#swagger-settings")[0].text)
    assert settings_json["url"] == "/api/v1/openapi.json"
    # Only the app's own scripts: the page's Content-Security-Policy allows no CDN.
    assert "script-src 'self'" in response["Content-Security-Policy"]
