"""The demo's catcher: what residents, partners and staff would receive, kept in one Maildir that
the console's demo inbox shows (demo.inbox). Development and the demo only (DEMO_INBOX_DIR is
empty in production, and the commands refuse to run there).

- E-mail: an SMTP server on loopback (aiosmtpd's Maildir handler, as in the tests) takes every
  e-mail the relay's sender hands to EMAIL_HOST:EMAIL_PORT.
- SMS: the same HTTP server speaks Kannel's sendsms interface (KANNEL_URL), so the relay sends
  SMS exactly as in production, through its Kannel channel.
- Web push: a demo browser, subscribed to every territory, whose push endpoint is this server; it
  holds the subscription's private key, so it decrypts each notification (RFC 8291) as a real
  browser would, and keeps what the phone would show.
- Webhooks: a demo partner, subscribed to every territory, keeps each signed call.

Everything but e-mail is stored as a small message of the same Maildir, its channel in the
X-Riverains-Channel header: one place to read, in order of arrival."""
import base64
import json
import logging
import mailbox
import os
import re
import threading
from email.message import EmailMessage
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from riverains.smtpd import import_aiosmtpd

logger = logging.getLogger(__name__)

CHANNEL = "X-Riverains-Channel"
RECIPIENT = "X-Riverains-To"
KANNEL_USER = KANNEL_PASSWORD = "demo"
# The demo browser's and partner's subscriptions point at this server: recognised by their address.
DEMO_ENDPOINT = re.compile(r"^http://127\.0\.0\.1:\d+/(push|webhook)/")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class DemoKeys:
    """The demo's VAPID key pair (the application server's) and its browser's push key pair and
    auth secret, made once and kept beside the Maildir so that a restarted demo still decrypts."""

    def __init__(self, directory):
        path = Path(directory) / "keys.json"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({
                "vapid": b64url(_new_key().private_numbers().private_value.to_bytes(32, "big")),
                "browser": b64url(_new_key().private_numbers().private_value.to_bytes(32, "big")),
                "auth": b64url(os.urandom(16)),
            }))
            path.chmod(0o600)
        data = json.loads(path.read_text())
        self.vapid = _load_key(data["vapid"])
        self.browser = _load_key(data["browser"])
        self.auth = unb64url(data["auth"])

    @property
    def vapid_private(self):
        return b64url(self.vapid.private_numbers().private_value.to_bytes(32, "big"))

    @property
    def vapid_public(self):
        return b64url(_public_point(self.vapid))

    def browser_push_keys(self):
        """What a browser's PushSubscription gives the site: its public key and auth secret."""
        return {"p256dh": b64url(_public_point(self.browser)), "auth": b64url(self.auth)}

    def decrypt(self, body):
        return http_ece.decrypt(body, private_key=self.browser, auth_secret=self.auth, version="aes128gcm")


def _new_key():
    return ec.generate_private_key(ec.SECP256R1())


def _load_key(private_value):
    return ec.derive_private_key(int.from_bytes(unb64url(private_value), "big"), ec.SECP256R1())


def _public_point(key):
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def maildir(directory):
    """The Maildir at `directory`, made whole if needed (mailbox.Maildir only makes its tmp/,
    new/ and cur/ when it makes the directory itself, and keys.json may have come first)."""
    for part in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(directory, part), exist_ok=True)
    return mailbox.Maildir(directory, create=False)


def keep(directory, channel, recipient, subject, body, headers=None):
    """Store a caught SMS, push notification or webhook call as a message of the Maildir."""
    message = EmailMessage()
    message[CHANNEL] = channel
    message[RECIPIENT] = recipient
    message["Subject"] = " ".join(subject.split())[:200]
    message["Date"] = formatdate(localtime=True)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    maildir(directory).add(message)


