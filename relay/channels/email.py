"""E-mail through Django's mail backend (SMTP by default; django-anymail providers plug in as
EMAIL_BACKEND). Plain text and accessible HTML, RFC 8058 one-click unsubscribe. Each e-mail is
in its subscriber's language (Subscription.language)."""
import secrets
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from riverains.templatetags.riverains import colon
from riverains.text import header_text

from .. import messages, transactional
from .base import Channel, PermanentError, TransientError


class EmailChannel(Channel):
    kind = "email"

    def __init__(self):
        self.connection = None
        self._rendered = {}  # the templates rendered once per batch too (see build_email)

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
        items = [self.message(d.revision, subscription.language) for d in deliveries]
        message = build_email(subscription, items, self._rendered)
        self._send(message)

    def send_message(self, delivery):
        self._send(transactional.build(delivery))

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


# Stand-ins for the subscriber's own links in the rendered templates: random per process, so
# that no operator's text can contain them.
MANAGE_SLOT = f"manage-{secrets.token_hex(16)}"
UNSUBSCRIBE_SLOT = f"unsubscribe-{secrets.token_hex(16)}"


def render(items, language):
    """Subject, text and HTML of an e-mail of `items` (NoticeMessages built in `language`), the
    same for every subscriber but for their own links, left as MANAGE_SLOT and UNSUBSCRIBE_SLOT."""
    context = {
        "items": items,
        "digest": len(items) > 1,
        "territory_name": items[0].territory_name,
        "manage_url": MANAGE_SLOT,
        "unsubscribe_url": UNSUBSCRIBE_SLOT,
    }
    with translation.override(language):
        if len(items) == 1:
            subject = f"[{items[0].territory_name}] {items[0].headline}{colon()} {items[0].title}"
        else:
            subject = f"[{items[0].territory_name}] " + _("Récapitulatif : %(count)d messages") % {"count": len(items)}
        text = render_to_string("relay/email/notice.txt", context)
        html = render_to_string("relay/email/notice.html", context)
    return header_text(subject), text, html


def build_email(subscription, items, rendered=None):
    """The e-mail of `items` (NoticeMessages built in the subscriber's language) to one subscriber.

    `rendered` keeps the templates rendered for a batch: in a fan-out, they are rendered once per
    (revisions, language) and each e-mail only gets its subscriber's links put in."""
    rendered = {} if rendered is None else rendered
    key = (subscription.language, tuple((m.notice_id, m.revision_number) for m in items))
    if key not in rendered:
        rendered[key] = render(items, subscription.language)
    subject, text, html = rendered[key]
    manage = messages.manage_url(subscription)
    unsubscribe = messages.unsubscribe_url(subscription)  # language-neutral: mail clients POST to it
    text = text.replace(MANAGE_SLOT, manage).replace(UNSUBSCRIBE_SLOT, unsubscribe)
    html = html.replace(MANAGE_SLOT, escape(manage)).replace(UNSUBSCRIBE_SLOT, escape(unsubscribe))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[subscription.address],
        headers={
            # RFC 8058 one-click (https, POSTed by the mail client), then mailto: for the others.
            "List-Unsubscribe": f"<{unsubscribe}>, <{messages.unsubscribe_mailto(subscription)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": messages.list_id(items[0].territory_name, items[0].territory_slug),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
