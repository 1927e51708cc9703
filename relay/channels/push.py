"""Web push (VAPID) through pywebpush. An endpoint the push service says is gone (404, 410)
removes the subscription: the browser has unsubscribed or the user cleared its data."""
import json

from pywebpush import WebPushException, webpush

from .. import conf
from ..models import Subscription
from .base import Channel, PermanentError, TransientError

TIMEOUT = 10
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


class WebPushChannel(Channel):
    kind = "push"

    def notify(self, delivery):
        subscription = delivery.subscription
        if not conf.vapid_private_key():
            raise TransientError("clés VAPID non configurées")
        message = self.message(delivery.revision, subscription.language)  # headline and time in it
        data = json.dumps(payload(message), ensure_ascii=False)
        try:
            webpush(
                subscription_info={"endpoint": subscription.address, "keys": subscription.push_keys},
                data=data,
                vapid_private_key=conf.vapid_private_key(),
                vapid_claims={"sub": conf.vapid_subject()},
                ttl=TTL_SECONDS,
                timeout=TIMEOUT,
                # RFC 8030: an immediate notice may wake a phone in power-saving mode; others wait.
                headers={"Urgency": "high" if message.immediate else "normal"},
            )
        except WebPushException as e:
            status = getattr(e.response, "status_code", None)
            if status in (404, 410):
                Subscription.objects.filter(pk=subscription.pk).delete()
                raise PermanentError(f"abonnement expiré ({status}) : supprimé") from e
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                raise PermanentError(f"service de notification {status}") from e
            raise TransientError(f"service de notification {status or 'injoignable'}") from e
        except Exception as e:  # requests' connection errors and timeouts
            if e.__class__.__module__.startswith(("requests", "urllib3")):
                raise TransientError(f"service de notification injoignable : {e.__class__.__name__}") from e
            raise
