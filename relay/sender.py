"""The worker side of the outbox: claim due deliveries in batches, send each through its channel,
record the outcomes.

Claiming is one conditional UPDATE (pending → sending, with a claim id), so two workers never
take the same row; on PostgreSQL the candidate rows are read with SKIP LOCKED so that workers
don't wait for each other. Outcomes are kept in memory while a channel's part of the batch is
sent (one SMTP connection for all of it), then written together: one UPDATE for every row sent,
one per kind of retry, failure or deferral, in one transaction — not one commit per message.

A worker that dies leaves its batch in "sending": after RELAY_SENDING_TIMEOUT those rows go back
to pending and are sent again. That is the at-least-once bound: a worker killed before it wrote
its outcomes sends again what it had sent of the batch in flight — duplicates are at most one
batch (RELAY_BATCH_SIZE), never more. A worker stopped by an exception still writes them."""
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
            outcomes = Outcomes(claim_id, now, stats)
            try:
                _send_channel(kind, deliveries, outcomes)
            finally:
                outcomes.record()


def _send_channel(kind, deliveries, outcomes):
    channel = get_channel(kind)
    try:
        channel.open()
    except TransientError as e:
        outcomes.retry(deliveries, str(e))
        return
    try:
        for group in _groups(kind, deliveries):
            _send_group(channel, group, outcomes)
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


def _send_group(channel, group, outcomes):
    first = group[0]
    if first.subscription is None:  # the subscriber left while this was queued
        outcomes.fail(group, "abonnement supprimé")
        return
    later = channel.defer_until(first, outcomes.now)
    if later is not None:
        outcomes.defer(group, later)
        return
    started = time.monotonic()
    try:
        if len(group) > 1:
            channel.notify_digest(group)
        else:
            channel.notify(first)
    except TransientError as e:
        outcomes.retry(group, str(e))
    except PermanentError as e:
        outcomes.fail(group, str(e))
    except Exception as e:  # a bug in a channel must not stop the others: retried, then recorded
        logger.exception("relay: channel %s crashed", channel.kind)
        outcomes.retry(group, f"erreur interne : {e.__class__.__name__}")
    else:
        outcomes.sent(group, time.monotonic() - started)


class Outcomes:
    """What happened to each delivery of (a channel's part of) a batch, written at the end with
    one UPDATE per outcome: the sent rows together, retries and failures grouped by attempt
    number and reason, deferrals by the time they wait for."""

    CHUNK = 5000  # ids per "IN (…)": far below SQLite's and PostgreSQL's parameter limits

    def __init__(self, claim_id, now, stats):
        self.claim_id, self.now, self.stats = claim_id, now, stats
        self.sent_ids, self.sent_seconds = [], 0.0
        self.retries = defaultdict(list)  # (attempts, reason) → ids
        self.failures = defaultdict(list)  # (attempts, reason) → ids
        self.deferrals = defaultdict(list)  # next attempt → ids

    def sent(self, group, seconds):
        self.sent_ids += [d.pk for d in group]
        self.sent_seconds += seconds
        self.stats.sent += len(group)
        for delivery in group:
            self.stats.by_channel[delivery.channel] += 1

    def retry(self, group, reason):
        for delivery in group:
            attempts = delivery.attempts + 1
            if attempts >= conf.max_attempts():
                self.failures[(attempts, f"{reason} (après {attempts} tentatives)"[:500])].append(delivery.pk)
                self.stats.failed += 1
            else:
                self.retries[(attempts, reason[:500])].append(delivery.pk)
                self.stats.retried += 1

    def fail(self, group, reason):
        for delivery in group:
            self.failures[(delivery.attempts + 1, reason[:500])].append(delivery.pk)
            self.stats.failed += 1

    def defer(self, group, later):
        self.deferrals[later] += [d.pk for d in group]
        self.stats.deferred += len(group)

    def record(self):
        with transaction.atomic():
            if self.sent_ids:
                # One time and one mean duration for the rows sent together (seconds apart).
                mean_ms = int(self.sent_seconds * 1000 / len(self.sent_ids))
                self._update(self.sent_ids, status=DeliveryStatus.SENT, sent_at=timezone.now(), duration_ms=mean_ms,
                             attempts=F("attempts") + 1, last_error="")
            for (attempts, reason), ids in self.retries.items():
                # One jitter draw per group: retries still spread out from one batch to the next.
                self._update(ids, status=DeliveryStatus.PENDING, attempts=attempts,
                             next_attempt_at=self.now + backoff(attempts), last_error=reason)
            for (attempts, reason), ids in self.failures.items():
                self._update(ids, status=DeliveryStatus.FAILED, attempts=attempts, last_error=reason)
            for later, ids in self.deferrals.items():
                self._update(ids, status=DeliveryStatus.PENDING, next_attempt_at=later)

    def _update(self, ids, **fields):
        """Only rows this worker still owns (one may have been released and claimed again)."""
        for start in range(0, len(ids), self.CHUNK):
            Delivery.objects.filter(
                pk__in=ids[start:start + self.CHUNK], claim_id=self.claim_id, status=DeliveryStatus.SENDING
            ).update(claim_id="", **fields)


def backoff(attempts):
    """Exponential back-off with jitter: about base × 2^(n-1), drawn in its upper half."""
    delay = min(timedelta(seconds=conf.retry_base_seconds() * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)


