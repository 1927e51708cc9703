import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import socket
import ssl
import tempfile
import threading

import http_ece
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.utils import timezone

from relay import services
from relay.channels import push
from relay.models import Delivery, DeliveryStatus, Subscription
from relay.sender import send_pending

from .conftest import confirmed
from .loopback import LoopbackServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Receiver(LoopbackServer):
    """A loopback HTTP endpoint recording POSTs and answering `status`."""

    def __init__(self, status=201):
        self.requests = []
        self.status = status
        super().__init__()
        self.url = f"{self.base_url}/"

    def respond(self, method, path, headers, body):
        self.requests.append(({k.lower(): v for k, v in headers.items()}, body))
        return self.status, None, b""


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def vapid(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = b64url(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return key


@pytest.fixture
def browser(world, receiver, vapid):
    """A browser's push subscription: its own key pair and auth secret."""
    key = ec.generate_private_key(ec.SECP256R1())
    auth = os.urandom(16)
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    subscription = confirmed(
        world.x, "push", receiver.url + "push/abc", list(world.site_a.neighbouring_communes.all()),
        push_keys={"p256dh": b64url(public), "auth": b64url(auth)},
    )
    return subscription, key, auth


def test_a_push_payload_is_encrypted_for_the_browser_and_says_what_happens(world, receiver, browser):
    subscription, key, auth = browser
    notice = world.publish()

    assert send_pending().sent == 1

    [(headers, body)] = receiver.requests
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")
    payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm"))
    assert payload["title"] == "Seine-Estuaire — Nouveau message"
    assert "Torchage sur l'unité de distillation" in payload["body"]
    assert payload["url"].endswith(f"/seine-estuaire/messages/{notice.pk}/")


def test_an_immediate_notice_is_pushed_with_high_urgency_a_planned_one_with_normal(world, receiver, browser):
    world.publish(immediate=True, title="Odeur en cours")
    world.publish(title="Essai de sirène prévu")

    assert send_pending().sent == 2

    urgencies = {}
    for headers, body in receiver.requests:
        payload = json.loads(http_ece.decrypt(body, private_key=browser[1], auth_secret=browser[2], version="aes128gcm"))
        urgencies[payload["body"].splitlines()[-1].split(" (")[0]] = headers["urgency"]
    assert urgencies == {"Odeur en cours": "high", "Essai de sirène prévu": "normal"}


def test_an_english_push_notification_has_its_fixed_parts_in_english(world, receiver, browser):
    subscription, key, auth = browser
    subscription.language = "en"
    subscription.save()
    notice = world.publish()

    assert send_pending().sent == 1

    [(_headers, body)] = receiver.requests
    payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm"))
    starts = timezone.localtime(notice.starts_at)
    assert payload["title"] == "Seine-Estuaire — New notice"
    assert payload["body"] == (  # what to do first, the category's default in English
        f"Nothing: this is not an alert.\nTorchage sur l'unité de distillation ({starts.day} {starts:%b %H:%M})")
    assert payload["url"] == f"http://127.0.0.1:8000/en/seine-estuaire/messages/{notice.pk}/"


def test_an_expired_push_subscription_is_removed(world, receiver, browser):
    subscription, _key, _auth = browser
    receiver.status = 410
    world.publish()

    send_pending()

    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "410" in delivery.last_error


def test_an_unreachable_push_service_is_retried_and_the_browser_kept(world, receiver, browser):
    subscription, _key, _auth = browser
    receiver.stop()  # the push service's address answers nothing now (connection refused)
    world.publish()

    assert send_pending().sent == 0

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "injoignable" in delivery.last_error
    assert Subscription.objects.filter(pk=subscription.pk).exists()


@pytest.mark.parametrize("status", [429, 503])
def test_a_push_service_busy_or_failing_is_retried_and_the_browser_kept(world, receiver, browser, status):
    subscription, _key, _auth = browser
    receiver.status = status
    world.publish()

    assert send_pending().sent == 0

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and str(status) in delivery.last_error
    assert Subscription.objects.filter(pk=subscription.pk).exists()


class KeepAliveReceiver(Receiver):
    """An HTTP/1.1 push service that keeps the connection open after its answer, then closes it
    while idle (its keep-alive timeout) once `close_idle` is set."""

    def __init__(self):
        self.close_idle, self.closed, self.connections = threading.Event(), threading.Event(), 0
        super().__init__()
        handler, receiver = self.httpd.RequestHandlerClass, self

        class KeepAlive(handler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                receiver.connections += 1

            def handle(self):
                self.handle_one_request()  # the first answer, the connection kept...
                receiver.close_idle.wait(5)  # ...until the test has the service close it, idle
                self.request.shutdown(socket.SHUT_RDWR)
                receiver.closed.set()

        self.httpd.RequestHandlerClass = KeepAlive


def test_a_push_service_closing_an_idle_connection_gets_the_next_message_on_a_new_one(world, vapid):
    receiver = KeepAliveReceiver()
    pool = push.Pool()
    try:
        assert pool.post(receiver.url + "push/a", b"one", {}, timeout=5).status_code == 201
        receiver.close_idle.set()
        assert receiver.closed.wait(5)

        # Sent on the closed connection, it would be lost (and the delivery retried).
        assert pool.post(receiver.url + "push/b", b"two", {}, timeout=5).status_code == 201
    finally:
        pool.close()
        receiver.stop()
    assert [body for _headers, body in receiver.requests] == [b"one", b"two"]
    assert receiver.connections == 2


def self_signed_tls_server(receiver):
    """Serve `receiver` over TLS with a certificate no authority signed."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    with tempfile.NamedTemporaryFile(suffix=".pem") as file:
        file.write(pem)
        file.flush()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(file.name)
    receiver.httpd.socket = context.wrap_socket(receiver.httpd.socket, server_side=True)
    return receiver.url.replace("http://", "https://")


def test_a_push_service_whose_certificate_is_not_trusted_gets_nothing_and_is_retried(world, receiver, browser):
    subscription, _key, _auth = browser
    subscription.address = self_signed_tls_server(receiver) + "push/abc"
    subscription.save()
    world.publish()

    assert send_pending().sent == 0

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and "injoignable" in delivery.last_error
    assert receiver.requests == []


def test_a_partner_webhook_is_signed_per_standard_webhooks(world, receiver):
    partner = services.create_webhook(world.x, receiver.url + "hook", "Ville du Havre")
    notice = world.publish()

    assert send_pending().sent == 1

    [(headers, body)] = receiver.requests
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    secret = base64.b64decode(partner.secret.removeprefix("whsec_"))
    expected = base64.b64encode(
        hmac.new(secret, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    data = json.loads(body)
    assert data["type"] == "notice.published"
    assert data["data"]["notice_id"] == notice.pk and data["data"]["title"] == "Torchage sur l'unité de distillation"


def test_a_failing_partner_is_retried_with_the_same_message_id(world, receiver):
    services.create_webhook(world.x, receiver.url + "hook", "Média local")
    receiver.status = 500
    world.publish()
    send_pending()
    receiver.status = 204
    from django.utils import timezone

    send_pending(now=timezone.now() + timezone.timedelta(hours=1))
    assert len(receiver.requests) == 2
    assert receiver.requests[0][0]["webhook-id"] == receiver.requests[1][0]["webhook-id"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_private_and_loopback_webhook_addresses_are_refused_in_production(world, settings):
    settings.RELAY_ALLOW_PRIVATE_WEBHOOKS = False
    for url in ["http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://[::1]/hook", "http://169.254.169.254/"]:
        with pytest.raises(ValidationError) as error:
            services.create_webhook(world.x, url, "Partenaire")
        assert "réseau privé ou local" in str(error.value)
    assert not Subscription.objects.exists()
