"""The worker side of the outbox: claim due deliveries in batches, send each through its channel,
record the outcome.

Claiming is one conditional UPDATE (pending → sending, with a claim id), so two workers never
take the same row; on PostgreSQL the candidate rows are read with SKIP LOCKED so that workers
don't wait for each other. A worker that dies leaves its batch in "sending": after
RELAY_SENDING_TIMEOUT those rows go back to pending and are sent again (at-least-once; the
duplicates are at most the batch in flight, and usually only the message being sent)."""
import logging
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from . import conf
from .channels import get_channel
from .channels.base import PermanentError, TransientError
from .models import ChannelKind, Delivery, DeliveryStatus, Digest

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class Stats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    released: int = 0
    by_channel: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def handled(self):
        return self.sent + self.retried + self.failed + self.deferred


def send_pending(limit=None, batch_size=None, now=None, stop=None):
    """Send due deliveries until none is left (or `limit` handled, or `stop()` is true)."""
    # One clock for the whole call: a row retried or deferred is never due again within it.
    now = now or timezone.now()
    stats = Stats(released=release_stale(now))
    batch_size = batch_size or conf.batch_size()
    while limit is None or stats.handled < limit:
        if stop is not None and stop():
            break
        size = batch_size if limit is None else min(batch_size, limit - stats.handled)
        claim_id, batch = claim(size, now)
        if not batch:
            break
        send_batch(claim_id, batch, stats, now)
    return stats


def release_stale(now=None):
    """Rows left in "sending" by a worker that died go back to pending."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.sending_timeout_seconds())
    released = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff).update(
        status=DeliveryStatus.PENDING, claim_id="", next_attempt_at=now
    )
    if released:
        logger.warning("relay: %d deliveries released from a dead worker", released)
    return released


def claim(size, now=None):
    now = now or timezone.now()
    claim_id = uuid.uuid4().hex
    with transaction.atomic():
        due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "subscription_id", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return claim_id, []
        # The status condition makes the claim safe even without row locks (SQLite).
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claim_id=claim_id, claimed_at=now
        )
    batch = list(
        Delivery.objects.filter(claim_id=claim_id)
        .select_related("subscription__territory", "revision__notice__territory")
        .order_by("pk")
    )
    return claim_id, batch


def send_batch(claim_id, batch, stats, now):
    by_channel = defaultdict(list)
    for delivery in batch:
        by_channel[delivery.channel].append(delivery)
    with translation.override("fr"):
        for kind, deliveries in by_channel.items():
            _send_channel(kind, claim_id, deliveries, stats, now)


def _send_channel(kind, claim_id, deliveries, stats, now):
    channel = get_channel(kind)
    try:
        channel.open()
    except TransientError as e:
        for delivery in deliveries:
            _retry(claim_id, delivery, str(e), stats, now)
        return
    try:
        for group in _groups(kind, deliveries):
            _send_group(channel, claim_id, group, stats, now)
    finally:
        channel.close()


def _groups(kind, deliveries):
    """Daily-digest e-mails of one subscriber go together; everything else one by one."""
    digests = defaultdict(list)
    for delivery in deliveries:
        subscription = delivery.subscription
        if kind == ChannelKind.EMAIL and subscription is not None and subscription.digest == Digest.DAILY:
            digests[subscription.pk].append(delivery)
        else:
            yield [delivery]
    yield from digests.values()


def _send_group(channel, claim_id, group, stats, now):
    first = group[0]
    if first.subscription is None:  # the subscriber left while this was queued
        for delivery in group:
            _fail(claim_id, delivery, "abonnement supprimé", stats)
        return
    later = channel.defer_until(first, now)
    if later is not None:
        for delivery in group:
            _defer(claim_id, delivery, later, stats)
        return
    started = time.monotonic()
    try:
        if len(group) > 1:
            channel.notify_digest(group)
        else:
            channel.notify(first)
    except TransientError as e:
        for delivery in group:
            _retry(claim_id, delivery, str(e), stats, now)
    except PermanentError as e:
        for delivery in group:
            _fail(claim_id, delivery, str(e), stats)
    except Exception as e:  # a bug in a channel must not stop the others: retried, then recorded
        logger.exception("relay: channel %s crashed", channel.kind)
        for delivery in group:
            _retry(claim_id, delivery, f"erreur interne : {e.__class__.__name__}", stats, now)
    else:
        duration = int((time.monotonic() - started) * 1000)
        for delivery in group:
            _mine(claim_id, delivery).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(), duration_ms=duration,
                attempts=F("attempts") + 1, last_error="", claim_id="",
            )
            stats.sent += 1
            stats.by_channel[delivery.channel] += 1


def _mine(claim_id, delivery):
    """Only touch a row this worker still owns (it may have been released and re-claimed)."""
    return Delivery.objects.filter(pk=delivery.pk, claim_id=claim_id, status=DeliveryStatus.SENDING)


def backoff(attempts):
    """Exponential back-off with jitter: about base × 2^(n-1), drawn in its upper half."""
    delay = min(timedelta(seconds=conf.retry_base_seconds() * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)


def _retry(claim_id, delivery, reason, stats, now):
    attempts = delivery.attempts + 1
    if attempts >= conf.max_attempts():
        _fail(claim_id, delivery, f"{reason} (après {attempts} tentatives)", stats, attempts)
        return
    _mine(claim_id, delivery).update(
        status=DeliveryStatus.PENDING, attempts=attempts, next_attempt_at=now + backoff(attempts),
        last_error=reason[:500], claim_id="",
    )
    stats.retried += 1


def _fail(claim_id, delivery, reason, stats, attempts=None):
    _mine(claim_id, delivery).update(
        status=DeliveryStatus.FAILED, attempts=attempts or delivery.attempts + 1, last_error=reason[:500], claim_id="",
    )
    stats.failed += 1


def _defer(claim_id, delivery, later, stats):
    _mine(claim_id, delivery).update(status=DeliveryStatus.PENDING, next_attempt_at=later, claim_id="")
    stats.deferred += 1
