from relay.models import Delivery, DeliveryStatus

from .conftest import confirmed


def test_a_coordinator_sees_counts_per_channel_and_failure_reasons(world, client):
    communes = list(world.site_a.neighbouring_communes.all())
    confirmed(world.x, "email", "a@example.test", communes)
    confirmed(world.x, "email", "b@example.test", communes)
    confirmed(world.x, "sms", "+33612345678", communes)
    notice = world.publish()
    first, second = Delivery.objects.filter(channel="email").order_by("pk")
    Delivery.objects.filter(pk=first.pk).update(status=DeliveryStatus.SENT)
    Delivery.objects.filter(pk=second.pk).update(status=DeliveryStatus.FAILED, last_error="adresse refusée <550>")

    client.force_login(world.coordinator_x)
    page = client.get(f"/console/relais/messages/{notice.pk}/").content.decode()

    assert "<th scope=\"row\">e-mail</th><td>1</td><td>1</td><td>0</td>" in page
    assert "<th scope=\"row\">SMS</th><td>0</td><td>0</td><td>1</td>" in page
    assert "adresse refusée &lt;550&gt;" in page
    assert "a@example.test" not in page


def test_another_territory_s_coordinator_sees_nothing(world, client):
    notice = world.publish()
    client.force_login(world.coordinator_y)
    assert client.get(f"/console/relais/messages/{notice.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/console/relais/messages/{notice.pk}/").status_code == 302
