"""Who answers an inbound SMS. The relay receives it (Kannel's sms-service, Twilio's webhook:
relay.hooks) but answering keywords needs apps above the relay (reports, notices): the app that
answers (textline) registers its function here when Django starts, so that the relay imports
nothing above it. Without one, relay.hooks keeps its own STOP-only answer."""

_handler = None


def answered_by(function):
    """Register `function(phone, text, territory_slug, receiver)`: it handles the SMS (`receiver`
    is the number it was sent to, when the gateway says) and queues any answer in the outbox
    (relay.transactional), returning nothing for the gateway to send back."""
    global _handler
    _handler = function
    return function


def handler():
    return _handler
