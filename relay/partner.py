"""The partner's follow-up page (lien de suivi): a municipality or a local newspaper has no
account, so the coordinator hands it a signed link showing its webhook's recent deliveries.
No login, no personal data: only the webhook's host, its counts and the notices it carried."""
from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import messages, tokens
from .models import RECENT_DELIVERIES, Delivery, delivery_counts, recent_deliveries


def partner_url(webhook):
    """The absolute follow-up link the coordinator sends to the partner."""
    return messages.absolute(reverse("relay_hooks:webhook_partner", args=[tokens.partner_token(webhook)]))


def _not_indexed(response):
    # The link is a secret: search engines must not keep the page even if it leaks.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def webhook_status(request, token):
    webhook = tokens.webhook_for_partner_token(token)
    if webhook is None:
        return _not_indexed(render(request, "relay/invalid.html", {
            "error": _("Ce lien de suivi n'est pas valide, ou le webhook a été supprimé."),
        }, status=404))
    return _not_indexed(render(request, "relay/webhook_partner.html", {
        "webhook": webhook, "territory": webhook.territory, "host": urlsplit(webhook.address).hostname,
        "counts": Delivery.objects.filter(subscription=webhook).aggregate(**delivery_counts()),
        "deliveries": recent_deliveries(webhook), "recent": RECENT_DELIVERIES,
    }))
