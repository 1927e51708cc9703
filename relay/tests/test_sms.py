from datetime import time

import pytest
from django.utils import timezone

from relay import gsm
from relay.channels.sms import notice_text
from relay.messages import for_revision
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .conftest import confirmed


@pytest.fixture
def phone(world):
    return confirmed(world.x, "sms", "+33612345678", list(world.site_a.neighbouring_communes.all()))


def test_a_subscriber_receives_one_gsm7_sms_with_the_link(world, kannel, phone):
    notice = world.publish(title="Torchage : flamme visible « importante » — redémarrage de l’unité de craquage catalytique")

    assert send_pending().sent == 1

    [sms] = kannel.received
    assert sms["to"] == "+33612345678" and sms["from"] == "Riverains"
    text = sms["text"]
    assert gsm.length(text) <= 160
    assert text == gsm.to_gsm(text)  # nothing outside GSM-7, so no UCS-2 (70 characters) split
    assert text.endswith("STOP=desabonnement")
    assert f"http://127.0.0.1:8000/seine-estuaire/messages/{notice.pk}/" in text
    assert "Torchage : flamme visible" in text


def test_a_refusing_gateway_is_retried_then_recorded(world, kannel, phone, settings):
    settings.RELAY_MAX_ATTEMPTS = 2
    world.publish()
    kannel.status = 503

    send_pending()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "503" in delivery.last_error

    send_pending(now=timezone.now() + timezone.timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "503" in delivery.last_error
    assert kannel.received == []


def test_quiet_hours_hold_sms_until_morning_unless_the_notice_is_immediate(world, kannel, phone):
    phone.quiet_start, phone.quiet_end = time(22), time(7)
    phone.save()
    world.publish()
    night = timezone.localtime().replace(hour=23, minute=30)

    assert send_pending(now=night).deferred == 1
    delivery = Delivery.objects.get()
    assert timezone.localtime(delivery.next_attempt_at).hour == 7
    assert kannel.received == []

    world.publish(title="Bruit fort : essai de soupape", immediate=True)
    send_pending(now=night)
    assert [s["text"] for s in kannel.received if "soupape" in s["text"]]
    assert len(kannel.received) == 1


def test_stop_by_sms_deletes_the_subscriber(world, client, phone, settings):
    settings.RELAY_INBOUND_SMS_TOKEN = "inbound-secret"
    assert client.get("/relais/sms/entrant", {"from": "+33612345678", "text": "STOP", "token": "bad"}).status_code == 403
    assert Subscription.objects.filter(pk=phone.pk).exists()

    response = client.get("/relais/sms/entrant", {"from": "0612345678", "text": " stop ", "token": "inbound-secret"})

    # Kannel (max-messages = 0) sends nothing itself: the answer is a delivery of the outbox.
    assert response.status_code == 200 and response.content == b""
    assert not Subscription.objects.filter(address="+33612345678").exists()
    assert answer_to("+33612345678") == "Vous etes desabonne, vos donnees sont effacees."


def answer_to(phone):
    """The last SMS answer queued for `phone`, as the sender will send it."""
    from relay import transactional
    from relay.models import MessageKind

    return transactional.build(Delivery.objects.filter(kind=MessageKind.SMS_ANSWER, address=phone).latest("pk"))


def test_long_territory_names_still_fit_one_sms(world, phone):
    world.x.name = "Communauté urbaine Le Havre Seine Métropole et Estuaire de la Seine (démonstration)"
    world.x.save()
    notice = world.publish(title="x" * 120)
    text = notice_text(for_revision(notice.latest_revision))
    assert gsm.length(text) <= 160 and f"/messages/{notice.pk}/" in text


def test_an_english_sms_fits_one_gsm7_message_and_says_stop_in_english(world, kannel):
    confirmed(world.x, "sms", "+33612345678", list(world.site_a.neighbouring_communes.all()), language="en")
    notice = world.publish(title="Torchage : flamme visible « importante » — redémarrage de l’unité de craquage catalytique")

    assert send_pending().sent == 1

    [sms] = kannel.received
    text = sms["text"]
    assert gsm.length(text) <= 160 and text == gsm.to_gsm(text)
    assert text.startswith("Seine-Estuaire - New notice: Torchage : flamme visible")  # the title as written
    starts = timezone.localtime(notice.starts_at)
    assert f"({starts.day} {starts:%b %H:%M}) http://127.0.0.1:8000/en/seine-estuaire/messages/{notice.pk}/" in text
    assert text.endswith(" STOP=unsubscribe")


def test_long_territory_names_still_fit_one_english_sms(world):
    world.x.name = "Communauté urbaine Le Havre Seine Métropole et Estuaire de la Seine (démonstration)"
    world.x.save()
    notice = world.publish(title="x" * 120)
    text = notice_text(for_revision(notice.latest_revision, "en"))
    assert gsm.length(text) <= 160 and f"/en/seine-estuaire/messages/{notice.pk}/" in text


def test_stop_from_an_english_subscriber_is_answered_in_english(world, client, settings):
    settings.RELAY_INBOUND_SMS_TOKEN = "inbound-secret"
    confirmed(world.x, "sms", "+33612345678", list(world.site_a.neighbouring_communes.all()), language="en")

    client.get("/relais/sms/entrant", {"from": "+33612345678", "text": "stop", "token": "inbound-secret"})
    assert answer_to("+33612345678") == "You are unsubscribed, your data has been erased."
    assert not Subscription.objects.exists()
    # An unknown number is answered in French, the territory's language.
    client.get("/relais/sms/entrant", {"from": "+33612345678", "text": "STOP", "token": "inbound-secret"})
    assert answer_to("+33612345678") == "Aucun abonnement pour ce numero."
