"""Read API: what partners and residents' apps see of published notices."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import services
from notices.models import Category, Kind
from riverains.testing import settle_changes
from territories.models import Site, Territory

URL = "/api/v1/territories/seine-estuaire/notices"


def ongoing(world, site=None, **overrides):
    now = timezone.now()
    fields = dict(kind=Kind.OBSERVED, starts_at=now - timedelta(hours=1), expected_end_at=now + timedelta(hours=2))
    return world.publish(site=site, **{**fields, **overrides})


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(n["title"] for n in response.json()["results"])


def test_territories_lists_only_published_ones(client, world):
    Territory.objects.create(slug="brouillon", name="Territoire en préparation", is_published=False)
    data = client.get("/api/v1/territories").json()
    assert sorted(t["slug"] for t in data) == ["etang-de-berre", "seine-estuaire"]
    x = next(t for t in data if t["slug"] == "seine-estuaire")
    assert x["url"] == "http://127.0.0.1:8000/seine-estuaire/"
    assert x["feeds"]["atom"].endswith("/seine-estuaire/feed.atom")
    assert {"code": "76351", "name": "Le Havre"} in x["communes"]


def test_unknown_or_unpublished_territory_is_404_in_french(client, world):
    Territory.objects.filter(pk=world.y.pk).update(is_published=False)
    for url in ["/api/v1/territories/nulle-part", "/api/v1/territories/etang-de-berre",
                "/api/v1/territories/etang-de-berre/notices", "/api/v1/territories/etang-de-berre/sites"]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["detail"].startswith("Territoire inconnu")


def test_sites_of_a_territory_are_its_active_sites(client, world):
    Site.objects.create(organization=world.org_b, name="Ancien dépôt", slug="depot", commune=world.site_b.commune,
                        latitude="49.4", longitude="0.2", is_active=False)
    data = client.get("/api/v1/territories/seine-estuaire/sites").json()
    assert sorted(s["name"] for s in data) == ["Raffinerie de Gonfreville", "Usine d'engrais du Havre"]
    site = client.get(f"/api/v1/territories/seine-estuaire/sites/{world.site_a.pk}").json()
    assert site["organization"] == "Raffinerie Démo de l'Estuaire"
    assert site["latitude"] == pytest.approx(49.487)
    assert site["seveso"] == {"code": "non_seveso", "label": "non Seveso"}
    assert [c["code"] for c in site["neighbouring_communes"]] == ["76305", "76341", "76351"]
    # A site of another territory is not found under this one.
    assert client.get(f"/api/v1/territories/seine-estuaire/sites/{world.site_c.pk}").status_code == 404


def test_active_notices_are_what_happens_now_with_french_labels_and_paris_times(client, world):
    current = ongoing(world, title="Torchage en cours")
    world.publish(title="Torchage dans une heure")
    ended = ongoing(world, title="Odeur terminée", category=Category.ODOUR, perceptions=["olfactory"])
    services.end(world.operator_a, ended)
    ongoing(world, site=world.site_c, title="Torchage à Berre")

    response = client.get(URL, {"status": "active"}, HTTP_ACCEPT_LANGUAGE="en")
    assert titles(response) == ["Torchage en cours"]
    notice = response.json()["results"][0]
    assert notice["id"] == current.pk
    assert notice["status"] == {"code": "ongoing", "label": "en cours"}
    assert notice["category"] == {"code": "torchage", "label": "Torchage"}
    assert notice["kind"] == {"code": "observed", "label": "constaté"}
    assert notice["perceptions"] == [{"code": "visible", "label": "visible"}]
    assert notice["url"] == f"http://127.0.0.1:8000/seine-estuaire/messages/{current.pk}/"
    assert notice["starts_at"][-6:] in ("+01:00", "+02:00")
    assert notice["revision"] == 1
    assert [c["code"] for c in notice["communes"]] == ["76305", "76341", "76351"]


def test_upcoming_and_ended_filters(client, world):
    world.publish(title="Essai dans trois semaines", starts_at=timezone.now() + timedelta(days=21),
                  expected_end_at=timezone.now() + timedelta(days=21, hours=1))
    cancelled = world.publish(title="Exercice annulé")
    services.cancel(world.operator_a, cancelled, reason="Reporté")
    ongoing(world, title="Vapeur en cours")
    # The API's agenda is not limited to the territory page's seven-day window.
    assert titles(client.get(URL, {"status": "upcoming"})) == ["Essai dans trois semaines"]
    assert titles(client.get(URL, {"status": "ended"})) == ["Exercice annulé"]


def test_drafts_are_never_listed(client, world):
    services.save_draft(world.operator_a, world.notice_fields(title="Brouillon secret"))
    assert titles(client.get(URL)) == []
    assert titles(client.get("/api/v1/notices")) == []


def test_filters_by_site_category_commune_and_dates(client, world):
    now = timezone.now()
    ongoing(world, title="A torchage")
    ongoing(world, site=world.site_b, title="B bruit", category=Category.NOISE, perceptions=["audible"],
            communes=[world.site_b.commune])
    world.publish(title="A dans dix jours", starts_at=now + timedelta(days=10), expected_end_at=now + timedelta(days=10, hours=2))
    assert titles(client.get(URL, {"site": world.site_b.pk})) == ["B bruit"]
    assert titles(client.get(URL, {"category": "bruit"})) == ["B bruit"]
    assert titles(client.get(URL, {"commune": "76305"})) == ["A dans dix jours", "A torchage"]
    soon = (timezone.localdate() + timedelta(days=9)).isoformat()
    assert titles(client.get(URL, {"from": soon})) == ["A dans dix jours"]
    assert titles(client.get(URL, {"to": timezone.localdate().isoformat()})) == ["A torchage", "B bruit"]


def test_pagination_gives_the_total_count(client, world):
    for i in range(5):
        ongoing(world, title=f"Message {i}")
    data = client.get(URL, {"limit": 2, "offset": 4}).json()
    assert data["count"] == 5
    assert (data["limit"], data["offset"], len(data["results"])) == (2, 4, 1)


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"status": "demain"}, "status", "Valeur inconnue « demain »"),
        ({"limit": "0"}, "limit", "supérieure ou égale à 1"),
        ({"limit": "beaucoup"}, "limit", "Nombre entier attendu"),
        ({"from": "01/06/2025"}, "from", "Date attendue au format AAAA-MM-JJ"),
        ({"category": "fumee"}, "category", "Catégorie inconnue « fumee »"),
        ({"from": "2025-06-02", "to": "2025-06-01"}, "from", "doit précéder"),
    ],
)
def test_bad_filters_get_a_french_422(client, world, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 422
    data = response.json()
    assert message in " ".join(data["errors"][field])
    assert message in data["detail"]


def test_all_notices_across_territories_with_territory_filter(client, world):
    ongoing(world, title="Estuaire")
    ongoing(world, site=world.site_c, title="Berre")
    assert titles(client.get("/api/v1/notices")) == ["Berre", "Estuaire"]
    assert titles(client.get("/api/v1/notices", {"territory": "etang-de-berre"})) == ["Berre"]
    response = client.get("/api/v1/notices", {"territory": "atlantide"})
    assert response.status_code == 422
    assert response.json()["errors"]["territory"] == ["Territoire inconnu : atlantide."]


def test_a_notice_comes_with_every_revision_snapshot(client, world):
    notice = ongoing(world, title="Torchage")
    services.update(world.operator_a, notice, {"title": "Torchage prolongé"}, "Prolongé jusqu'à 18 h")
    data = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert data["title"] == "Torchage prolongé"
    assert data["revision"] == 2
    assert [(r["number"], r["action"]["label"]) for r in data["revisions"]] == [(1, "publication"), (2, "mise à jour")]
    assert data["revisions"][0]["snapshot"]["title"] == "Torchage"
    assert data["revisions"][1]["change_note"] == "Prolongé jusqu'à 18 h"


def test_drafts_and_unpublished_territories_notices_are_not_found(client, world):
    draft = services.save_draft(world.operator_a, world.notice_fields())
    hidden = ongoing(world, site=world.site_c)
    Territory.objects.filter(pk=world.y.pk).update(is_published=False)
    for notice in (draft, hidden):
        response = client.get(f"/api/v1/notices/{notice.pk}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Message introuvable."


def test_active_notices_take_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(12):
        ongoing(world, site=[world.site_a, world.site_b][i % 2], title=f"Message {i}")
    # territory, fingerprint, count, page, communes, current perception zones.
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"status": "active"})
    assert len(response.json()["results"]) == 12
    # Served from the cache: only the territory and its fingerprint are read.
    with django_assert_max_num_queries(2):
        assert client.get(URL, {"status": "active"}).content == response.content


def test_active_notices_revalidate_with_etag_and_change_at_once_after_a_publish(client, world):
    ongoing(world, title="Premier")
    settle_changes()  # Last-Modified is only sent for a change that can no longer share its second
    first = client.get(URL, {"status": "active"})
    etag = first["ETag"]
    assert "s-maxage" in first["Cache-Control"] and first["Last-Modified"]
    not_modified = client.get(URL, {"status": "active"}, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    ongoing(world, title="Second")
    fresh = client.get(URL, {"status": "active"}, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh["ETag"] != etag
    assert titles(fresh) == ["Premier", "Second"]


def test_cached_bodies_differ_by_filter(client, world):
    ongoing(world, title="Torchage")
    ongoing(world, title="Bruit", category=Category.NOISE, perceptions=["audible"])
    assert titles(client.get(URL, {"category": "bruit"})) == ["Bruit"]
    assert titles(client.get(URL, {"category": "torchage"})) == ["Torchage"]


def test_openapi_document_is_json_listing_the_paths(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "Riverains API"
    for path in ["/api/v1/territories/{slug}/notices", "/api/v1/notices", "/api/v1/notices/{notice_id}",
                 "/api/v1/notices/{notice_id}/end", "/api/v1/notices/{notice_id}/cancel"]:
        assert path in document["paths"]
    assert set(document["paths"]["/api/v1/notices"]) == {"get", "post"}
    assert client.get("/api/v1/docs").status_code == 200
