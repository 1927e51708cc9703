"""Who may manage what: territory settings, organizations, sites, invitations, roles.
Coordinator X and the superuser may act on territory X; everyone else is refused and nothing
changes (anonymous → sign-in page; outside one's scope → 404; visible but not one's to change → 403)."""
import pytest
from django.core import mail
from django.urls import reverse

from console.models import Invitation
from territories.models import Membership, Organization, Territory

ACTORS = ["anonymous", "operator_a", "operator_b", "coordinator_x", "coordinator_y", "superuser"]
ALLOWED = {"coordinator_x", "superuser"}


def site_data(site, **overrides):
    data = {
        "name": site.name, "slug": site.slug, "commune": site.commune_id,
        "latitude": str(site.latitude), "longitude": str(site.longitude), "seveso": site.seveso,
        "description": site.description,
        "neighbouring_communes": [c.code for c in site.neighbouring_communes.all()],
    }
    data.update(overrides)
    return data


def edit_territory_x(client, world):
    return client.post(reverse("console:territory_edit", args=[world.x.slug]),
                       {"name": "Estuaire renommé", "siren_advice": world.x.siren_advice,
                        "accessibility_status": world.x.accessibility_status})


def territory_x_edited(world):
    return Territory.objects.get(pk=world.x.pk).name == "Estuaire renommé"


def create_org_in_x(client, world):
    return client.post(reverse("console:organization_create", args=[world.x.slug]), {"name": "Nouvel adhérent"})


def org_created(world):
    return Organization.objects.filter(name="Nouvel adhérent").exists()


def edit_site_a(client, world):
    return client.post(reverse("console:site_edit", args=[world.site_a.pk]),
                       site_data(world.site_a, name="Raffinerie renommée"))


def site_a_edited(world):
    world.site_a.refresh_from_db()
    return world.site_a.name == "Raffinerie renommée"


def invite_to_org_a(client, world):
    return client.post(reverse("console:invite", args=[world.x.slug]),
                       {"email": "nouvelle@example.test", "role": "operator", "organization": world.org_a.pk})


def invitation_sent(world):
    return Invitation.objects.filter(email="nouvelle@example.test").exists() or bool(mail.outbox)


def revoke_operator_a(client, world):
    membership = Membership.objects.get(user=world.operator_a)
    return client.post(reverse("console:membership_revoke", args=[membership.pk]))


def operator_a_revoked(world):
    return not Membership.objects.filter(user=world.operator_a).exists()


ACTIONS = {
    "edit territory X": (edit_territory_x, territory_x_edited),
    "create organization in X": (create_org_in_x, org_created),
    "edit site A": (edit_site_a, site_a_edited),
    "invite to organization A": (invite_to_org_a, invitation_sent),
    "revoke operator A": (revoke_operator_a, operator_a_revoked),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_management_permission_matrix(client, world, actor, action):
    act, changed = ACTIONS[action]
    if actor != "anonymous":
        client.force_login(getattr(world, actor))
    response = act(client, world)
    if actor in ALLOWED:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert changed(world)
    else:
        if actor == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("console:login"))
        else:
            assert response.status_code in (403, 404)
        assert not changed(world)


def test_an_operator_sees_their_organization_and_site_but_cannot_change_them(client, world):
    client.force_login(world.operator_a)
    page = client.get(reverse("console:organization_detail", args=[world.org_a.pk]))
    assert page.status_code == 200 and world.site_a.name in page.content.decode()
    assert reverse("console:site_create", args=[world.org_a.pk]) not in page.content.decode()
    assert client.get(reverse("console:site_detail", args=[world.site_a.pk])).status_code == 200
    assert client.get(reverse("console:site_edit", args=[world.site_a.pk])).status_code == 403
    assert client.get(reverse("console:organization_edit", args=[world.org_a.pk])).status_code == 403
    assert client.get(reverse("console:territory_edit", args=[world.x.slug])).status_code == 404


def test_an_operator_does_not_see_another_organization(client, world):
    client.force_login(world.operator_a)
    assert client.get(reverse("console:organization_detail", args=[world.org_b.pk])).status_code == 404
    assert client.get(reverse("console:site_detail", args=[world.site_b.pk])).status_code == 404


def test_a_coordinator_does_not_see_another_territory(client, world):
    client.force_login(world.coordinator_y)
    assert client.get(reverse("console:territory_users", args=[world.x.slug])).status_code == 404
    assert client.get(reverse("console:territory_communes", args=[world.x.slug])).status_code == 404
    assert client.get(reverse("console:organization_detail", args=[world.org_a.pk])).status_code == 404


def test_a_coordinator_cannot_deactivate_another_territorys_member(client, world):
    client.force_login(world.coordinator_y)
    response = client.post(reverse("console:organization_set_active", args=[world.org_a.pk]), {"active": "0"})
    assert response.status_code == 404
    world.org_a.refresh_from_db()
    assert world.org_a.is_active


def test_a_coordinator_deactivates_and_reactivates_a_member(client, world):
    client.force_login(world.coordinator_x)
    client.post(reverse("console:organization_set_active", args=[world.org_a.pk]), {"active": "0"})
    world.org_a.refresh_from_db()
    assert not world.org_a.is_active
    client.post(reverse("console:organization_set_active", args=[world.org_a.pk]), {"active": "1"})
    world.org_a.refresh_from_db()
    assert world.org_a.is_active


def test_a_coordinator_cannot_revoke_their_own_role(client, world):
    client.force_login(world.coordinator_x)
    membership = Membership.objects.get(user=world.coordinator_x)
    response = client.post(reverse("console:membership_revoke", args=[membership.pk]), follow=True)
    assert "Vous ne pouvez pas retirer votre propre rôle" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
