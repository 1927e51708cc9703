"""A password reset e-mail goes through the relay's outbox: a recorded delivery, retried while the
mail server is down, its error visible to the superuser; its link made when it leaves."""
import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from relay.models import Delivery
from relay.sender import send_pending
from relay.tests.conftest import smtp  # noqa: F401  (aiosmtpd on loopback)


def ask(client, email="operator_a@example.test"):
    return client.post(reverse("console:password_reset"), {"email": email})


def test_the_request_records_a_delivery_without_sending_nor_storing_a_link(client, world):
    assert ask(client).status_code == 302
    assert not mail.outbox  # nothing leaves from the web request
    row = Delivery.objects.get(kind="password_reset")
    assert row.address == "operator_a@example.test" and row.reference == world.operator_a.pk
    assert row.status == "pending" and row.priority == 0

    send_pending()

    [message] = mail.outbox
    link = re.search(r"https?://\S+(/console/mot-de-passe-oublie/\S+/)", message.body).group(1)
    token = link.split("/")[-2]
    assert token not in str(Delivery.objects.get(kind="password_reset").payload)


def test_an_unknown_address_records_nothing(client, world):
    assert ask(client, "personne@example.test").status_code == 302  # same answer: reveals nothing
    assert not Delivery.objects.exists()


def test_a_mail_server_down_is_retried_the_error_shown_then_the_link_works(client, world, smtp):  # noqa: F811
    smtp.stop()
    ask(client)

    assert send_pending().retried == 1

    client.force_login(world.superuser)
    page = client.get(reverse("console:relay_overview")).content.decode()
    assert "mot de passe oublié" in page and "SMTP indisponible" in page and "nouvel essai vers" in page
    client.logout()

    smtp.start()
    assert send_pending(now=timezone.now() + timedelta(hours=1)).sent == 1
    [message] = smtp.inbox.to("operator_a@example.test")
    link = re.search(r"https?://\S+(/console/mot-de-passe-oublie/\S+/)", message.get_content()).group(1)
    form_page = client.get(link, follow=True)
    new = "another-long-passphrase-2025"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("console:password_reset_complete")


def test_a_coordinator_does_not_see_password_resets(client, world, smtp):  # noqa: F811
    smtp.stop()
    ask(client)
    send_pending()
    client.force_login(world.coordinator_x)
    assert "mot de passe oublié" not in client.get(reverse("console:relay_overview")).content.decode()
