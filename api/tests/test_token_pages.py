"""Console pages for API tokens: who may create and revoke them, and the token shown once."""
import pytest

from api.models import ApiToken, hash_token

LIST = "/console/jetons/"
CREATE = "/console/jetons/nouveau/"


def revoke_url(token):
    return f"/console/jetons/{token.pk}/revoquer/"


def test_signing_in_is_required(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/console/connexion/" in response["Location"]


def test_an_operator_creates_a_token_shown_once_and_stored_hashed(client, world):
    client.force_login(world.operator_a)
    response = client.post(CREATE, {"organization": world.org_a.pk, "name": "Supervision"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    clear = response.context["clear"]
    assert clear in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.organization, token.created_by, token.key_hash) == (world.org_a, world.operator_a, hash_token(clear))
    assert clear not in [token.prefix, token.key_hash, token.name]
    listing = client.get(LIST).content.decode()
    assert token.prefix in listing and clear not in listing


def test_a_token_made_in_the_console_works_in_the_api(client, world):
    client.force_login(world.operator_a)
    clear = client.post(CREATE, {"organization": world.org_a.pk, "name": "Supervision"}).context["clear"]
    notice = world.publish()
    response = client.post(f"/api/v1/notices/{notice.pk}/cancel", {"reason": "Reporté"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert response.status_code == 200


def test_an_operator_cannot_create_a_token_for_another_organization(client, world):
    client.force_login(world.operator_b)
    response = client.post(CREATE, {"organization": world.org_a.pk, "name": "Intrus"})
    assert response.status_code == 422
    assert "Choisissez un de vos adhérents." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_only_my_organizations_tokens_escaped(client, world):
    ApiToken.issue(world.org_a, "<script>alert(1)</script>", world.operator_a)
    ApiToken.issue(world.org_b, "Jeton de B", world.operator_b)
    client.force_login(world.operator_a)
    page = client.get(LIST).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Jeton de B" not in page


def test_an_operator_of_b_cannot_revoke_a_token_of_a(client, world):
    token, _ = ApiToken.issue(world.org_a, "Supervision A", world.operator_a)
    client.force_login(world.operator_b)
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("who, allowed", [("operator_a", True), ("coordinator_x", True), ("coordinator_y", False),
                                          ("operator_c", False), ("superuser", True)])
def test_who_may_revoke_a_token(client, world, who, allowed):
    token, clear = ApiToken.issue(world.org_a, "Supervision A", world.operator_a)
    client.force_login(getattr(world, who))
    response = client.post(revoke_url(token))
    token.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert token.revoked_at is not None
        assert ApiToken.authenticate(clear) is None
    else:
        assert response.status_code == 404
        assert token.revoked_at is None


def test_revoking_needs_a_post(client, world):
    token, _ = ApiToken.issue(world.org_a, "Supervision A", world.operator_a)
    client.force_login(world.operator_a)
    assert client.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_checks_the_csrf_token(world):
    from django.test import Client

    token, _ = ApiToken.issue(world.org_a, "Supervision A", world.operator_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.operator_a)
    assert client.post(revoke_url(token)).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
