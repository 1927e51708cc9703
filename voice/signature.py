"""Twilio-style request signatures (also used by SignalWire and Telnyx TeXML in compatibility
mode): base64(HMAC-SHA1(auth token, full URL + each POST parameter name and value, sorted))."""
import base64
import hashlib
import hmac


def compute_signature(token, url, params):
    """`params` is a QueryDict or a dict of name → value (or list of values)."""
    payload = url
    for name in sorted(params.keys()):
        values = params.getlist(name) if hasattr(params, "getlist") else params[name]
        for value in sorted(set(values if isinstance(values, (list, tuple)) else [values])):
            payload += f"{name}{value}"
    digest = hmac.new(token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid(token, url, params, signature):
    if not token or not signature:
        return False
    return hmac.compare_digest(compute_signature(token, url, params), signature)
