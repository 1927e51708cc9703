"""E-mail through Django's mail backend (SMTP by default; django-anymail providers plug in as
EMAIL_BACKEND). Plain text and accessible HTML, RFC 8058 one-click unsubscribe. Each e-mail is
in its subscriber's language (Subscription.language).

A fan-out is cheap per subscriber: the templates are rendered once per revision and language,
and with Django's SMTP backend the whole MIME message is composed once too (`Composed`): each
subscriber's e-mail is those bytes with their address, their Message-ID and their own links
put in. The sender runs several of these channels at once (RELAY_EMAIL_CONNECTIONS), one SMTP
connection each.

Through a provider whose API takes one message for many recipients with merge data (anymail's
batch sending; ESP_MERGE_FIELDS says which), a revision's notice goes to up to
RELAY_ESP_BATCH_SIZE subscribers of one territory and language in one API call (`notify_batch`):
rendered once with the provider's merge fields where each subscriber's links go, their links in
the call's merge data."""
import functools
import re
import secrets
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from riverains.templatetags.riverains import colon
from riverains.text import header_text

from .. import conf, messages, transactional
from ..models import MessageKind
from .base import Channel, PermanentError, TransientError


class EmailChannel(Channel):
    kind = "email"
    double_opt_in = True
    digest = True

    def __init__(self):
        self.connection = None

    def lanes(self):
        return conf.email_connections()

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

    def batch_size(self):
        """Subscribers one call to the provider may carry (notify_batch); 1 without batch sending."""
        return conf.esp_batch_size() if merge_field() is not None else 1

    def batch_key(self, delivery):
        """Deliveries with the same key may go to the provider in one call: one revision's notice
        to subscribers of one territory and language. None sends it on its own (no batch
        sending, an address the provider might write otherwise, text that holds a merge field)."""
        subscription = delivery.subscription
        if (merge_field() is None or delivery.kind != MessageKind.NOTICE or subscription is None
                or not SIMPLE_ADDRESS.fullmatch(subscription.address)):
            return None
        return None if self._template(delivery) is None else (
            delivery.revision_id, subscription.territory_id, subscription.language)

    def notify_batch(self, deliveries):
        """One call to the provider for the deliveries of one batch_key. Returns {delivery pk:
        reason} for the recipients the provider refused; the others it accepted. Raises like
        notify() when the call itself failed: then nothing of the batch was accepted."""
        template = self._template(deliveries[0])
        message = template.message({d.subscription.address: template.links.of(d.subscription) for d in deliveries})
        self._send(message)
        statuses = getattr(message, "anymail_status", None)
        statuses = statuses.recipients if statuses is not None else {}
        refused = {}
        for delivery in deliveries:
            status = statuses.get(delivery.subscription.address)
            if status is not None and status.status in REFUSED:
                refused[delivery.pk] = f"adresse refusée par le fournisseur : {status.status}"
        return refused

    def notify_digest(self, deliveries):
        """One e-mail for one or several revisions (a daily digest) to one subscriber."""
        subscription = deliveries[0].subscription
        items = [self.message(d.revision, subscription.language) for d in deliveries]
        smtp = self._smtp()
        composed = self._compose(subscription.language, items) if smtp is not None else None
        if composed is not None and SIMPLE_ADDRESS.fullmatch(subscription.address):
            territory, language = subscription.territory, subscription.language
            links = self.cache.get(("links", territory.pk, language), lambda: LinkForms(territory.slug, language))
            raw = composed.fill(subscription.address, links.of(subscription))
            with self._errors():
                smtp.sendmail(composed.sender, [subscription.address], raw)
            return
        message = build_email(subscription, items, self.cache.get("rendered", dict))
        self._send(message)

    def _template(self, delivery):
        """The delivery's notice rendered for batch sending, once per revision, territory and
        language (EspTemplate; None when it cannot be)."""
        subscription, language = delivery.subscription, delivery.subscription.language
        return self.cache.get(("esp", delivery.revision_id, subscription.territory_id, language),
                              lambda: EspTemplate.build(self.message(delivery.revision, language),
                                                        subscription.territory.slug, language))

    def send_message(self, delivery):
        self._send(transactional.build(delivery))

    def _smtp(self):
        """The smtplib connection when mail leaves through Django's own SMTP backend (composed
        bytes may then go as they are); None for other backends (a provider, tests' locmem)."""
        if self.connection is None:
            self.open()
        return self.connection.connection if isinstance(self.connection, SMTPBackend) else None

    def _compose(self, language, items):
        key = ("composed", language, tuple((m.notice_id, m.revision_number) for m in items))
        return self.cache.get(key, lambda: Composed.build(items, language, self.cache.get("rendered", dict)))

    def _send(self, message):
        if self.connection is None:
            self.open()
        message.connection = self.connection
        with self._errors(), provider_errors():
            message.send()

    @contextmanager
    def _errors(self):
        """What the SMTP server said, as the sender's TransientError or PermanentError."""
        try:
            yield
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


