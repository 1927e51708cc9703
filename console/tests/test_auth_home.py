"""The console's home page: what each user can do."""
from django.urls import reverse
from django.utils.html import escape


def test_an_operator_sees_their_organization_and_sites(client, world):
    client.force_login(world.operator_a)
    page = client.get(reverse("console:home")).content.decode()
    assert escape(world.site_a.name) in page and "Votre entreprise" in page
    assert escape(world.site_b.name) not in page
    assert "Territoires que vous coordonnez" not in page


def test_a_coordinator_sees_their_territory_and_its_members(client, world):
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:home")).content.decode()
    assert reverse("console:territory_edit", args=[world.x.slug]) in page
    assert escape(world.site_a.name) in page and escape(world.site_b.name) in page
    assert escape(world.site_c.name) not in page


def test_a_user_without_role_is_told_to_ask_for_an_invitation(client, world):
    from riverains.testing import make_user

    client.force_login(make_user("sans_role"))
    assert "aucun rôle" in client.get(reverse("console:home")).content.decode()


def test_names_are_escaped_on_the_home_page(client, world):
    world.org_a.name = "<img src=x onerror=alert(1)>"
    world.org_a.save()
    client.force_login(world.operator_a)
    page = client.get(reverse("console:home")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_every_management_page_opens_for_a_coordinator(client, world):
    client.force_login(world.coordinator_x)
    pages = [
        reverse("console:home"),
        reverse("console:manage"),
        reverse("console:territory_edit", args=[world.x.slug]),
        reverse("console:territory_communes", args=[world.x.slug]),
        reverse("console:territory_users", args=[world.x.slug]),
        reverse("console:invite", args=[world.x.slug]),
        reverse("console:organization_create", args=[world.x.slug]),
        reverse("console:organization_detail", args=[world.org_a.pk]),
        reverse("console:organization_edit", args=[world.org_a.pk]),
        reverse("console:site_create", args=[world.org_a.pk]),
        reverse("console:site_detail", args=[world.site_a.pk]),
        reverse("console:site_edit", args=[world.site_a.pk]),
        reverse("console:password_change"),
        reverse("console:two_factor_setup"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.content.decode(), url  # strict CSP


def test_the_console_nav_signs_out_with_a_form(client, world):
    client.force_login(world.operator_a)
    page = client.get(reverse("console:home")).content.decode()
    assert f'action="{reverse("console:logout")}"' in page


def test_the_home_page_reminds_of_notices_past_their_end(client, world):
    from datetime import timedelta

    from django.utils import timezone

    from notices.models import Notice, Status

    notice = world.publish(title="Torchage oublié")
    # Made overdue directly: the services refuse an end in the past, time passing does not.
    Notice.objects.filter(pk=notice.pk).update(status=Status.ONGOING, starts_at=timezone.now() - timedelta(hours=3),
                                               expected_end_at=timezone.now() - timedelta(minutes=5))
    client.force_login(world.operator_a)
    assert "Torchage oublié" in client.get(reverse("console:home")).content.decode()
    client.force_login(world.operator_b)
    assert "Torchage oublié" not in client.get(reverse("console:home")).content.decode()
