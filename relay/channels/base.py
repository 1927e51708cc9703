"""The interface every channel implements, like healthchecks' transports: a channel sends one
delivery or says why it could not, as a TransientError (try again later) or a PermanentError
(record the reason, never retry)."""
from django.conf import settings

from .. import messages


class TransientError(Exception):
    """The gateway is down, slow or busy: the worker retries with back-off."""


class PermanentError(Exception):
    """The address is refused or gone: recorded for the coordinator, never retried."""


class Channel:
    """One instance serves one batch of the worker."""

    kind = ""

    def message(self, revision, language=settings.LANGUAGE_CODE):
        """What a revision says, in `language`: built once per batch, so that a fan-out to
        thousands of subscribers formats each revision once per language, not once per delivery."""
        built = self.__dict__.setdefault("_messages", {})
        key = (revision.pk, language)
        if key not in built:
            built[key] = messages.for_revision(revision, language)
        return built[key]

    def open(self):
        """Called once before a batch (e.g. to open one SMTP connection for all of it)."""

    def close(self):
        """Called once after a batch, even when it failed."""

    def defer_until(self, delivery, now):
        """A later time to send this delivery (SMS quiet hours), or None to send now."""
        return None

    def notify(self, delivery):
        raise NotImplementedError

    def send_message(self, delivery):
        """A message that is not a notice (a confirmation, an invitation…), made by its kind's
        builder (relay.transactional). Only e-mail and SMS carry them."""
        raise PermanentError(f"le canal {self.kind} n'envoie pas de message « {delivery.kind} »")