# Providers whose anymail backend sends one message to many recipients with per-recipient merge
# data in one API call, and how a merge field is written in the message for them (Mailgun's
# "recipient variables", substituted in the subject, the bodies and custom headers). Another
# provider goes here with its syntax once its batch call is tested like Mailgun's.
ESP_MERGE_FIELDS = {
    "anymail.backends.mailgun.EmailBackend": "%recipient.{}%",
}
# anymail_status.recipients statuses that mean "this address will not get it": failed alone.
REFUSED = {"rejected", "invalid"}


def merge_field():
    """The merge-field pattern of the configured provider, or None (SMTP, or no batch sending)."""
    return _merge_field(settings.EMAIL_BACKEND)


@functools.lru_cache
def _merge_field(backend):
    # An installation's own subclass of a provider's backend batches like the provider's.
    for cls in import_string(backend).__mro__:
        if f"{cls.__module__}.{cls.__qualname__}" in ESP_MERGE_FIELDS:
            return ESP_MERGE_FIELDS[f"{cls.__module__}.{cls.__qualname__}"]
    return None


@contextmanager
def provider_errors():
    """What an anymail provider said, as the sender's TransientError or PermanentError: its
    refusal of the message or of every recipient is permanent; the network, 5xx, throttling,
    answers it could not read, and what the installation can put right (a wrong key: 401, 403; a
    batch too large: 413) are retried."""
    try:
        yield
    except AnymailRecipientsRefused as e:
        raise PermanentError("adresse refusée par le fournisseur") from e
    except AnymailError as e:
        status = getattr(e, "status_code", None)
        if status is not None and 400 <= status < 500 and status not in (401, 403, 408, 413, 429):
            raise PermanentError(f"refus du fournisseur {status}") from e
        raise TransientError(f"fournisseur {status or 'injoignable'} : {e.__class__.__name__}") from e


class EspTemplate:
    """A notice rendered once for a provider's batch sending: the subscriber's links are the
    provider's merge fields ("manage", "unsubscribe", "mailto"), in the bodies and in
    List-Unsubscribe; `message` fills a call's merge data with each recipient's own links.

    `build` answers None when the text already holds the merge fields' opening (an operator
    writing "%recipient." would have the provider put something in it): those e-mails are sent
    one by one. The links must need no HTML escaping (reverse() and quote() make them so;
    checked), since the provider puts them into the HTML as they are."""

    def __init__(self, item, language, rendered, fields, links):
        self.item, self.language, self.rendered, self.fields, self.links = item, language, rendered, fields, links

    @classmethod
    def build(cls, item, territory_slug, language):
        field = merge_field()
        opening = field.split("{}")[0]
        rendered = {}
        links = LinkForms(territory_slug, language)
        forms = (links.manage, links.unsubscribe, links.mailto)
        if (any(opening in part for part in _rendered([item], language, rendered))
                or any(escape(form) != form for form in forms)):
            return None
        # The merge fields need no HTML escaping: the same in the text, the HTML and the headers.
        fields = Links(*(field.format(name) for name in ("manage", "unsubscribe", "mailto")))
        return cls(item, language, rendered, fields, links)

    def message(self, recipients):
        """One message to `recipients` ({address: Links}), each seeing only their own address."""
        message = _email("", self.language, [self.item], self.rendered, self.fields, self.fields)
        message.to = list(recipients)
        message.merge_data = {
            address: {"manage": own.manage, "unsubscribe": own.unsubscribe, "mailto": own.mailto}
            for address, own in recipients.items()
        }
        message.merge_global_data = {}
        return message


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
    links = Links(
        manage=messages.manage_url(subscription),
        unsubscribe=messages.unsubscribe_url(subscription),  # language-neutral: mail clients POST to it
        mailto=messages.unsubscribe_mailto(subscription),
    )
    return _email(subscription.address, subscription.language, items, rendered, links, links.escaped())


@dataclass
class Links:
    """A subscriber's own links, as they appear in the text part and the headers."""

    manage: str
    unsubscribe: str
    mailto: str

    def escaped(self):
        """The same, as they appear in the HTML part."""
        return Links(escape(self.manage), escape(self.unsubscribe), escape(self.mailto))


def _rendered(items, language, rendered):
    """render(items, language), kept in `rendered` for the next subscriber of the batch."""
    key = (language, tuple((m.notice_id, m.revision_number) for m in items))
    if key not in rendered:
        rendered[key] = render(items, language)
    return rendered[key]


