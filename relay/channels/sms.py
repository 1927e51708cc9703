"""SMS through Kannel's HTTP sendsms interface (a self-hosted gateway, the default) or Twilio
(SMS_BACKEND=twilio, see relay.channels.twilio_sms): the same channel, quiet hours and text,
only the gateway that hands the SMS over changes.

One notice fits one 160-character GSM-7 SMS: the headline, the title (cut if needed), the
start time and the link to the notice; the link is never cut. Fixed parts in the subscriber's
language (an English STOP mention included)."""
import requests
from django.utils import translation
from django.utils.translation import gettext as _

from .. import conf, gsm, transactional
from .base import Channel, PermanentError, TransientError

TIMEOUT = 10
TODO_ROOM = 70  # characters of the "Que dois-je faire ?" line at most
TITLE_ROOM = 30  # characters of title (or the whole title) the category's default line must leave


class SmsChannel(Channel):
    kind = "sms"
    double_opt_in = True
    quiet_hours = True
    code_confirmation = True
    paid = True

    def defer_until(self, delivery, now):
        if delivery.revision is None:  # a confirmation code: the resident is waiting for it
            return None
        subscription = delivery.subscription
        if delivery.revision.snapshot.get("immediate") or not subscription.in_quiet_hours(now):
            return None
        return subscription.quiet_hours_end(now)

    def notify(self, delivery):
        subscription = delivery.subscription
        send_sms(subscription.address, notice_text(self.message(delivery.revision, subscription.language)))


    def send_message(self, delivery):
        send_sms(delivery.recipient, transactional.build(delivery))


def notice_text(message):
    with translation.override(message.language):
        # Translators: the end of every SMS notice; STOP is the keyword the gateway understands.
        stop = _("STOP=desabonnement")
    head = gsm.truncate(gsm.to_gsm(message.territory_name), 30) + gsm.to_gsm(f" - {message.headline}: ")
    tail = gsm.to_gsm(f" ({message.starts_short}) {message.url} {stop}")
    room = gsm.SINGLE - gsm.length(head) - gsm.length(tail)
    # "Que dois-je faire ?" first (issue 16): a line the operator wrote always (it asks something),
    # the category's default ("nothing, not an alert") when the title keeps enough room.
    todo = gsm.truncate(gsm.to_gsm(message.what_to_do), TODO_ROOM) + " " if message.what_to_do else ""
    title_needs = min(gsm.length(gsm.to_gsm(message.title)), TITLE_ROOM)
    if todo and (not message.what_to_do_is_default or room - gsm.length(todo) >= title_needs):
        head += todo
        room -= gsm.length(todo)
    if room < 20:  # a very long site address: drop the STOP hint rather than the title
        tail = gsm.to_gsm(f" ({message.starts_short}) {message.url}")
        room = gsm.SINGLE - gsm.length(head) - gsm.length(tail)
    return head + gsm.truncate(gsm.to_gsm(message.title), max(room, 10)) + tail


def send_sms(phone, text):
    """Hand one SMS to the configured gateway."""
    backend = conf.sms_backend()
    if backend == "twilio":
        from .twilio_sms import send_sms as send_with_twilio

        return send_with_twilio(phone, text)
    if backend != "kannel":
        raise TransientError(f"SMS_BACKEND inconnu : {backend!r} (kannel ou twilio)")
    return send_with_kannel(phone, text)


def send_with_kannel(phone, text):
    """Hand one SMS to Kannel. Kannel answers 202 when accepted (or queued), 4xx when the request
    is wrong, 503 when it cannot take it now."""
    url = conf.kannel_url()
    if not url:
        raise TransientError("passerelle SMS non configurée (KANNEL_URL)")
    params = {
        "username": conf.kannel_user(),
        "password": conf.kannel_password(),
        "from": conf.sms_sender(),
        "to": phone,
        "text": text,
        "charset": "UTF-8",
        "coding": "0",
    }
    try:
        response = requests.get(url, params=params, timeout=TIMEOUT)
    except requests.RequestException as e:
        raise TransientError(f"passerelle SMS injoignable : {e.__class__.__name__}") from e
    if response.status_code in (200, 202):
        return response.text
    reason = f"passerelle SMS {response.status_code} : {response.text[:200].strip()}"
    if response.status_code in (400, 404):  # a bad number; 403 is our own credentials: retry
        raise PermanentError(reason)
    raise TransientError(reason)
