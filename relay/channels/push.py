"""Web push (VAPID) through pywebpush. An endpoint the push service says is gone (404, 410)
removes the subscription: the browser has unsubscribed or the user cleared its data."""
import functools
import http.client
import json
import os
import select
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

from .. import conf
from .base import Channel, PermanentError, TransientError

TIMEOUT = 10
# The network failing between us and the push service, through http.client (our pool) or requests
# (through a proxy): the classes themselves, not their module's name. OSError covers refused and
# reset connections, timeouts and TLS failures (ssl.SSLError).
NETWORK_ERRORS = (http.client.HTTPException, requests.exceptions.RequestException, OSError)
TTL_SECONDS = 12 * 3600  # a notice older than half a day is no longer worth a notification


def payload(message):
    return {
        "title": f"{message.territory_name} — {message.headline}",
        # "Que dois-je faire ?" first (issue 16), then the title and the start.
        "body": f"{message.what_to_do}\n{message.title} ({message.starts_short})" if message.what_to_do
        else f"{message.title} ({message.starts_short})",
        "url": message.url,
        "tag": f"notice-{message.notice_id}",
    }


class Pool:
    """What WebPusher.send asks of a requests session — post() answering status_code, reason,
    text and headers — over one http.client keep-alive connection per push service (origin):
    the fan-out benchmark measured urllib3's pool at about 100 µs more per request than
    http.client, and requests' own work more than the encryption. A lane has one request in
    flight at a time, so one connection per origin is all it needs. https origins are verified
    (certificate and host name) against the system's certificates, as urllib3 did."""

    def __init__(self):
        self.connections = {}  # (scheme, host, port) → http.client connection

    def post(self, url, data=None, headers=None, timeout=None):
        url = urlsplit(url)
        connection = self._connection(url, timeout)
        target = f"{url.path or '/'}?{url.query}" if url.query else url.path or "/"
        try:
            connection.request("POST", target, body=data, headers=dict(headers or {}))
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")  # read whole: the connection serves the next one
        except BaseException:
            connection.close()  # half a request or answer on it: the next message opens a new one
            raise
        return Answer(answer.status, answer.reason or "", text, answer.headers)

    def _connection(self, url, timeout):
        https = url.scheme == "https"
        key = (url.scheme, url.hostname, url.port or (443 if https else 80))  # the port given: an IPv6 host is left whole
        connection = self.connections.get(key)
        if connection is None:
            if https:
                connection = http.client.HTTPSConnection(*key[1:], timeout=timeout, context=tls_context())
            else:
                connection = http.client.HTTPConnection(*key[1:], timeout=timeout)
            self.connections[key] = connection
        elif connection.sock is not None and select.select([connection.sock], [], [], 0)[0]:
            # Readable while idle: the push service closed its end of the keep-alive connection
            # (or sent something unasked). Sending on it would fail; http.client reconnects.
            connection.close()
        return connection

    def close(self):
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()


@functools.cache
def tls_context():
    """One per process: loading the system's certificates costs milliseconds; verifying peers
    and host names is create_default_context()'s default."""
    return ssl.create_default_context()


@dataclass
class Answer:
    status_code: int
    reason: str
    text: str
    headers: dict


class WebPushChannel(Channel):
    """Several of these send a batch at once (RELAY_PUSH_CONNECTIONS), each with its own HTTP
    keep-alive session: one connection (and TLS handshake) per push service and lane, not per
    message. The VAPID signature is made once per push service and batch; the payload is still
    encrypted for each browser (RFC 8291: a fresh key pair and salt per message)."""

    kind = "push"

    def __init__(self):
        self.session = None

    def lanes(self):
        return conf.push_connections()

    def open(self):
        if requests.utils.get_environ_proxies("https://push.invalid/"):
            # Through the proxy the environment names: requests reads it (once, here).
            self.session = requests.Session()
            self.session.proxies.update(requests.utils.get_environ_proxies("https://push.invalid/"))
            self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            self.session.trust_env = False
        else:
            self.session = Pool()

    def close(self):
        if self.session is not None:
            self.session.close()
            self.session = None

    def notify(self, delivery):
        subscription = delivery.subscription
        if not conf.vapid_private_key():
            raise TransientError("clés VAPID non configurées")
        message = self.message(delivery.revision, subscription.language)  # headline and time in it
        data = json.dumps(payload(message), ensure_ascii=False)
        if self.session is None:
            self.open()
        headers = {
            **self._vapid(subscription.address),
            # RFC 8030: an immediate notice may wake a phone in power-saving mode; others wait.
            "Urgency": "high" if message.immediate else "normal",
        }
        try:
            pusher = WebPusher({"endpoint": subscription.address, "keys": subscription.push_keys},
                               requests_session=self.session)
            response = pusher.send(data, headers, ttl=TTL_SECONDS, timeout=TIMEOUT)
            if response.status_code > 202:  # what pywebpush.webpush() raises on
                raise WebPushException(f"Push failed: {response.status_code} {response.reason}", response=response)
        except WebPushException as e:
            status = getattr(e.response, "status_code", None)
            if status in (404, 410):
                raise PermanentError(f"abonnement expiré ({status}) : supprimé", subscription_gone=True) from e
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                raise PermanentError(f"service de notification {status}") from e
            raise TransientError(f"service de notification {status or 'injoignable'}") from e
        except NETWORK_ERRORS as e:  # connection refused or reset, timeouts, TLS: retried later
            raise TransientError(f"service de notification injoignable : {e.__class__.__name__}") from e

    def _vapid(self, endpoint):
        """The Authorization header for the push service of `endpoint`, signed once per batch
        (valid 12 hours, as pywebpush makes it)."""
        url = urlsplit(endpoint)
        audience = f"{url.scheme}://{url.netloc}"
        vapid = self.cache.get("vapid", lambda: Vapid.from_string(private_key=conf.vapid_private_key()))
        return self.cache.get(("vapid", audience), lambda: vapid.sign(
            {"sub": conf.vapid_subject(), "aud": audience, "exp": int(time.time()) + 12 * 3600}))
