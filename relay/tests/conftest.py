"""Real components on loopback: an SMTP server (aiosmtpd) and a Kannel-compatible sendsms
HTTP server; helpers to make confirmed subscriptions."""
import asyncio
import socket
from email import message_from_bytes, policy
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from relay import sender, services
from relay.models import Subscription

from .loopback import LoopbackServer
from .smtpd import import_controller

Controller = import_controller()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler keeping every accepted message; can be told to refuse (down)."""

    def __init__(self):
        self.messages = []
        self.refuse_after = None
        self.refused = {}  # address → the reply refusing it, e.g. "550 5.1.1 no such user"
        self.delay = 0.0  # seconds before answering each message, like a busy or distant server
        self.in_flight = self.most_in_flight = 0  # messages being answered at once

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            await asyncio.sleep(self.delay)
            self.in_flight -= 1
        if self.refuse_after is not None and len(self.messages) >= self.refuse_after:
            return "451 4.3.0 try again later"
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


@pytest.fixture(autouse=True)
def lanes_from_one():
    """Each test's first batch starts with one lane, whatever the test before it needed."""
    sender.Lanes.last.clear()


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


class FakeKannel(LoopbackServer):
    """Speaks Kannel's sendsms: 202 "0: Accepted for delivery", or the status it is told to."""

    def __init__(self):
        self.received = []
        self.status = 202
        super().__init__()
        self.url = f"{self.base_url}/cgi-bin/sendsms"

    def respond(self, method, path, headers, body):
        params = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
        if params.get("username") != "relay" or params.get("password") != "s3cret":
            return 403, "text/plain", b"Authorization failed for sendsms"
        if self.status != 202:
            return self.status, "text/plain", b"3: Temporarily unavailable"
        self.received.append(params)
        return 202, "text/plain", b"0: Accepted for delivery"


@pytest.fixture
def kannel(settings):
    fake = FakeKannel()
    settings.KANNEL_URL, settings.KANNEL_USER, settings.KANNEL_PASSWORD = fake.url, "relay", "s3cret"
    yield fake
    fake.stop()


def confirmed(territory, channel, address, communes, **extra):
    subscription = Subscription.objects.create(
        territory=territory, channel=channel, address=address, confirmed_at=timezone.now(),
        manage_nonce="n0nce", **extra,
    )
    subscription.communes.set(communes)
    return subscription


def subscribers(world, count, language="fr", prefix="r"):
    """`count` confirmed e-mail subscribers of a commune next to site A."""
    commune = world.site_a.neighbouring_communes.first()
    return [confirmed(world.x, "email", f"{prefix}{i}@example.test", [commune], language=language) for i in range(count)]


def owner_of_link(url):
    """The subscription a manage link (its last path segment, the token) belongs to."""
    return services.subscription_for_manage_token(url.rstrip("/").rsplit("/", 1)[1])


def pytest_configure(config):
    config.addinivalue_line("markers", "kannel: runs real Kannel (bearerbox, smsbox, fakesmsc) on loopback")