class Catcher:
    """The SMTP and HTTP servers, on loopback, writing into `directory`."""

    def __init__(self, directory, smtp_port, http_port, keys=None):
        self.directory = str(directory)
        self.smtp_port, self.http_port = smtp_port, http_port
        self.keys = keys or DemoKeys(directory)
        self.smtp = self.http = None

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self):
        maildir(self.directory)
        Controller, handlers = import_aiosmtpd()
        self.smtp = Controller(handlers.Mailbox(self.directory), hostname="127.0.0.1", port=self.smtp_port)
        self.smtp.start()
        self.http = ThreadingHTTPServer(("127.0.0.1", self.http_port), _handler(self))
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self):
        if self.http is not None:
            self.http.shutdown()
            self.http.server_close()
            self.http = None
        if self.smtp is not None:
            self.smtp.stop()
            self.smtp = None

    # --- what the HTTP server answers -----------------------------------------------------

    def sendsms(self, params):
        """Kannel's sendsms: 202 "Accepted for delivery", like the real gateway."""
        if params.get("username") != KANNEL_USER or params.get("password") != KANNEL_PASSWORD:
            return 403, b"Authorization failed for sendsms"
        text = params.get("text", "")
        keep(self.directory, "sms", params.get("to", ""), text, text, {"X-Sms-From": params.get("from", "")})
        return 202, b"0: Accepted for delivery"

    def push(self, name, headers, body):
        try:
            payload = json.loads(self.keys.decrypt(body))
        except Exception:  # not for the demo browser's key: say so, as a push service would not
            logger.warning("demo catcher: a push notification could not be decrypted")
            return 400, b"cannot decrypt"
        keep(self.directory, "push", f"navigateur de démonstration ({name})", payload.get("title", ""),
             json.dumps(payload, ensure_ascii=False, indent=2),
             {"X-Push-Urgency": headers.get("Urgency", ""), "X-Push-TTL": headers.get("TTL", "")})
        return 201, b""

    def webhook(self, name, path, headers, body):
        try:
            event = json.loads(body).get("type", "")
            pretty = json.dumps(json.loads(body), ensure_ascii=False, indent=2)
        except (ValueError, AttributeError):
            event, pretty = "", body.decode(errors="replace")
        names = ["webhook-id", "webhook-timestamp", "webhook-signature"]
        keep(self.directory, "webhook", f"{self.http_url}{path}", event or name, pretty,
             {f"X-{n.title()}": headers.get(n, "") for n in names})
        return 200, b""


def _handler(catcher):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status, body):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/cgi-bin/sendsms":
                return self._answer(404, b"not found")
            self._answer(*catcher.sendsms({k: v[0] for k, v in parse_qs(url.query).items()}))

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind, _slash, name = urlsplit(self.path).path.strip("/").partition("/")
            if kind == "push":
                return self._answer(*catcher.push(name, self.headers, body))
            if kind == "webhook":
                return self._answer(*catcher.webhook(name, self.path, self.headers, body))
            self._answer(404, b"not found")

        def log_message(self, *args):
            pass

    return Handler


def ensure_demo_recipients(catcher_url, keys):
    """The demo browser (web push) and the demo partner (webhook), subscribed to every demo
    territory at this catcher's address; those of an earlier run, at another port, leave."""
    from relay import services
    from relay.models import ChannelKind, Subscription
    from territories.models import Territory

    for old in Subscription.objects.filter(channel__in=[ChannelKind.PUSH, ChannelKind.WEBHOOK]):
        if DEMO_ENDPOINT.match(old.address) and not old.address.startswith(catcher_url + "/"):
            services.unsubscribe(old)
    for territory in Territory.objects.filter(is_demo=True):
        push = f"{catcher_url}/push/{territory.slug}"
        if not Subscription.objects.filter(territory=territory, channel=ChannelKind.PUSH, address=push).exists():
            services.subscribe(territory, ChannelKind.PUSH, push, list(territory.communes.all()),
                               push_keys=keys.browser_push_keys())
        hook = f"{catcher_url}/webhook/{territory.slug}"
        if not Subscription.objects.filter(territory=territory, channel=ChannelKind.WEBHOOK, address=hook).exists():
            services.create_webhook(territory, hook, "Partenaire de démonstration")
