"""The interface every channel implements, like healthchecks' transports: a channel sends one
delivery or says why it could not, as a TransientError (try again later) or a PermanentError
(record the reason, never retry)."""
import threading

from django.conf import settings

from .. import messages
from ..errors import PermanentError, TransientError  # noqa: F401  (every channel raises them)


class BatchCache:
    """Built once per batch, whichever lane asks first; the others wait for it."""

    def __init__(self):
        self.built, self.lock = {}, threading.RLock()  # a build may ask for another

    def get(self, key, build):
        try:
            return self.built[key]
        except KeyError:
            with self.lock:
                if key not in self.built:
                    self.built[key] = build()
                return self.built[key]


class Channel:
    """One instance serves one batch of the worker. The class also says the channel's policy,
    which relay.services asks through relay.channels.policy() instead of naming channels."""

    kind = ""
    # The address must prove it is the subscriber's before anything is sent (a link, a code);
    # a known confirmed address subscribing again gets its manage link, never a change.
    double_opt_in = False
    digest = False  # may gather the day's messages in one (e-mail)
    quiet_hours = False  # may hold messages at night (SMS)
    code_confirmation = False  # confirmed by a 6-digit code typed on the site, rather than a link
    # Each message costs the territory (SMS): only its calling codes, and an hourly cap of confirmations.
    paid = False

    @property
    def cache(self):
        """What this batch builds once (relay.sender gives every lane of a batch the same)."""
        return self.__dict__.setdefault("_cache", BatchCache())

    @cache.setter
    def cache(self, shared):
        self.__dict__["_cache"] = shared

    def message(self, revision, language=settings.LANGUAGE_CODE):
        """What a revision says, in `language`: built once per batch, so that a fan-out to
        thousands of subscribers formats each revision once per language, not once per delivery."""
        return self.cache.get(("message", revision.pk, language), lambda: messages.for_revision(revision, language))

    def lanes(self):
        """How many instances of this channel may send a batch's notices at once, each in its own
        thread (relay.sender): their notify() then must not use the database."""
        return 1

    def open(self):
        """Called once before a batch (e.g. to open one SMTP connection for all of it)."""

    def close(self):
        """Called once after a batch, even when it failed."""

    def defer_until(self, delivery, now):
        """A later time to send this delivery (SMS quiet hours), or None to send now."""
        return None

    def notify(self, delivery):
        raise NotImplementedError

    def batch_size(self):
        """How many deliveries notify_batch may take in one call; 1: the channel has no batch call."""
        return 1

    def batch_key(self, delivery):
        """Deliveries with the same (true) key may go together to notify_batch; None: alone."""
        return None

    def notify_batch(self, deliveries):
        """Send deliveries of one batch_key in one call; answer {delivery pk: reason} for those
        the far end refused (the rest it accepted), or raise for the whole batch."""
        raise NotImplementedError

    def send_message(self, delivery):
        """A message that is not a notice (a confirmation, an invitation…), made by its kind's
        builder (relay.transactional). Only e-mail and SMS carry them."""
        raise PermanentError(f"le canal {self.kind} n'envoie pas de message « {delivery.kind} »")
