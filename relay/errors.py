"""Why a message could not leave: raised by the channels (relay.channels.base re-exports them)
and by the builders of transactional messages (relay.transactional), which the channels call —
a module of their own, so that neither imports the other for them."""


class TransientError(Exception):
    """The gateway is down, slow or busy: the worker retries with back-off."""


class PermanentError(Exception):
    """The address is refused or gone: recorded for the coordinator, never retried. With
    subscription_gone, the sender deletes the subscription too (a push endpoint that expired)."""

    def __init__(self, *args, subscription_gone=False):
        super().__init__(*args)
        self.subscription_gone = subscription_gone
