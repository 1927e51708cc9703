"""The worker side of the outbox: claim due deliveries in batches, send each through its channel,
record the outcomes.

Claiming is one conditional UPDATE (pending → sending, with a claim id) of the due rows a
subquery chooses, so two workers never take the same row; on PostgreSQL the subquery locks them
with SKIP LOCKED so that workers don't wait for each other. Outcomes are kept in memory while a
channel's part of the batch is sent (one SMTP connection for all of it), then written together:
one UPDATE for every row sent, one per kind of retry, failure or deferral, in one transaction —
not one commit per message.

Each claimed batch carries a lease (lease_until, RELAY_SENDING_TIMEOUT, 30 s): the worker
renews it while it sends, between two messages, several times per lease, however long the
batch takes. Before each claim, every worker hands back the rows whose lease has expired: only
a dead worker (or one stalled longer than the lease) stops renewing, so a live worker's batch is
never sent twice, and a killed worker's batch leaves again within seconds. A worker asked to
stop (`stop()`, checked between two messages) records what it has sent and hands the rest of its
batch back at once.

That is the at-least-once bound: a worker killed before it wrote its outcomes sends again what
it had sent of the batch in flight — duplicates only after a crash, at most one batch
(RELAY_BATCH_SIZE) per crash, never more. A worker stopped by an exception still writes them."""
import logging
import math
import queue
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Lookup, Prefetch, Q
from django.utils import timezone, translation

from notices.models import Revision

from . import conf, services
from .channels import get_channel
from .channels.base import PermanentError, TransientError
from .models import FORGET_ADDRESS_ONCE_SENT, ChannelKind, Delivery, DeliveryStatus, Digest, MessageKind, Subscription

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
    # One clock for what is due: a row retried or deferred is never due again within this call.
    # Leases follow the real clock (timezone.now()), whatever `now` a test passes.
    now = now or timezone.now()
    stats = Stats()
    batch_size = batch_size or conf.batch_size()
    while limit is None or stats.handled < limit:
        if stop is not None and stop():
            break
        # Before every claim, not once per call: a call may last far longer than a lease, and
        # a dead worker's batch must not wait for it to end.
        stats.released += release_expired()
        size = batch_size if limit is None else min(batch_size, limit - stats.handled)
        claim_id, batch = claim(size, now)
        if not batch:
            break
        send_batch(claim_id, batch, stats, now, stop)
    return stats


def lease_end():
    return timezone.now() + timedelta(seconds=conf.lease_seconds())


def release_expired():
    """Rows whose worker stopped renewing its lease (it died) go back to pending. They keep
    their next attempt time: due when they were claimed, they are due at once, first in line."""
    released = Delivery.objects.filter(status=DeliveryStatus.SENDING, lease_until__lt=timezone.now()).update(
        status=DeliveryStatus.PENDING, claim_id="", lease_until=None
    )
    if released:
        logger.warning("relay: %d deliveries released from a dead worker", released)
    return released


def claim(size, now=None):
    now = now or timezone.now()
    claim_id = uuid.uuid4().hex
    if not take(claim_id, size, now):
        return claim_id, []
    # A fan-out's rows share one revision and one territory: each is read (and its snapshot
    # parsed) once for the batch, not once per row.
    batch = list(
        Delivery.objects.filter(claim_id=claim_id)
        .select_related("subscription")
        .prefetch_related(
            "subscription__territory", Prefetch("revision", Revision.objects.select_related("notice__territory"))
        )
        .order_by("priority", "pk")
    )
    return claim_id, batch


