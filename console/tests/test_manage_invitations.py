"""Invitations: a coordinator invites an operator or a co-coordinator; the link lets them choose a
password, gives them their role, and serves once within 7 days."""
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from console.models import Invitation
from relay.models import Delivery
from relay.sender import send_pending
from relay.tests.conftest import smtp  # noqa: F401  (aiosmtpd on loopback)
from territories.models import Membership, Role

NEW_PASSWORD = "une-phrase-de-passe-solide"


def invite(client, world, email="nouvelle@example.test", role="operator", organization=None):
    client.force_login(world.coordinator_x)
    data = {"email": email, "role": role}
    if role == "operator":
        data["organization"] = (organization or world.org_a).pk
    response = client.post(reverse("console:invite", args=[world.x.slug]), data)
    client.logout()
    send_pending()  # the relay's sender: the invitation went through the outbox
    return response


def link_in(message):
    return re.search(r"https?://[^/\s]+(/console/invitation/[^/\s]+/)", message.body).group(1)


def accept(client, link, password=NEW_PASSWORD):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_invitation_end_to_end(client, world):
    response = invite(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.test"]
    assert world.org_a.name in message.body  # plain text: no HTML escaping of the apostrophe
    link = link_in(message)
    page = client.get(link)
    assert page.status_code == 200 and escape(world.org_a.name) in page.content.decode()
    response = accept(client, link)
    assert response.status_code == 302 and response.url == reverse("console:login")
    user = get_user_model().objects.get(email="nouvelle@example.test")
    assert Membership.objects.filter(user=user, role=Role.OPERATOR, organization=world.org_a).exists()
    response = client.post(reverse("console:login"), {"username": "nouvelle@example.test", "password": NEW_PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("console:home")).content.decode()
    assert world.site_a.name in home


def test_a_co_coordinator_is_invited(client, world):
    invite(client, world, email="co@example.test", role="coordinator")
    accept(client, link_in(mail.outbox[0]))
    user = get_user_model().objects.get(email="co@example.test")
    assert Membership.objects.filter(user=user, role=Role.COORDINATOR, territory=world.x).exists()


def test_a_used_invitation_is_refused(client, world):
    invite(client, world)
    link = link_in(mail.outbox[0])
    accept(client, link)
    client.logout()
    response = accept(client, link, "yet-another-passphrase-1")
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    assert get_user_model().objects.filter(email="nouvelle@example.test").count() == 1


def test_an_expired_invitation_is_refused(client, world):
    invite(client, world)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = accept(client, link_in(mail.outbox[0]))
    assert response.status_code == 410
    assert "Elle a expiré" in response.content.decode()
    assert not get_user_model().objects.filter(email="nouvelle@example.test").exists()


def test_an_invitation_expires_after_seven_days(client, world):
    invite(client, world)
    invitation = Invitation.objects.get()
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(client, world):
    invite(client, world)
    link = link_in(mail.outbox[0])
    response = accept(client, link, "court")
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not get_user_model().objects.filter(email="nouvelle@example.test").exists()
    assert accept(client, link).status_code == 302


def test_resending_makes_a_new_link_and_kills_the_old_one(client, world):
    invite(client, world)
    old_link = link_in(mail.outbox[0])
    client.force_login(world.coordinator_x)
    client.post(reverse("console:invitation_resend", args=[Invitation.objects.get().pk]))
    client.logout()
    send_pending()
    assert len(mail.outbox) == 2
    new_link = link_in(mail.outbox[1])
    assert new_link != old_link
    assert client.get(old_link).status_code == 410
    assert client.get(new_link).status_code == 200


def test_a_cancelled_invitation_is_refused(client, world):
    invite(client, world)
    client.force_login(world.coordinator_x)
    client.post(reverse("console:invitation_cancel", args=[Invitation.objects.get().pk]))
    client.logout()
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 410 and "annulée" in response.content.decode()


def test_another_territorys_coordinator_cannot_resend_or_cancel(client, world):
    invite(client, world)
    invitation = Invitation.objects.get()
    client.force_login(world.coordinator_y)
    assert client.post(reverse("console:invitation_resend", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("console:invitation_cancel", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and len(mail.outbox) == 1


def test_an_operator_invitation_needs_an_organization_of_the_territory(client, world):
    client.force_login(world.coordinator_x)
    url = reverse("console:invite", args=[world.x.slug])
    response = client.post(url, {"email": "x@example.test", "role": "operator"})
    assert escape("Choisissez l'adhérent pour lequel ce rédacteur publiera.") in response.content.decode()
    response = client.post(url, {"email": "x@example.test", "role": "operator", "organization": world.org_c.pk})
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_someone_who_already_has_the_role_is_not_invited_again(client, world):
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:invite", args=[world.x.slug]),
                           {"email": "operator_a@example.test", "role": "operator", "organization": world.org_a.pk})
    assert escape("Cette personne a déjà ce rôle.") in response.content.decode()
    assert not mail.outbox


def test_an_existing_user_accepts_while_signed_in(client, world):
    invite(client, world, email="operator_a@example.test", organization=world.org_b)
    link = link_in(mail.outbox[0])
    page = client.get(link).content.decode()
    assert "Un compte existe déjà" in page
    client.force_login(world.operator_a)
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=world.operator_a, organization=world.org_b).exists()
    assert client.get(link).status_code == 410


def test_the_users_page_lists_members_with_their_roles_and_pending_invitations(client, world):
    invite(client, world)
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:territory_users", args=[world.x.slug])).content.decode()
    for text in ("operator_a", "operator_b", "coordinator_x", "nouvelle@example.test", "rédacteur de l&#x27;adhérent"):
        assert text in page
    assert "operator_c" not in page and "coordinator_y" not in page


def test_an_invitation_goes_through_the_outbox_and_is_retried_while_the_mail_server_is_down(client, world, smtp):
    smtp.stop()  # the mail server is down
    client.force_login(world.coordinator_x)
    response = client.post(reverse("console:invite", args=[world.x.slug]),
                           {"email": "nouvelle@example.test", "role": "operator", "organization": world.org_a.pk}, follow=True)
    assert response.status_code == 200 and "part vers nouvelle@example.test dans un instant" in response.content.decode()
    invitation = Invitation.objects.get(email="nouvelle@example.test")
    [row] = Delivery.objects.filter(kind="invitation", reference=invitation.pk)
    assert row.address == "nouvelle@example.test" and row.territory == world.x and row.status == "pending"

    assert send_pending().retried == 1

    # The coordinator sees that it has not left, and why.
    page = client.get(reverse("console:territory_users", args=[world.x.slug])).content.decode()
    assert "Pas encore parti" in page and "SMTP indisponible" in page and "nouvel essai vers" in page
    row.refresh_from_db()
    assert row.attempts == 1 and "SMTP" in row.last_error and row.next_attempt_at > timezone.now()

    smtp.start()  # back: the retry sends a working link
    assert send_pending(now=timezone.now() + timedelta(hours=1)).sent == 1
    [message] = smtp.inbox.to("nouvelle@example.test")
    assert "Invitation à publier sur Riverains" in str(message["Subject"])
    page = client.get(reverse("console:territory_users", args=[world.x.slug])).content.decode()
    assert "Envoyé le" in page and "Pas encore parti" not in page
    client.logout()
    link = re.search(r"https?://[^/\s]+(/console/invitation/[^/\s]+/)", message.get_content()).group(1)
    assert accept(client, link).status_code == 302
    assert Membership.objects.filter(user__email="nouvelle@example.test", organization=world.org_a).exists()


def test_a_refused_invitation_address_is_a_failure_the_coordinator_sees(client, world, smtp):
    smtp.inbox.refused = {"nouvelle@example.test": "550 5.1.1 no such user"}
    invite(client, world)
    client.force_login(world.coordinator_x)
    page = client.get(reverse("console:territory_users", args=[world.x.slug])).content.decode()
    assert "Échec de l'envoi" in page and "adresse refusée par le serveur" in page
    assert Delivery.objects.get(kind="invitation").status == "failed"


def test_the_outbox_holds_no_working_invitation_link(client, world):
    invite(client, world)
    link = link_in(mail.outbox[0])
    row = Delivery.objects.get(kind="invitation")
    assert link.split("/")[-2] not in str(row.payload) and link.split("/")[-2] not in row.address
