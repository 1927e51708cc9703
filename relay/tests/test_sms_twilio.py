"""The SMS channel with SMS_BACKEND=twilio, through Twilio's own library, against a loopback
server speaking Twilio's Messages API (relay/tests/twilio_server.py)."""
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from relay import gsm
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .conftest import confirmed
from .twilio_server import AUTH_TOKEN, twilio  # noqa: F401  (fixture)


@pytest.fixture
def phone(world):
    return confirmed(world.x, "sms", "+33612345678", list(world.site_a.neighbouring_communes.all()))


def test_the_notice_reaches_the_phone_through_twilio(world, twilio, phone):  # noqa: F811
    notice = world.publish(title="Torchage : flamme visible — redémarrage de l’unité")

    assert send_pending().sent == 1

    [message] = twilio.received
    assert message["To"] == "+33612345678" and message["From"] == "+33700000001"
    assert message["Body"].startswith("Seine-Estuaire - Nouveau message: Torchage : flamme visible")
    assert f"/seine-estuaire/messages/{notice.pk}/ STOP=desabonnement" in message["Body"]
    assert gsm.length(message["Body"]) <= 160
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_refused_credentials_are_a_recorded_failure_not_retried(world, twilio, phone, settings):  # noqa: F811
    settings.TWILIO_AUTH_TOKEN = "wrong-token"
    world.publish()

    assert send_pending().failed == 1

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "Twilio 401" in delivery.last_error
    assert twilio.received == []


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_or_down_twilio_is_retried_then_delivers(world, twilio, phone, status):  # noqa: F811
    world.publish()
    twilio.status = status

    assert send_pending().retried == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and f"Twilio {status}" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    twilio.status = 201
    assert send_pending(now=timezone.now() + timezone.timedelta(hours=1)).sent == 1
    assert len(twilio.received) == 1


def test_twilio_unreachable_is_retried(world, twilio, phone, settings):  # noqa: F811
    twilio.stop()
    world.publish()
    assert send_pending().retried == 1
    assert "Twilio injoignable" in Delivery.objects.get().last_error


def test_the_sms_confirmation_code_goes_through_twilio_too(world, twilio, client, django_capture_on_commit_callbacks):  # noqa: F811
    communes = [c.pk for c in world.site_a.neighbouring_communes.all()[:1]]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/seine-estuaire/abonnement/", {"channel": "sms", "address": "06 12 34 56 78",
                                                              "communes": communes, "website": ""})
    assert response.status_code == 302
    send_pending()  # the confirmation went through the outbox
    [message] = twilio.received
    assert message["To"] == "+33612345678" and re.search(r"\b\d{6}\b", message["Body"])


def twilio_post(client, params, token=AUTH_TOKEN):
    """POST like Twilio: form-encoded, signed over the public URL and the sorted parameters."""
    url = "http://127.0.0.1:8000/relais/sms/twilio"
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post("/relais/sms/twilio", urlencode(params), content_type="application/x-www-form-urlencoded",
                       HTTP_X_TWILIO_SIGNATURE=signature)


def test_stop_through_twilio_s_webhook_deletes_the_subscriber(world, client, twilio, phone):  # noqa: F811
    params = {"MessageSid": "SM1", "AccountSid": "AC1", "From": "+33612345678", "To": "+33700000001", "Body": "Stop"}

    forged = twilio_post(client, params, token="not-the-token")
    assert forged.status_code == 403
    assert Subscription.objects.filter(pk=phone.pk).exists()

    response = twilio_post(client, params)

    # An empty TwiML answer: the SMS answer leaves through the outbox, then Twilio's Messages API.
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "<Message>" not in response.content.decode()
    assert not Subscription.objects.filter(address="+33612345678").exists()
    assert send_pending().sent == 1
    [message] = twilio.received
    assert message["To"] == "+33612345678" and message["Body"] == "Vous etes desabonne, vos donnees sont effacees."


def test_other_words_through_twilio_get_the_keywords(world, client, twilio, phone):  # noqa: F811
    response = twilio_post(client, {"From": "+33612345678", "Body": "bonjour <b>"})
    assert "<Message>" not in response.content.decode()
    assert Subscription.objects.filter(pk=phone.pk).exists()
    send_pending()
    [message] = twilio.received
    assert message["Body"].startswith("Mot-clé BONJOUR inconnu. INFO 76600 ou INFO HARFLEUR")


def test_an_unknown_sms_backend_is_retried_with_a_clear_reason(world, kannel, phone, settings):
    settings.SMS_BACKEND = "fax"
    world.publish()
    assert send_pending().retried == 1
    assert "SMS_BACKEND inconnu : 'fax' (kannel ou twilio)" in Delivery.objects.get().last_error
    assert kannel.received == []
