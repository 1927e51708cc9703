"""Tasks on the "relay" queue. send_pending_task is a nudge after a publication (the run_relay
loop is the production path and finds the same rows); send_confirmation sends the double
opt-in message, generating the secret there so that it is never stored in clear."""
import logging
import time

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from riverains import stopping
from riverains.text import header_text

from . import gsm, messages, services
from .channels.base import TransientError
from .channels.sms import send_sms
from .models import ChannelKind, Subscription
from .sender import send_pending

logger = logging.getLogger(__name__)


# A nudge, not the whole fan-out: it leaves the rest to run_relay after two minutes, so that no
# task of ours runs long enough to be taken for a dead worker's (riverains.taskworker), and it
# stops between two messages when its worker is asked to stop.
NUDGE_SECONDS = 120


@task(queue_name="relay")
def send_pending_task():
    deadline = time.monotonic() + NUDGE_SECONDS
    stats = send_pending(limit=10_000, stop=lambda: stopping.requested() or time.monotonic() > deadline)
    return {"sent": stats.sent, "retried": stats.retried, "failed": stats.failed}


@task(queue_name="relay")
def send_confirmation(subscription_id):
    subscription = Subscription.objects.select_related("territory").filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    # In the language of the page the resident subscribed on (links to /en/… in English). A
    # confirmed subscription keeps its language when someone subscribes its address again.
    with translation.override(subscription.language):
        if subscription.channel == ChannelKind.EMAIL:
            _email_confirmation(subscription)
        elif subscription.channel == ChannelKind.SMS:
            _sms_confirmation(subscription)
    return "sent"


def _email_confirmation(subscription):
    territory = subscription.territory
    context = {"territory": territory, "manage_url": messages.manage_url(subscription)}
    if subscription.is_confirmed:
        template, subject = "relay/email/already.txt", f"[{territory.name}] " + _("Votre abonnement")
    else:
        secret = services.issue_secret(subscription)
        token = services.confirm_link_token(subscription, secret)
        context["confirm_url"] = messages.absolute(reverse("relay:confirm", args=[territory.slug, token]))
        template, subject = "relay/email/confirm.txt", f"[{territory.name}] " + _("Confirmer votre abonnement")
    message = EmailMultiAlternatives(subject=header_text(subject), body=render_to_string(template, context),
                                     to=[subscription.address])
    message.send()


def _sms_confirmation(subscription):
    territory = subscription.territory
    if subscription.is_confirmed:
        # Translators: an SMS, written without accents like the rest of the SMS texts.
        text = _("%(territory)s : vous etes deja abonne. Gerer : %(url)s") % {
            "territory": territory.name, "url": messages.manage_url(subscription)}
    else:
        code = services.issue_secret(subscription)
        text = _("%(territory)s : votre code de confirmation est %(code)s. Il est valable 24 h.") % {
            "territory": territory.name, "code": code}
    try:
        send_sms(subscription.address, gsm.to_gsm(text))  # a translation too stays in GSM-7
    except TransientError:
        logger.warning("relay: SMS confirmation for subscription %s not sent", subscription.pk)
        raise
