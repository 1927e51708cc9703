"""Web push (VAPID) through pywebpush. An endpoint the push service says is gone (404, 410)
removes the subscription: the browser has unsubscribed or the user cleared its data."""
import json
import os
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from py_vapid import Vapid
from pywebpush import WebPusher, WebPushException

from .. import conf
from .base import Channel, PermanentError, TransientError

TIMEOUT = 10
# The network failing between us and the push service, through urllib3 (our pool) or requests
# (through a proxy): the classes themselves, not their module's name.
NETWORK_ERRORS = (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError)
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
    text and headers — over one urllib3 keep-alive pool: requests' own work per request (hooks, cookies,
    settings merged from the environment) cost more than the encryption in the fan-out
    benchmark. Its errors are urllib3's, which notify() maps like requests'."""

    def __init__(self):
        self.pool = urllib3.PoolManager(retries=False)

    def post(self, url, data=None, headers=None, timeout=None):
        answer = self.pool.request("POST", url, body=data, headers=dict(headers or {}), timeout=timeout)
        return Answer(answer.status, answer.reason or "", answer.data.decode("utf-8", "replace"), answer.headers)

    def close(self):
        self.pool.clear()


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