def take(claim_id, size, now):
    """Mark up to `size` due rows as this claim's, in one statement — the ids never come back to
    Python to be sent again as parameters. Someone waiting for a code or a link first
    (Delivery.priority), then the fan-out. On PostgreSQL the due rows are locked as they are
    chosen and those another worker is taking are skipped (SKIP LOCKED); the status condition
    makes the claim safe without row locks (SQLite, one writer at a time): a row is claimed by
    one worker only. Answers how many rows it took."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).order_by(
        "priority", "next_attempt_at", "subscription_id", "pk"
    ).values("pk")[:size]
    if connection.features.has_select_for_update_skip_locked:
        # id = ANY(ARRAY(…)): the locking subquery runs once. Under "id IN (…)" PostgreSQL may
        # run it again for each row it joins, each run skipping the rows the last one locked:
        # more than `size` rows (measured: 67 for 10).
        chosen = AnyOf(F("pk"), ArraySubquery(due.select_for_update(skip_locked=True)))
    else:
        chosen = Q(pk__in=due)
    with transaction.atomic():  # FOR UPDATE needs a transaction, even for one statement
        return Delivery.objects.filter(chosen, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING, claim_id=claim_id, claimed_at=timezone.now(), lease_until=lease_end()
        )


class AnyOf(Lookup):
    """`lhs = ANY(rhs)`, rhs an array (PostgreSQL): ANY(ARRAY(subquery)) runs the subquery once."""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class LeaseLost(Exception):
    """This worker stalled longer than its lease: its rows were handed to another worker."""


class StopRequested(Exception):
    """The worker is stopping (SIGTERM): the rest of the batch goes back to the others."""


class Lease:
    """The heartbeat of one claimed batch, beaten between two messages: renewed once a quarter
    of the lease has passed, so that one slow send (up to the SMTP or HTTP timeout) still fits;
    and the place where a stopping worker leaves its batch rather than finish it."""

    RENEWALS_PER_LEASE = 4

    def __init__(self, claim_id, stop=None):
        self.claim_id, self.stop = claim_id, stop
        self.renewed = time.monotonic()

    def keep(self):
        if self.stop is not None and self.stop():
            raise StopRequested(self.claim_id)
        if time.monotonic() - self.renewed >= conf.lease_seconds() / self.RENEWALS_PER_LEASE:
            self.renew()

    def renew(self):
        held = Delivery.objects.filter(claim_id=self.claim_id, status=DeliveryStatus.SENDING).update(
            lease_until=lease_end()
        )
        self.renewed = time.monotonic()
        if not held:  # nothing left of ours: sending the rest would duplicate another worker's
            raise LeaseLost(self.claim_id)

    def hand_back(self):
        """What this batch has not sent goes back to pending, for the other workers at once."""
        return Delivery.objects.filter(claim_id=self.claim_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, claim_id="", lease_until=None
        )


def send_batch(claim_id, batch, stats, now, stop=None):
    by_channel = defaultdict(list)
    for delivery in batch:
        by_channel[delivery.channel].append(delivery)
    lease = Lease(claim_id, stop)
    with translation.override("fr"):
        try:
            for kind, deliveries in by_channel.items():
                lease.keep()
                outcomes = Outcomes(claim_id, now, stats)
                try:
                    _send_channel(kind, deliveries, outcomes, lease)
                finally:
                    outcomes.record()
        except LeaseLost:
            logger.warning("relay: batch %s stalled past its lease and was handed over; its rest is left", claim_id)
        except StopRequested:
            # A batch of slow sends may last minutes: a stopping worker must not make systemd wait.
            logger.info("relay: stopping; %d deliveries of batch %s handed back", lease.hand_back(), claim_id)


def _send_channel(kind, deliveries, outcomes, lease):
    channel = get_channel(kind)
    groups = list(_groups(kind, deliveries, channel))
    # Notices go through several connections at once where the channel allows it; the other
    # messages (confirmations…) are built from the database, which only this thread may use.
    parallel = [g for g in groups if g[0].kind == MessageKind.NOTICE] if channel.lanes() > 1 else []
    serial = [g for g in groups if g[0].kind != MessageKind.NOTICE] if parallel else groups
    if serial:
        _send_serial(channel, serial, outcomes, lease)
    if parallel:
        _send_parallel(kind, parallel, min(channel.lanes(), len(parallel)), outcomes, lease, channel.cache)


def _send_serial(channel, groups, outcomes, lease):
    try:
        channel.open()
    except TransientError as e:
        outcomes.retry([d for group in groups for d in group], str(e))
        return
    try:
        for group in groups:
            lease.keep()
            _send_group(channel, group, outcomes)
    finally:
        channel.close()


def _send_parallel(kind, groups, lanes, outcomes, lease, cache):
    """Up to `lanes` threads, each with its own channel (its SMTP connection, its HTTP pool),
    take the groups from one queue: each group is sent by exactly one of them. This thread keeps
    the lease meanwhile, and opens lanes as long as they wait for the far end (Lanes); when it
    must stop (SIGTERM, lease lost), the lanes stop after their current message and what they
    had not taken stays "sending" for send_batch to hand back or leave."""
    waiting = queue.SimpleQueue()
    # One subscriber's messages go through one lane, in order: an update never overtakes the
    # notice it updates, nor a cancellation the update.
    by_subscriber = defaultdict(list)
    for group in groups:
        by_subscriber[group[0].subscription_id].append(group)
    for share in by_subscriber.values():
        waiting.put(share)
    stopping = threading.Event()
    refused = []  # why a lane could not open its connection
    died = []  # what killed a lane (SystemExit…): the worker stops as the serial path would

    def lane():
        channel = get_channel(kind)
        channel.cache = cache  # each revision's message built once for all the lanes
        try:
            channel.open()
        except TransientError as e:
            refused.append(str(e))
            return
        try:
            while not stopping.is_set():
                try:
                    share = waiting.get_nowait()
                except queue.Empty:
                    return
                for group in share:
                    if stopping.is_set() or (lease.stop is not None and lease.stop()):  # a flag, no query
                        stopping.set()
                        break
                    _send_group(channel, group, outcomes)
        except BaseException as e:
            died.append(e)
            stopping.set()
        finally:
            channel.close()

    threads = []

    def open_lane():
        thread = threading.Thread(target=lane, name=f"relay-{kind}-{len(threads)}", daemon=True)
        thread.start()
        threads.append(thread)

    pace = Lanes(kind, lanes)
    for _ in range(pace.first()):
        open_lane()
    try:
        while alive := [t for t in threads if t.is_alive()]:
            alive[0].join(timeout=Lanes.LOOK)
            lease.keep()
            for _ in range(pace.more(len(threads))):
                if waiting.empty() or refused or stopping.is_set():
                    break
                open_lane()
    except BaseException:
        stopping.set()
        for thread in threads:
            thread.join()
        raise
    finally:
        pace.remember(len(threads))
    if died:
        raise died[0]
    if stopping.is_set():  # asked to stop: what no lane sent goes back (send_batch)
        raise StopRequested(lease.claim_id)
    left = []  # no lane could open a connection: the groups wait for the next attempt
    while not waiting.empty():
        left += [delivery for group in waiting.get_nowait() for delivery in group]
    if left:
        outcomes.retry(left, refused[0] if refused else "aucune connexion")


class Lanes:
    """How many lanes a channel's batch uses, up to its lanes(): as many as keep the far end
    busy, no more. A lane waiting for a slow far end (a push service 100 ms away, a provider)
    leaves the interpreter idle, and more lanes fill the wait; but lanes that have their answers
    at once (a mail server or a sink on the same machine) only take turns at the interpreter's
    lock, each turn costing CPU — measured in the fan-out benchmark against a loopback push sink:
    0.50 ms of worker CPU per push with one lane, 0.63–0.74 ms with 16.

    So a batch starts with one lane fewer than the last one ended with (at least one), and every
    LOOK seconds, while this process used less than BUSY of one CPU meanwhile (its lanes wait on
    the far end, not on each other), it opens as many more as would bring it to BUSY: n lanes
    keeping it busy a share b of the time, n × BUSY / b would keep it busy BUSY of it."""

    LOOK = 0.05  # seconds between two looks
    BUSY = 0.5  # share of one CPU above which another lane would mostly queue for the lock
    last = {}  # channel kind → lanes its previous batch ended with, in this process

    def __init__(self, kind, most):
        self.kind, self.most = kind, most
        self.looked, self.cpu = time.monotonic(), time.process_time()

    def first(self):
        return max(1, min(self.most, self.last.get(self.kind, 1) - 1))

    def more(self, lanes):
        """How many lanes to open now: none until it is time to look, or when the lanes there
        keep this process busy enough."""
        now = time.monotonic()
        if lanes >= self.most or now - self.looked < self.LOOK:
            return 0
        cpu = time.process_time()
        busy = (cpu - self.cpu) / (now - self.looked)
        self.looked, self.cpu = now, cpu
        if busy >= self.BUSY:
            return 0
        return max(1, min(self.most, math.ceil(lanes * self.BUSY / max(busy, 0.01))) - lanes)

    def remember(self, lanes):
        self.last[self.kind] = lanes


class Batch(list):
    """Deliveries of one revision to many subscribers that the channel sends in one call (an
    e-mail provider's batch sending: EmailChannel.batch_key, notify_batch)."""


def _groups(kind, deliveries, channel=None):
    """Daily-digest e-mails of one subscriber go together; notices the channel can send in one
    call (its batch_key) go together by Batch of at most its batch_size(); everything else one by
    one. Only subscribers with one notice in the claim are batched: one with a notice and its
    update keeps them in order on one lane, one by one."""
    digests, batches = defaultdict(list), defaultdict(list)
    size = channel.batch_size() if channel is not None else 1
    notices = Counter(d.subscription_id for d in deliveries if d.kind == MessageKind.NOTICE) if size > 1 else {}
    for delivery in deliveries:
        subscription = delivery.subscription
        if (kind == ChannelKind.EMAIL and delivery.kind == MessageKind.NOTICE and subscription is not None
                and subscription.digest == Digest.DAILY):
            digests[subscription.pk].append(delivery)
        elif size > 1 and notices.get(delivery.subscription_id) == 1 and (key := channel.batch_key(delivery)):
            batches[key].append(delivery)
        else:
            yield [delivery]
    yield from digests.values()
    for rows in batches.values():
        for start in range(0, len(rows), size):
            yield Batch(rows[start:start + size])


def _send_group(channel, group, outcomes):
    first = group[0]
    if first.subscription is None and not first.address:  # the subscriber left while this was queued
        outcomes.fail(group, "abonnement supprimé")
        return
    later = channel.defer_until(first, outcomes.now)
    if later is not None:
        outcomes.defer(group, later)
        return
    started, refused = time.monotonic(), {}
    try:
        if first.kind != MessageKind.NOTICE:  # a confirmation, an invitation… (relay.transactional)
            channel.send_message(first)
        elif isinstance(group, Batch):  # one call; what it refused, recipient by recipient
            refused = channel.notify_batch(group)
        elif len(group) > 1:
            channel.notify_digest(group)
        else:
            channel.notify(first)
    except TransientError as e:
        outcomes.retry(group, str(e))
    except PermanentError as e:
        outcomes.fail(group, str(e))
        if e.subscription_gone:  # e.g. a push endpoint the browser dropped: deleted with the outcomes
            outcomes.gone.append(first.subscription_id)
    except Exception as e:  # a bug in a channel must not stop the others: retried, then recorded
        logger.exception("relay: channel %s crashed", channel.kind)
        outcomes.retry(group, f"erreur interne : {e.__class__.__name__}")
    else:
        for delivery in group:
            if delivery.pk in refused:
                outcomes.fail([delivery], refused[delivery.pk])
        accepted = [d for d in group if d.pk not in refused]
        if accepted:
            outcomes.sent(accepted, time.monotonic() - started)


class Outcomes:
    """What happened to each delivery of (a channel's part of) a batch, written at the end with
    one UPDATE per outcome: the sent rows together, retries and failures grouped by attempt
    number and reason, deferrals by the time they wait for. The channel's lanes (threads) add to
    it at once, hence the lock; only record() touches the database, from the worker's thread."""

    CHUNK = 5000  # ids per "IN (…)": far below SQLite's and PostgreSQL's parameter limits

    def __init__(self, claim_id, now, stats):
        self.claim_id, self.now, self.stats = claim_id, now, stats
        self.sent_ids, self.sent_seconds = [], 0.0
        self.retries = defaultdict(list)  # (attempts, reason) → ids
        self.failures = defaultdict(list)  # (attempts, reason) → ids
        self.deferrals = defaultdict(list)  # next attempt → ids
        self.forget_ids = []  # rows whose address was given for this one message
        self.gone = []  # subscriptions the gateway says no longer exist
        self.lock = threading.Lock()

    def sent(self, group, seconds):
        with self.lock:
            self._sent(group, seconds)

    def _sent(self, group, seconds):
        self.sent_ids += [d.pk for d in group]
        self._forget(group)
        self.sent_seconds += seconds
        self.stats.sent += len(group)
        for delivery in group:
            self.stats.by_channel[delivery.channel] += 1

    def retry(self, group, reason):
        with self.lock:
            self._retry(group, reason)

    def _retry(self, group, reason):
        for delivery in group:
            attempts = delivery.attempts + 1
            if attempts >= conf.max_attempts():
                self.failures[(attempts, f"{reason} (après {attempts} tentatives)"[:500])].append(delivery.pk)
                self._forget([delivery])
                self.stats.failed += 1
            else:
                self.retries[(attempts, reason[:500])].append(delivery.pk)
                self.stats.retried += 1

    def fail(self, group, reason):
        with self.lock:
            self._fail(group, reason)

    def _fail(self, group, reason):
        self._forget(group)
        for delivery in group:
            self.failures[(delivery.attempts + 1, reason[:500])].append(delivery.pk)
            self.stats.failed += 1

    def _forget(self, group):
        """Sent or given up: an address given for this one message is no longer needed."""
        self.forget_ids += [d.pk for d in group if d.kind in FORGET_ADDRESS_ONCE_SENT]

    def defer(self, group, later):
        with self.lock:
            self._defer(group, later)

    def _defer(self, group, later):
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
            if self.forget_ids:
                Delivery.objects.filter(pk__in=self.forget_ids).update(address="")
            # Gone for good (the browser dropped its push subscription): left the one way out,
            # which also drops what was still waiting for it.
            for subscription in Subscription.objects.filter(pk__in=self.gone):
                services.unsubscribe(subscription)

    def _update(self, ids, **fields):
        """Only rows this worker still owns (one may have been released and claimed again)."""
        for start in range(0, len(ids), self.CHUNK):
            Delivery.objects.filter(
                pk__in=ids[start:start + self.CHUNK], claim_id=self.claim_id, status=DeliveryStatus.SENDING
            ).update(claim_id="", lease_until=None, **fields)


def backoff(attempts):
    """Exponential back-off with jitter: about base × 2^(n-1), drawn in its upper half."""
    delay = min(timedelta(seconds=conf.retry_base_seconds() * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)


