"""The SMS channel against real Kannel (see relay/tests/kannel.py)."""
import pytest
from django.utils import timezone

from relay import gsm
from relay.models import Delivery, DeliveryStatus
from relay.sender import send_pending

from .conftest import confirmed
from .kannel import real_kannel, restart_smsbox  # noqa: F401  (fixture)

pytestmark = pytest.mark.kannel


@pytest.fixture
def phones(world):
    communes = list(world.site_a.neighbouring_communes.all())
    return [confirmed(world.x, "sms", number, communes) for number in ["+33612345678", "+33798765432"]]


def test_an_sms_goes_through_kannel_to_the_phone(world, real_kannel, phones):  # noqa: F811
    notice = world.publish(title="Torchage : flamme visible — redémarrage de l’unité")

    assert send_pending().sent == 2

    received = real_kannel.wait_for_messages(2)
    assert sorted(m["receiver"] for m in received) == ["+33612345678", "+33798765432"]
    [sms] = [m for m in received if m["receiver"] == "+33612345678"]
    assert sms["sender"] == "Riverains"
    assert sms["text"].startswith("Seine-Estuaire - Nouveau message: Torchage : flamme visible - redémarrage")
    assert f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/ STOP=desabonnement" in sms["text"]
    assert gsm.length(sms["text"]) <= 160


def test_kannel_down_is_retried_then_recorded(world, real_kannel, phones, settings):  # noqa: F811
    settings.RELAY_MAX_ATTEMPTS = 2
    real_kannel.stop()
    world.publish()

    send_pending()
    deliveries = Delivery.objects.all()
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert all("passerelle SMS injoignable" in d.last_error for d in deliveries)

    send_pending(now=timezone.now() + timezone.timedelta(days=1))
    assert {d.status for d in Delivery.objects.all()} == {DeliveryStatus.FAILED}
    assert all("après 2 tentatives" in d.last_error for d in Delivery.objects.all())
    assert real_kannel.received() == []


def test_kannel_back_up_delivers_what_was_retried(world, real_kannel, phones):  # noqa: F811
    real_kannel.stop("smsbox")
    world.publish()
    send_pending()
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 2

    restart_smsbox(real_kannel)
    send_pending(now=timezone.now() + timezone.timedelta(hours=1))

    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    assert len(real_kannel.wait_for_messages(2)) == 2
