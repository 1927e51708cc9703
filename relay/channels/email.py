"""E-mail through Django's mail backend (SMTP by default; django-anymail providers plug in as
EMAIL_BACKEND). Plain text and accessible HTML, RFC 8058 one-click unsubscribe."""
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from .. import messages
from .base import Channel, PermanentError, TransientError


class EmailChannel(Channel):
    kind = "email"

    def __init__(self):
        self.connection = None
        self._messages = {}  # revision id → NoticeMessage, built once per batch

    def open(self):
        self.connection = get_connection(fail_silently=False)
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as e:
            self.connection = None
            raise TransientError(f"SMTP indisponible : {e}") from e

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except (OSError, smtplib.SMTPException):
                pass  # the messages are already accepted or will be retried
            self.connection = None

    def notify(self, delivery):
        self.notify_digest([delivery])

    def notify_digest(self, deliveries):
        """One e-mail for one or several revisions (a daily digest) to one subscriber."""
        subscription = deliveries[0].subscription
        items = [self._message(d.revision) for d in deliveries]
        message = build_email(subscription, items)
        self._send(message)

    def _message(self, revision):
        if revision.pk not in self._messages:
            self._messages[revision.pk] = messages.for_revision(revision)
        return self._messages[revision.pk]

    def _send(self, message):
        if self.connection is None:
            self.open()
        message.connection = self.connection
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as e:
            codes = [code for code, _msg in e.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentError(f"adresse refusée par le serveur : {codes}") from e
            raise TransientError(f"destinataire refusé temporairement : {codes}") from e
        except smtplib.SMTPResponseException as e:
            self.close()
            if 500 <= e.smtp_code < 600 and e.smtp_code not in (552,):
                raise PermanentError(f"refus SMTP {e.smtp_code}") from e
            raise TransientError(f"refus SMTP temporaire {e.smtp_code}") from e
        except (OSError, smtplib.SMTPException) as e:
            self.close()  # the connection may be half-dead: reopen it for the next one
            raise TransientError(f"SMTP : {e.__class__.__name__} {e}") from e


def build_email(subscription, items):
    unsubscribe = messages.unsubscribe_url(subscription)
    context = {
        "items": items,
        "digest": len(items) > 1,
        "territory_name": items[0].territory_name,
        "manage_url": messages.manage_url(subscription),
        "unsubscribe_url": unsubscribe,
    }
    with translation.override("fr"):
        if len(items) == 1:
            subject = f"[{items[0].territory_name}] {items[0].headline} : {items[0].title}"
        else:
            subject = f"[{items[0].territory_name}] Récapitulatif : {len(items)} messages"
        text = render_to_string("relay/email/notice.txt", context)
        html = render_to_string("relay/email/notice.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[subscription.address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