def _email(address, language, items, rendered, links, html_links, headers=()):
    subject, text, html = _rendered(items, language, {} if rendered is None else rendered)
    text = text.replace(MANAGE_SLOT, links.manage).replace(UNSUBSCRIBE_SLOT, links.unsubscribe)
    html = html.replace(MANAGE_SLOT, html_links.manage).replace(UNSUBSCRIBE_SLOT, html_links.unsubscribe)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[address],
        headers={
            # RFC 8058 one-click (https, POSTed by the mail client), then mailto: for the others.
            "List-Unsubscribe": f"<{links.unsubscribe}>, <{links.mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": messages.list_id(items[0].territory_name, items[0].territory_slug),
            "Auto-Submitted": "auto-generated",
            **dict(headers),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# Addresses that Django's SMTP backend would write as they are, in the envelope and in To: the
# composed message takes them; any other (an internationalised domain, a quoted local part…)
# goes through the full build, as before.
SIMPLE_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


def _slot(name):
    return f"{name}{secrets.token_hex(16)}"


# Stand-ins in a composed message's bytes (random per process, like the two above).
ADDRESS_SLOT = _slot("address") + "@slot.invalid"
MESSAGE_ID_SLOT = _slot("id")
MAILTO_SLOT = _slot("mailto")
HTML_MANAGE_SLOT, HTML_UNSUBSCRIBE_SLOT, HTML_MAILTO_SLOT = _slot("hmanage"), _slot("hunsubscribe"), _slot("hmailto")
TOKEN_SLOT = _slot("token")


@dataclass
class Composed:
    """One e-mail as bytes on the wire, the same for every subscriber of a (revisions, language)
    but for the stand-ins of their address, Message-ID and links: `fill` puts theirs in.

    Only for bodies Django writes as they are (8bit): a quoted-printable or base64 part (a line
    longer than 998 characters) could split a stand-in, so `build` then answers None and those
    e-mails take the full build."""

    sender: str
    pieces: list  # bytes, and at odd positions the name of what goes there

    SLOTS = {
        ADDRESS_SLOT: "address", MESSAGE_ID_SLOT: "message_id", MANAGE_SLOT: "manage",
        UNSUBSCRIBE_SLOT: "unsubscribe", MAILTO_SLOT: "mailto", HTML_MANAGE_SLOT: "html_manage",
        HTML_UNSUBSCRIBE_SLOT: "html_unsubscribe", HTML_MAILTO_SLOT: "html_mailto",
    }
    SPLIT = re.compile(b"(" + b"|".join(re.escape(slot.encode()) for slot in SLOTS) + b")")
    ENCODED_PART = re.compile(rb"^content-transfer-encoding:\s*(quoted-printable|base64)", re.I | re.M)

    @classmethod
    def build(cls, items, language, rendered):
        message = _email(
            ADDRESS_SLOT, language, items, rendered,
            Links(MANAGE_SLOT, UNSUBSCRIBE_SLOT, MAILTO_SLOT),
            Links(HTML_MANAGE_SLOT, HTML_UNSUBSCRIBE_SLOT, HTML_MAILTO_SLOT),
            headers={"Message-ID": f"<{MESSAGE_ID_SLOT}@{DNS_NAME}>"},
        )
        raw = message.message().as_bytes(linesep="\r\n")
        pieces = cls.SPLIT.split(raw)
        found = {piece.decode() for piece in pieces[1::2]}
        wanted = {ADDRESS_SLOT, MESSAGE_ID_SLOT, MANAGE_SLOT, UNSUBSCRIBE_SLOT, MAILTO_SLOT, HTML_UNSUBSCRIBE_SLOT}
        if cls.ENCODED_PART.search(raw) or not wanted <= found:
            return None
        pieces[1::2] = [cls.SLOTS[piece.decode()] for piece in pieces[1::2]]
        return cls(sender=sanitize_address(message.from_email, message.encoding or "utf-8"), pieces=pieces)

    def fill(self, address, links):
        values = {
            "address": address, "message_id": secrets.token_hex(12), "manage": links.manage,
            "unsubscribe": links.unsubscribe, "mailto": links.mailto, "html_manage": escape(links.manage),
            "html_unsubscribe": escape(links.unsubscribe), "html_mailto": escape(links.mailto),
        }
        pieces = self.pieces[:]
        pieces[1::2] = [values[name].encode() for name in pieces[1::2]]
        return b"".join(pieces)


class LinkForms:
    """A territory's manage and unsubscribe links in one language, made once with a stand-in
    for the subscriber's token (what messages.manage_url, unsubscribe_url and
    unsubscribe_mailto make for each subscriber; a test keeps them equal)."""

    def __init__(self, territory_slug, language):
        with translation.override(language):
            self.manage = messages.absolute(reverse("relay:manage", args=[territory_slug, TOKEN_SLOT]))
        self.unsubscribe = messages.absolute(reverse("relay_hooks:unsubscribe", args=[TOKEN_SLOT]))
        subject = quote(f"{messages.UNSUBSCRIBE_SUBJECT} ")
        self.mailto = f"mailto:{conf.unsubscribe_email()}?subject={subject}{TOKEN_SLOT}"

    def of(self, subscription):
        from ..tokens import manage_token

        token = manage_token(subscription)  # letters, digits, "-_:": as reverse() and quote() leave them
        return Links(self.manage.replace(TOKEN_SLOT, token), self.unsubscribe.replace(TOKEN_SLOT, token),
                     self.mailto.replace(TOKEN_SLOT, quote(token)))
