from django.utils import timezone

from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .test_push_webhook import receiver  # noqa: F401  (a loopback partner endpoint)


def create(client, world, **overrides):
    data = {"territory": world.x.pk, "url": "https://partenaire.example/hook", "label": "Ville d'Harfleur", **overrides}
    return client.post("/console/relais/webhooks/nouveau/", data)


def test_a_coordinator_adds_a_webhook_and_sees_its_secret_only_once(world, client):
    client.force_login(world.coordinator_x)

    response = create(client, world, communes=["76341"])

    webhook = Subscription.objects.get(channel="webhook")
    page = response.content.decode()
    assert response.status_code == 200 and webhook.secret.startswith("whsec_")
    assert webhook.secret in page and "il ne sera plus jamais affiché" in page
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert [c.code for c in webhook.communes.all()] == ["76341"]
    for url in ["/console/relais/webhooks/", f"/console/relais/webhooks/{webhook.pk}/"]:
        later = client.get(url).content.decode()
        assert "Ville d&#x27;Harfleur" in later and webhook.secret not in later
    assert "configuré" in client.get(f"/console/relais/webhooks/{webhook.pk}/").content.decode()


def test_a_bad_webhook_gets_a_french_message_and_nothing_is_created(world, client, settings):
    settings.RELAY_ALLOW_PRIVATE_WEBHOOKS = False
    client.force_login(world.coordinator_x)

    assert "Saisissez une adresse web complète" in create(client, world, url="pas une adresse").content.decode()
    response = create(client, world, url="http://127.0.0.1:8080/hook")
    assert response.status_code == 422 and "réseau privé ou local" in response.content.decode()
    response = create(client, world, territory=world.y.pk)
    assert "Choisissez un des territoires que vous coordonnez." in response.content.decode()
    assert not Subscription.objects.exists()


def test_an_http_webhook_is_refused_in_production_with_a_french_message(world, client, settings):
    settings.RELAY_ALLOW_HTTP_WEBHOOKS = False  # production: DEBUG and RIVERAINS_DEV off
    client.force_login(world.coordinator_x)

    response = create(client, world, url="http://partenaire.example/hook")

    assert response.status_code == 422
    assert "Cette adresse commence par http:// : les messages y circuleraient en clair." in response.content.decode()
    assert not Subscription.objects.exists()
    assert create(client, world, url="https://partenaire.example/hook").status_code == 200
    assert Subscription.objects.get().address == "https://partenaire.example/hook"


def test_another_coordinator_cannot_see_or_delete_a_webhook(world, client):
    client.force_login(world.coordinator_x)
    create(client, world)
    webhook = Subscription.objects.get()

    client.force_login(world.coordinator_y)
    assert "partenaire.example" not in client.get("/console/relais/webhooks/").content.decode()
    assert client.get(f"/console/relais/webhooks/{webhook.pk}/").status_code == 404
    assert client.post(f"/console/relais/webhooks/{webhook.pk}/supprimer/").status_code == 404
    client.force_login(world.operator_a)
    assert client.get("/console/relais/webhooks/").status_code == 404
    assert Subscription.objects.filter(pk=webhook.pk).exists()


def test_recent_deliveries_show_status_attempts_and_last_error(world, client, receiver):  # noqa: F811
    client.force_login(world.coordinator_x)
    create(client, world, url=receiver.url + "hook")
    webhook = Subscription.objects.get()
    receiver.status = 500
    world.publish(title="Vapeur < 10 m & bruit \"fort\"")

    send_pending()

    page = client.get(f"/console/relais/webhooks/{webhook.pk}/").content.decode()
    assert "Vapeur &lt; 10 m &amp; bruit &quot;fort&quot;" in page
    assert "<td>en attente</td><td>1</td><td>le partenaire a répondu 500</td>" in page
    receiver.status = 204
    send_pending(now=timezone.now() + timezone.timedelta(hours=1))
    page = client.get(f"/console/relais/webhooks/{webhook.pk}/").content.decode()
    assert "<td>envoyé</td><td>2</td><td>—</td>" in page


def test_deleting_a_webhook_stops_deliveries(world, client):
    client.force_login(world.coordinator_x)
    create(client, world)
    webhook = Subscription.objects.get()

    response = client.post(f"/console/relais/webhooks/{webhook.pk}/supprimer/", follow=True)

    assert "est supprimé" in response.content.decode()
    assert not Subscription.objects.exists()
    world.publish()
    assert not Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()
