"""SMS through Twilio's Messages API, with Twilio's own library (SMS_BACKEND=twilio).

The library talks to https://api.twilio.com; TWILIO_API_URL replaces that base (a regional
proxy, or the loopback server of the tests) through the Api domain's base_url, the one seam the
library keeps for it. Twilio's answers are sorted like Kannel's: a refused number or refused
credentials are permanent (recorded for the coordinator), busy or down is retried."""
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .. import conf
from .base import PermanentError, TransientError

TIMEOUT = 10
# 401: wrong account SID or token — retrying for hours would not fix it; the coordinator must.
# 400/404: the number is invalid or not reachable by SMS (Twilio codes 21211, 21614, …).
PERMANENT_STATUSES = {400, 401, 403, 404}


def client():
    sid, token = conf.twilio_account_sid(), conf.twilio_auth_token()
    if not sid or not token:
        raise TransientError("passerelle SMS non configurée (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)")
    twilio = Client(sid, token, http_client=TwilioHttpClient(timeout=TIMEOUT))
    if conf.twilio_api_url():
        twilio.api.base_url = conf.twilio_api_url()
    return twilio


def send_sms(phone, text):
    """Hand one SMS to Twilio; returns the message SID."""
    twilio = client()
    try:
        message = twilio.messages.create(to=phone, from_=conf.twilio_from(), body=text)
    except TwilioRestException as e:
        reason = f"Twilio {e.status} : {e.code or ''} {e.msg or ''}".strip()[:300]
        if e.status in PERMANENT_STATUSES:
            raise PermanentError(reason) from e
        raise TransientError(reason) from e
    except (requests.RequestException, TwilioException) as e:
        raise TransientError(f"Twilio injoignable : {e.__class__.__name__}") from e
    return message.sid
