"""Signing in and out, throttling, and passwords."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from relay.sender import send_pending
from riverains.testing import PASSWORD

LOGIN = "/console/connexion/"


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_it_logs_an_operator_in_with_their_username(client, world):
    response = login(client, "operator_a")
    assert response.status_code == 302 and response.url == reverse("console:home")
    assert client.get(reverse("console:home")).context["user"] == world.operator_a


def test_it_logs_in_with_the_email_address_too(client, world):
    response = login(client, "Operator_A@example.test")
    assert response.status_code == 302
    assert client.get(reverse("console:home")).context["user"] == world.operator_a


def test_it_refuses_a_wrong_password_in_french(client, world):
    response = login(client, "operator_a", "not-the-password")
    assert response.status_code == 200
    assert "Identifiant, adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_sends_back_to_the_requested_console_page_after_login(client, world):
    target = reverse("console:manage")
    response = client.get(target)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    response = login(client, "coordinator_x", next=target)
    assert response.url == target


def test_it_locks_the_account_out_after_five_failures_with_a_french_page(client, world):
    for _ in range(4):
        assert login(client, "operator_a", "wrong-password").status_code == 200
    response = login(client, "operator_a", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de tentatives" in page and "30 minutes" in page
    # Even the right password is now refused.
    response = login(client, "operator_a")
    assert response.status_code == 429
    assert not client.get(reverse("console:home")).wsgi_request.user.is_authenticated


def test_logout_needs_a_post(client, world):
    client.force_login(world.operator_a)
    assert client.get(reverse("console:logout")).status_code == 405
    assert client.post(reverse("console:logout")).status_code == 302
    assert client.get(reverse("console:home")).status_code == 302


def test_it_changes_the_password(client, world):
    client.force_login(world.operator_a)
    new = "a-brand-new-long-passphrase"
    response = client.post(reverse("console:password_change"),
                           {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    world.operator_a.refresh_from_db()
    assert world.operator_a.check_password(new)


def test_it_refuses_a_weak_new_password_in_french(client, world):
    client.force_login(world.operator_a)
    response = client.post(reverse("console:password_change"),
                           {"old_password": PASSWORD, "new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    world.operator_a.refresh_from_db()
    assert world.operator_a.check_password(PASSWORD)


def test_password_reset_by_email_lets_the_user_choose_a_new_password(client, world):
    response = client.post(reverse("console:password_reset"), {"email": "operator_a@example.test"})
    assert response.status_code == 302
    send_pending()  # the e-mail goes through the relay's outbox
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["operator_a@example.test"]
    assert "nouveau mot de passe" in mail.outbox[0].subject
    link = re.search(r"https?://\S+(/console/mot-de-passe-oublie/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "another-long-passphrase-2025"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("console:password_reset_complete")
    assert login(client, "operator_a", new).status_code == 302
