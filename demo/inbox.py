"""The demo inbox ("Boîte de réception de la démo"): what the catcher kept (demo.catcher), read back
as the recipient would see it — the e-mail with its HTML in a sandboxed frame, the SMS, the
browser's notification, the partner's webhook call — with its links working.

Routed in the console only in development (console/urls.py), for superusers and coordinators."""
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone as dt_timezone
from email import message_from_bytes, policy

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from notices.town_hall import sms_number
from territories.models import Membership, Role, Territory
from textline import services as textline

from .catcher import CHANNEL, RECIPIENT, maildir

SHOWN = 200  # the newest messages; the demo rarely holds more
KEY = re.compile(r"^[\w.,:-]+$")
# The HTML part of an e-mail is a document from elsewhere: no script, no form, nothing fetched
# but inline styles and data: images; links open in a new tab, outside the sandbox.
LETTER_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)
CHANNEL_LABELS = {"email": "E-mail", "sms": "SMS", "push": "Notification", "webhook": "Webhook"}


@dataclass
class Letter:
    key: str
    channel: str
    recipient: str
    subject: str
    received: datetime
    sender: str = ""
    text: str = ""
    html: str = ""
    one_click: str = ""  # RFC 8058: the address a mail client POSTs to
    mailto: str = ""
    list_id: str = ""
    push: dict = field(default_factory=dict)  # the notification a browser shows
    headers: dict = field(default_factory=dict)

    @property
    def channel_label(self):
        return CHANNEL_LABELS.get(self.channel, self.channel)


def _maildir():
    return maildir(settings.DEMO_INBOX_DIR)


def letters():
    """The caught messages, newest first."""
    box = _maildir()
    dated = []
    for key in box.iterkeys():
        try:
            dated.append((box.get_message(key).get_date(), key))
        except KeyError:  # removed meanwhile
            continue
    return [read(box, key) for _date, key in sorted(dated, reverse=True)[:SHOWN]]


def letter(key):
    if not KEY.match(key or ""):
        raise Http404
    try:
        return read(_maildir(), key)
    except KeyError:
        raise Http404


def read(box, key):
    message = message_from_bytes(box.get_bytes(key), policy=policy.default)
    received = datetime.fromtimestamp(box.get_message(key).get_date(), dt_timezone.utc)
    channel = str(message[CHANNEL] or "email")
    found = Letter(key=key, channel=channel, subject=str(message["Subject"] or ""), received=received,
                   recipient=str(message[RECIPIENT] or message["X-RcptTo"] or message["To"] or ""))
    text_part = message.get_body(("plain",))
    found.text = text_part.get_content() if text_part is not None else ""
    if channel == "email":
        html_part = message.get_body(("html",))
        found.html = html_part.get_content() if html_part is not None else ""
        found.sender = str(message["From"] or "")
        found.list_id = str(message["List-Id"] or "")
        for address in re.findall(r"<([^>]+)>", str(message["List-Unsubscribe"] or "")):
            if address.startswith("mailto:"):
                found.mailto = address
            elif message["List-Unsubscribe-Post"]:
                found.one_click = address
    if channel == "push":
        found.push = json.loads(found.text or "{}")
    found.headers = {name[2:]: str(value) for name, value in message.items()
                     if name.startswith(("X-Push-", "X-Webhook-", "X-Sms-")) and str(value)}
    return found


def _may_open(user):
    """The demo's superuser and coordinators: the people trying Riverains as its staff."""
    if not (user.is_superuser or Membership.objects.filter(user=user, role=Role.COORDINATOR).exists()):
        raise Http404


DEMO_PHONE = "+33 6 12 34 56 78"  # the resident's phone of the demo (ARCEP's fictional range is 06 39 98, taken by the line)


def inbox(request):
    _may_open(request.user)
    return render(request, "demo/inbox.html", {
        "letters": letters(), "directory": settings.DEMO_INBOX_DIR,
        "sms_number": _demo_sms_number(), "demo_phone": DEMO_PHONE,
    })


def _demo_sms_number():
    territory = Territory.objects.order_by("pk").first()
    return sms_number(territory) if territory else ""


@require_POST
def send_sms(request):
    """A resident's SMS to the territory's number (INFO 76600, ODEUR…, ABO…, STOP, AIDE), handed
    to the SMS line as Kannel would hand it: the answer leaves through the outbox and lands in
    this inbox like any SMS, a few seconds later."""
    _may_open(request.user)
    text = request.POST.get("text", "").strip()[:320]
    phone = request.POST.get("phone", "").strip() or DEMO_PHONE
    if not text:
        messages.error(request, _("Écrivez le texte du SMS, par exemple INFO 76600."))
        return redirect("console:demo_inbox")
    answer = textline.receive(phone, text, receiver=_demo_sms_number())
    if answer is None:
        messages.error(request, _("Ce SMS ne reçoit pas de réponse (numéro d'expéditeur non valable, ou trop de SMS en une heure)."))
    else:
        messages.success(request, _("SMS reçu. La réponse arrive ici dans quelques secondes : actualisez la page."))
    return redirect("console:demo_inbox")


def letter_page(request, key):
    _may_open(request.user)
    return render(request, "demo/letter.html", {"letter": letter(key)})


@xframe_options_sameorigin
def letter_html(request, key):
    """The e-mail's HTML alone, for the sandboxed frame of letter_page: its own strict policy
    (no script, nothing loaded from anywhere), links opening in a new tab."""
    _may_open(request.user)
    found = letter(key)
    if not found.html:
        raise Http404
    head = re.search(r"<head[^>]*>", found.html, re.IGNORECASE)
    at = head.end() if head else 0  # after <head>, so that the doctype stays first (no quirks mode)
    html = found.html[:at] + '<base target="_blank">' + found.html[at:]
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = LETTER_CSP
    return response


@require_POST
def clear(request):
    """Empty the inbox: a fresh start before trying something again."""
    _may_open(request.user)
    _maildir().clear()
    messages.success(request, _("La boîte de réception de la démo est vide."))
    return redirect("console:demo_inbox")
