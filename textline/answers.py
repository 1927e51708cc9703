"""The outbox builder of SMS answers (relay.transactional): the text was written when the SMS
came in; only the manage link of an "ABO" answer is made now, when it is sent, so that the outbox
never holds a working link (as the confirmations do)."""
from relay import gsm, messages, transactional
from relay.models import MessageKind


@transactional.builds(MessageKind.SMS_ANSWER)
def build(delivery):
    payload = delivery.payload
    if "before" in payload:
        # Gone meanwhile (STOP sent right after ABO): the territory's page instead of a dead link.
        link = messages.manage_url(delivery.subscription) if delivery.subscription else payload["fallback_url"]
        return gsm.to_gsm(payload["before"] + link + payload["after"])
    return gsm.to_gsm(payload["text"])
