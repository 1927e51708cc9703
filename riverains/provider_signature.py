"""The signature phone and SMS providers put on their webhooks (Twilio; Telnyx TeXML and
SignalWire in compatibility mode): X-Twilio-Signature, checked with the twilio library's
RequestValidator, for the phone line (voice.ivr) and inbound SMS (relay.hooks) alike.

The provider signs the address it was given, so both the check and the addresses we hand it
(the menus' <Gather action>, <Redirect>, <Play>) use one form: SITE_URL followed by the path and
query, whatever proxy sits in between. Every POST parameter counts, repeated ones included."""
from django.conf import settings
from twilio.request_validator import RequestValidator

HEADER = "X-Twilio-Signature"


def public_url(path):
    """The address a provider is given for `path` (which may carry a query string)."""
    return settings.SITE_URL + path


def is_signed(request, token):
    """True when the request carries the provider's valid signature for `token`."""
    signature = request.headers.get(HEADER, "")
    if not token or not signature:
        return False
    return RequestValidator(token).validate(public_url(request.get_full_path()), request.POST, signature)
