"""Webhooks for partners, signed per the Standard Webhooks specification
(https://www.standardwebhooks.com): webhook-id, webhook-timestamp and
webhook-signature = "v1," + base64(HMAC-SHA256(secret, f"{id}.{timestamp}.{body}"))."""
import base64
import hashlib
import hmac
import json
import time

import requests
from django.core.exceptions import ValidationError

from .. import messages
from ..addresses import check_public_host
from .base import Channel, PermanentError, TransientError

TIMEOUT = 10


def secret_bytes(secret):
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret, msg_id, timestamp, body):
    mac = hmac.new(secret_bytes(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def body_for(delivery):
    message = messages.for_revision(delivery.revision)
    revision = delivery.revision
    return json.dumps(
        {
            "type": f"notice.{revision.action}",
            "timestamp": revision.created_at.isoformat(),
            "data": {
                "territory": message.territory_slug,
                "notice_id": message.notice_id,
                "revision": message.revision_number,
                "url": message.url,
                **message.snapshot,
            },
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class WebhookChannel(Channel):
    kind = "webhook"

    def notify(self, delivery):
        subscription = delivery.subscription
        try:
            check_public_host(subscription.address)  # again at send time: DNS may have changed
        except ValidationError as e:
            raise PermanentError("adresse privée ou locale refusée") from e
        body = body_for(delivery)
        # The same id on every retry lets the partner drop duplicates.
        msg_id = f"msg_{delivery.revision_id}_{delivery.subscription_id}"
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": timestamp,
            "webhook-signature": sign(subscription.secret, msg_id, timestamp, body),
            "user-agent": "Riverains-Webhooks/1",
        }
        try:
            response = requests.post(
                subscription.address, data=body.encode(), headers=headers, timeout=TIMEOUT, allow_redirects=False
            )
        except requests.RequestException as e:
            raise TransientError(f"partenaire injoignable : {e.__class__.__name__}") from e
        if 200 <= response.status_code < 300:
            return
        if response.status_code == 410:
            raise PermanentError("le partenaire a supprimé ce webhook (410)")
        raise TransientError(f"le partenaire a répondu {response.status_code}")
