"""Tasks on the "relay" queue. send_pending_task is a nudge after a publication (the run_relay
loop is the production path and finds the same rows); send_confirmation sends the double
opt-in message, generating the secret there so that it is never stored in clear."""
import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from . import messages, services
from .channels.base import TransientError
from .channels.sms import send_sms
from .models import ChannelKind, Subscription
from .sender import send_pending

logger = logging.getLogger(__name__)


@task(queue_name="relay")
def send_pending_task():
    stats = send_pending(limit=10_000)
    return {"sent": stats.sent, "retried": stats.retried, "failed": stats.failed}


@task(queue_name="relay")
def send_confirmation(subscription_id):
    subscription = Subscription.objects.select_related("territory").filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    with translation.override("fr"):
        if subscription.channel == ChannelKind.EMAIL:
            _email_confirmation(subscription)
        elif subscription.channel == ChannelKind.SMS:
            _sms_confirmation(subscription)
    return "sent"


def _email_confirmation(subscription):
    territory = subscription.territory
    context = {"territory": territory, "manage_url": messages.manage_url(subscription)}
    if subscription.is_confirmed:
        template, subject = "relay/email/already.txt", f"[{territory.name}] Votre abonnement"
    else:
        secret = services.issue_secret(subscription)
        token = services.confirm_link_token(subscription, secret)
        context["confirm_url"] = messages.absolute(reverse("relay:confirm", args=[territory.slug, token]))
        template, subject = "relay/email/confirm.txt", f"[{territory.name}] Confirmez votre abonnement"
    message = EmailMultiAlternatives(subject=subject, body=render_to_string(template, context), to=[subscription.address])
    message.send()


def _sms_confirmation(subscription):
    territory = subscription.territory
    if subscription.is_confirmed:
        text = f"{territory.name} : vous etes deja abonne. Gerer : {messages.manage_url(subscription)}"
    else:
        code = services.issue_secret(subscription)
        text = f"{territory.name} : votre code de confirmation est {code}. Il est valable 24 h."
    try:
        send_sms(subscription.address, text)
    except TransientError:
        logger.warning("relay: SMS confirmation for subscription %s not sent", subscription.pk)
        raise
