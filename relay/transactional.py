"""Messages that are not notices — a subscription's confirmation, an invitation to the console, a
password reset, the answer to a resident's report, an alert to the territory's team — go through the same outbox
as notices: `queue` writes a Delivery row in the caller's transaction, the relay's sender claims
it (before any notice: priority), and the channel sends what the kind's builder makes of it at
send time. Every message a person receives thus has a row, retries with back-off, and an error
the console shows; none is sent from a web request.

A builder is registered per kind with `@builds(kind)`; it returns an EmailMessage for the e-mail
channel, the text for SMS. Builders that put a secret in a link (confirmation, invitation,
password reset) make it when they run, so that the outbox never holds a working link. The apps
above relay (console) register theirs when Django starts (their AppConfig.ready)."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from riverains.text import header_text

from .errors import PermanentError
from .models import Delivery, MessageKind, Priority

BUILDERS = {}

PRIORITIES = {
    MessageKind.CONFIRMATION: Priority.WAITING,
    MessageKind.INVITATION: Priority.WAITING,
    MessageKind.PASSWORD_RESET: Priority.WAITING,
    MessageKind.REPORT_ANSWER: Priority.STAFF,
    MessageKind.STAFF_ALERT: Priority.STAFF,
    MessageKind.SMS_ANSWER: Priority.WAITING,  # the resident holds the phone that just sent it
}


def builds(kind):
    """Register the function that makes the message of `kind` from its Delivery."""

    def register(function):
        BUILDERS[kind] = function
        return function

    return register


def queue(kind, channel, *, subscription=None, address="", territory=None, reference=None, payload=None):
    """Queue one message; sent by the relay's sender, as soon as it is free of anyone else
    waiting. Call it inside the transaction that decides the message: rolled back together."""
    if territory is None and subscription is not None:
        territory = subscription.territory
    return Delivery.objects.create(
        kind=kind, channel=channel, subscription=subscription, address=address, territory=territory,
        reference=reference, payload=payload or {}, priority=PRIORITIES.get(kind, Priority.WAITING),
    )


def build(delivery):
    """What the channel sends for this delivery (an EmailMessage, or an SMS text)."""
    builder = BUILDERS.get(delivery.kind)
    if builder is None:
        raise PermanentError(f"aucun modèle de message « {delivery.kind} » n'est chargé")
    return builder(delivery)


def email(delivery, subject, body, html=None):
    """An e-mail to the delivery's recipient. The subject is made fit for a header (it may carry a
    territory's or an organization's name, with a line break or a bidi control)."""
    message = EmailMultiAlternatives(
        subject=header_text(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient], headers={"Auto-Submitted": "auto-generated"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


@builds(MessageKind.REPORT_ANSWER)
@builds(MessageKind.STAFF_ALERT)
def written_email(delivery):
    """Messages written when queued (no secret in them): the subject and text are in the row."""
    return email(delivery, delivery.payload["subject"], delivery.payload["body"])
