"""Two-factor authentication (TOTP): setting it up, signing in with it, and territories that
require it of their members."""
import re

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from riverains.testing import PASSWORD

SETUP = "/console/compte/double-authentification/"


def code_for(device, drift=0):
    """The code the user's app shows, `drift` steps ahead. A code is accepted once: the next
    sign-in in the same 30 s uses the next step's code. The device's own drift counts too: when a
    30 s step ends between reading a code and sending it, django-otp records the offset (-1) and
    expects later codes shifted by it."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + drift):06d}"


def set_up_two_factor(client, user):
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": code_for(device)})
    assert response.status_code == 302
    client.logout()
    device.refresh_from_db()
    return device


def test_setup_shows_a_qr_code_and_the_secret_in_text(client, world):
    client.force_login(world.operator_a)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=world.operator_a, confirmed=False)
    assert re.search(r"<svg [^>]*class=\"qr\"", page)
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # strict CSP: no inline style
    secret = re.search(r'class="otp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    import base64
    assert base64.b32decode(secret) == device.bin_key


def test_setup_refuses_a_wrong_code_and_stays_off(client, world):
    client.force_login(world.operator_a)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.operator_a)
    wrong = f"{(int(code_for(device)) + 1) % 1000000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_setup_refuses_letters_in_french(client, world):
    client.force_login(world.operator_a)
    response = client.post(SETUP, {"code": "abc"})
    assert "Saisissez les 6 chiffres" in response.content.decode()


def test_login_asks_for_the_code_once_two_factor_is_set_up(client, world):
    device = set_up_two_factor(client, world.operator_a)
    response = client.post(reverse("console:login"), {"username": "operator_a", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("console:two_factor_verify"))
    # Password alone does not open the console.
    home = client.get(reverse("console:home"))
    assert home.status_code == 302 and home.url.startswith(reverse("console:two_factor_verify"))
    response = client.post(response.url, {"code": code_for(device, drift=1)})
    assert response.status_code == 302 and response.url == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


def test_login_refuses_a_wrong_code(client, world):
    device = set_up_two_factor(client, world.operator_a)
    client.post(reverse("console:login"), {"username": "operator_a", "password": PASSWORD})
    wrong = f"{(int(code_for(device, drift=1)) + 1) % 1000000:06d}"
    response = client.post(reverse("console:two_factor_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Ce code est incorrect" in response.content.decode()
    assert client.get(reverse("console:home")).status_code == 302


def test_a_territory_requiring_two_factor_sends_its_members_to_set_it_up(client, world):
    world.x.require_two_factor = True
    world.x.save()
    for user in (world.operator_a, world.coordinator_x):
        client.force_login(user)
        for page in (reverse("console:home"), reverse("console:manage"),
                     reverse("console:organization_detail", args=[world.org_a.pk])):
            response = client.get(page)
            assert response.status_code == 302 and response.url.startswith(SETUP), (user, page)
        assert "Votre territoire exige la double authentification" in client.get(SETUP).content.decode()
    # Members of the other territory are not concerned.
    client.force_login(world.operator_c)
    assert client.get(reverse("console:home")).status_code == 200


def test_a_member_of_such_a_territory_gets_in_once_set_up(client, world):
    world.x.require_two_factor = True
    world.x.save()
    client.force_login(world.operator_a)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.operator_a)
    response = client.post(f"{SETUP}?next=/console/gestion/", {"code": code_for(device), "next": "/console/gestion/"})
    assert response.status_code == 302 and response.url == "/console/gestion/"
    assert client.get(reverse("console:home")).status_code == 200


def test_login_of_a_member_without_device_goes_to_setup(client, world):
    world.x.require_two_factor = True
    world.x.save()
    response = client.post(reverse("console:login"), {"username": "coordinator_x", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_two_factor_cannot_be_removed_when_the_territory_requires_it(client, world):
    device = set_up_two_factor(client, world.operator_a)
    world.x.require_two_factor = True
    world.x.save()
    client.post(reverse("console:login"), {"username": "operator_a", "password": PASSWORD})
    client.post(reverse("console:two_factor_verify"), {"code": code_for(device, drift=1)})
    response = client.post(SETUP, {"code": code_for(device, drift=-1)})
    assert "elle ne peut pas être désactivée" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.operator_a, confirmed=True).exists()
