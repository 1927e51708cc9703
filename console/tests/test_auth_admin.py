"""The Django admin opens only through the console's door: its login, throttling and second factor."""
from django.test import override_settings
from django.urls import reverse

from riverains.testing import PASSWORD

from .test_auth_two_factor import code_for, set_up_two_factor

ADMIN = "/admin/"
TERRITORIES = "/admin/territories/territory/"


def test_the_admin_login_form_sends_to_the_console_login(client, world):
    response = client.get(TERRITORIES)
    assert response.status_code == 302
    login = client.get(response.url)
    assert login.status_code == 302 and login.url.startswith(reverse("console:login"))
    assert login.url.endswith("next=/admin/territories/territory/")
    # And its form posted directly does not log anyone in.
    client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert client.get(TERRITORIES).status_code == 302


def test_a_password_alone_does_not_open_the_admin_once_a_device_is_set_up(client, world):
    device = set_up_two_factor(client, world.superuser)
    response = client.post(reverse("console:login"), {"username": "admin", "password": PASSWORD, "next": ADMIN})
    assert response.url.startswith(reverse("console:two_factor_verify"))
    blocked = client.get(TERRITORIES)
    assert blocked.status_code == 302  # the list of territories is not shown
    verify = client.get(blocked.url)
    assert verify.url.startswith(reverse("console:two_factor_verify"))
    client.post(verify.url, {"code": code_for(device, drift=1)})
    assert client.get(TERRITORIES).status_code == 200


@override_settings(ADMIN_REQUIRE_TWO_FACTOR=True)
def test_in_production_a_superuser_without_device_is_sent_to_set_one_up(client, world):
    client.force_login(world.superuser)
    response = client.get(ADMIN)
    step = client.get(response.url)
    assert step.status_code == 302 and step.url.startswith(reverse("console:two_factor_setup"))
    assert "next=%2Fadmin%2F" in step.url


@override_settings(ADMIN_REQUIRE_TWO_FACTOR=False)
def test_in_development_a_superuser_without_device_gets_in(client, world):
    client.force_login(world.superuser)
    assert client.get(TERRITORIES).status_code == 200


def test_an_operator_or_coordinator_is_refused_the_admin(client, world):
    for user in (world.operator_a, world.coordinator_x):
        client.force_login(user)
        response = client.get(ADMIN)
        assert client.get(response.url).status_code == 403
