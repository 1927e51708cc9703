"""The partner's follow-up link (lien de suivi): no account, a signed link, recent deliveries."""
import re
from datetime import datetime, timezone as dt_timezone
from html import unescape


from relay import services
from relay.models import Delivery, DeliveryStatus, Subscription


def webhook_in(territory, url="https://partenaire.example/hook/cle-privee"):
    return services.create_webhook(territory, url, "Ville d'Harfleur")


def partner_link(page):
    """The follow-up link as the coordinator's page shows it (path only, for the test client)."""
    url = unescape(re.search(r'id="partner-link"[^>]*value="([^"]+)"', page).group(1))
    return url[url.index("/relais/"):]


def link_for(webhook):
    return f"/relais/webhook/suivi/{services.partner_token(webhook)}/"


def test_the_coordinator_gets_a_link_that_shows_the_partner_its_deliveries(world, client):
    client.force_login(world.coordinator_x)
    created = client.post("/console/relais/webhooks/nouveau/", {
        "territory": world.x.pk, "url": "https://partenaire.example/hook/cle-privee", "label": "Ville d'Harfleur",
    }).content.decode()
    webhook = Subscription.objects.get(channel="webhook")
    link = partner_link(created)
    assert "Lien de suivi pour le partenaire" in created
    assert partner_link(client.get(f"/console/relais/webhooks/{webhook.pk}/").content.decode()) == link
    world.publish(title="Torchage & vapeur")
    Delivery.objects.filter(subscription=webhook).update(
        status=DeliveryStatus.SENT, attempts=2, created_at=datetime(2025, 6, 3, 12, 0, tzinfo=dt_timezone.utc),
    )
    client.logout()

    response = client.get(link)

    page = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex") and "no-cache" in response["Cache-Control"]
    assert "<td>Torchage &amp; vapeur</td><td>1</td>" in page and "<td>envoyé</td><td>2</td><td>—</td>" in page
    assert "3 juin 2025 14:00:00" in page  # noon UTC is 14:00 in Paris in summer
    assert "partenaire.example" in page and "cle-privee" not in page  # host only
    assert webhook.secret not in page and "webhook-signature" in page


def test_a_tampered_link_is_refused(world, client):
    link = link_for(webhook_in(world.x))

    for bad in [link[:-3] + ("a/" if link[-2] != "a" else "b/"), "/relais/webhook/suivi/n-importe-quoi/"]:
        response = client.get(bad)
        assert response.status_code == 404 and "partenaire.example" not in response.content.decode()


def test_the_link_stops_working_once_the_webhook_is_deleted(world, client):
    webhook = webhook_in(world.x)
    link = link_for(webhook)
    assert client.get(link).status_code == 200
    client.force_login(world.coordinator_x)
    client.post(f"/console/relais/webhooks/{webhook.pk}/supprimer/")
    client.logout()

    response = client.get(link)

    assert response.status_code == 404 and "webhook a été supprimé" in response.content.decode()


def test_another_webhooks_link_does_not_show_this_ones_deliveries(world, client):
    ours = webhook_in(world.x)
    theirs = webhook_in(world.y, url="https://journal.example/hook")
    world.publish(title="Essai de sirène à Harfleur")
    assert Delivery.objects.filter(subscription=ours).exists()

    page = client.get(link_for(theirs)).content.decode()

    assert "journal.example" in page and "Aucun envoi pour l'instant" in page
    assert "Essai de sirène" not in page and "partenaire.example" not in page


def test_an_error_message_from_the_partner_is_escaped(world, client):
    webhook = webhook_in(world.x)
    world.publish()
    Delivery.objects.filter(subscription=webhook).update(
        status=DeliveryStatus.FAILED, attempts=8, last_error="le partenaire a répondu <script>alert(1)</script>",
    )

    page = client.get(link_for(webhook)).content.decode()

    assert "<td>échec définitif</td><td>8</td><td>le partenaire a répondu &lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<script>alert(1)" not in page
