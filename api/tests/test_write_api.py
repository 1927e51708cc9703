"""Write API: an operator's own systems publish through a token, only for their organization."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import services
from notices.models import Notice, Revision, Status


def payload(world, **overrides):
    now = timezone.localtime()
    data = {
        "site": world.site_a.pk,
        "category": "torchage",
        "kind": "planned",
        "perceptions": ["visible"],
        "starts_at": (now + timedelta(hours=1)).isoformat(),
        "expected_end_at": (now + timedelta(hours=3)).isoformat(),
        "title": "Torchage sur l'unité 3",
        "body": "Une flamme sera visible au-dessus de la torche.",
        "communes": ["76305", "76351"],
    }
    data.update(overrides)
    return data


def post(client, url, data, headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def patch(client, url, data, headers):
    return client.patch(url, json.dumps(data), content_type="application/json", **headers)


def snapshot_of(notice):
    notice.refresh_from_db()
    return (notice.status, notice.title, notice.updated_at, notice.revisions.count())


def test_a_token_publishes_a_notice(client, world, token_a, bearer):
    response = post(client, "/api/v1/notices", payload(world), bearer(token_a[1]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"]["code"] == "scheduled"
    assert [c["code"] for c in data["communes"]] == ["76305", "76351"]
    notice = Notice.objects.get(pk=data["id"])
    revision = notice.revisions.get()
    assert (revision.source, revision.author) == ("api", world.operator_a)
    token_a[0].refresh_from_db()
    assert token_a[0].last_used_at is not None


def test_communes_default_to_the_sites_neighbours_and_naive_times_are_paris_time(client, world, token_a, bearer):
    data = payload(world, starts_at="2099-06-01T14:30:00", expected_end_at="2099-06-01T16:00:00")
    del data["communes"]
    response = post(client, "/api/v1/notices", data, bearer(token_a[1]))
    assert response.status_code == 201, response.content
    assert response.json()["starts_at"].startswith("2099-06-01T14:30:00+02:00")
    assert len(response.json()["communes"]) == 3


def test_a_draft_is_kept_then_published(client, world, token_a, bearer):
    response = post(client, "/api/v1/notices", payload(world, draft=True), bearer(token_a[1]))
    assert response.status_code == 201
    notice_id = response.json()["id"]
    assert response.json()["status"]["code"] == "draft"
    assert client.get(f"/api/v1/notices/{notice_id}").status_code == 404
    response = post(client, f"/api/v1/notices/{notice_id}/publish", {}, bearer(token_a[1]))
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "scheduled"
    assert client.get(f"/api/v1/notices/{notice_id}").status_code == 200


def test_update_needs_a_change_note_and_makes_a_revision(client, world, token_a, bearer):
    notice = world.publish()
    url = f"/api/v1/notices/{notice.pk}"
    before = snapshot_of(notice)
    response = patch(client, url, {"title": "Torchage prolongé"}, bearer(token_a[1]))
    assert response.status_code == 422
    assert response.json()["errors"]["change_note"] == ["Dites en quelques mots ce qui a changé."]
    assert snapshot_of(notice) == before

    response = patch(client, url, {"title": "Torchage prolongé", "change_note": "Prolongé", "notify": False}, bearer(token_a[1]))
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Torchage prolongé"
    revision = notice.revisions.get(number=2)
    assert (revision.change_note, revision.notify, revision.source) == ("Prolongé", False, "api")


def test_end_and_cancel(client, world, token_a, bearer):
    now = timezone.now()
    current = world.publish(kind="observed", starts_at=now - timedelta(hours=2), expected_end_at=now + timedelta(hours=1))
    ended_at = timezone.localtime(now - timedelta(minutes=30)).isoformat()
    response = post(client, f"/api/v1/notices/{current.pk}/end", {"ended_at": ended_at, "change_note": "Fin du torchage"},
                    bearer(token_a[1]))
    assert response.status_code == 200, response.content
    current.refresh_from_db()
    assert current.status == Status.ENDED
    assert abs(current.ended_at - (now - timedelta(minutes=30))) < timedelta(seconds=1)

    planned = world.publish()
    response = client.post(f"/api/v1/notices/{planned.pk}/cancel", json.dumps({"reason": "Reporté à lundi"}),
                           content_type="application/json", **bearer(token_a[1]))
    assert response.status_code == 200, response.content
    planned.refresh_from_db()
    assert (planned.status, planned.public_reason) == (Status.CANCELLED, "Reporté à lundi")


def test_end_without_a_body_ends_now(client, world, token_a, bearer):
    now = timezone.now()
    current = world.publish(kind="observed", starts_at=now - timedelta(hours=2), expected_end_at=now + timedelta(hours=1))
    response = client.post(f"/api/v1/notices/{current.pk}/end", "", content_type="application/json", **bearer(token_a[1]))
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "ended"


def test_another_organizations_token_cannot_touch_the_notice(client, world, token_b, bearer):
    notice = world.publish()
    draft = services.save_draft(world.operator_a, world.notice_fields())
    before = snapshot_of(notice)
    attempts = [
        ("patch", f"/api/v1/notices/{notice.pk}", {"title": "Piraté", "change_note": "x"}),
        ("post", f"/api/v1/notices/{notice.pk}/cancel", {"reason": "x"}),
        ("post", f"/api/v1/notices/{notice.pk}/end", {}),
        ("post", f"/api/v1/notices/{draft.pk}/publish", {}),
    ]
    for method, url, data in attempts:
        response = (patch if method == "patch" else post)(client, url, data, bearer(token_b[1]))
        assert response.status_code == 404, url
        assert response.json()["detail"] == "Message introuvable."
    assert snapshot_of(notice) == before
    assert Notice.objects.get(pk=draft.pk).status == Status.DRAFT


def test_a_token_cannot_publish_for_another_organizations_site(client, world, token_b, bearer):
    response = post(client, "/api/v1/notices", payload(world), bearer(token_b[1]))
    assert response.status_code == 403
    assert response.json()["detail"] == "Vous ne pouvez pas publier pour ce site."
    assert not Notice.objects.exists()


def test_a_token_cannot_move_its_notice_to_another_organizations_site(client, world, token_a, bearer):
    notice = world.publish()
    before = snapshot_of(notice)
    response = patch(client, f"/api/v1/notices/{notice.pk}", {"site": world.site_b.pk, "change_note": "x"}, bearer(token_a[1]))
    assert response.status_code == 403
    assert snapshot_of(notice) == before


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer rvr_inconnu", "Token abc"])
def test_missing_or_wrong_token_is_401(client, world, header):
    headers = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = post(client, "/api/v1/notices", payload(world), headers)
    assert response.status_code == 401
    assert "Jeton d'API manquant, invalide ou révoqué" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Notice.objects.exists()


def test_a_revoked_token_is_refused(client, world, token_a, bearer):
    token_a[0].revoke()
    response = post(client, "/api/v1/notices", payload(world), bearer(token_a[1]))
    assert response.status_code == 401
    assert not Notice.objects.exists()


def test_a_token_of_an_organization_that_left_publishes_nothing(client, world, token_a, bearer):
    world.org_a.is_active = False
    world.org_a.save()
    assert post(client, "/api/v1/notices", payload(world), bearer(token_a[1])).status_code == 401


def test_malformed_json_is_refused_clearly(client, world, token_a, bearer):
    response = client.post("/api/v1/notices", '{"site": 1,', content_type="application/json", **bearer(token_a[1]))
    assert response.status_code == 400
    assert response.json()["detail"] == "Le corps de la requête n'est pas un JSON valide."
    response = post(client, "/api/v1/notices", ["pas", "un", "objet"], bearer(token_a[1]))
    assert response.status_code == 422
    assert not Notice.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"communes": ["76305", "99999"]}, "communes", "Commune inconnue : 99999"),
        ({"category": "fumee"}, "category", "Choisissez une catégorie dans la liste."),
        ({"starts_at": "demain matin"}, "starts_at", "Date et heure attendues au format ISO 8601"),
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"body": "Voir <script>alert(1)</script>"}, "body", "balises HTML"),
        ({"titel": "Faute de frappe"}, "titel", "Champ inconnu."),
        ({"site": 987654}, "site", "Site inconnu : 987654."),
        ({"perceptions": "visible"}, "perceptions", "Liste attendue."),
    ],
)
def test_bad_fields_get_french_messages_and_change_nothing(client, world, token_a, bearer, overrides, field, message):
    response = post(client, "/api/v1/notices", payload(world, **overrides), bearer(token_a[1]))
    assert response.status_code == 422, response.content
    data = response.json()
    assert message in " ".join(data["errors"][field])
    assert message in data["detail"]
    assert not Notice.objects.exists()
    assert not Revision.objects.exists()


def test_missing_fields_are_named(client, world, token_a, bearer):
    data = payload(world)
    del data["title"], data["site"]
    response = post(client, "/api/v1/notices", data, bearer(token_a[1]))
    assert response.status_code == 422
    assert response.json()["errors"] == {"site": ["Ce champ est obligatoire."], "title": ["Ce champ est obligatoire."]}


def test_an_impossible_action_is_a_422_that_changes_nothing(client, world, token_a, bearer):
    planned = world.publish()
    before = snapshot_of(planned)
    response = post(client, f"/api/v1/notices/{planned.pk}/end", {}, bearer(token_a[1]))
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == ["Seul un message en cours peut être terminé."]
    assert snapshot_of(planned) == before
