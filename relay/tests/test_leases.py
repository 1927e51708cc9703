"""Leases on claimed batches (issue 12, item 1): a live worker keeps its batch however long it
takes to send, so two workers never send the same notice twice to a subscriber; a dead worker's
batch goes back to pending as soon as its lease runs out, and the other workers send it."""
import signal
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from relay import sender
from relay.models import Delivery, DeliveryStatus

from .conftest import confirmed
from .workers import Sink, build_fanout, start_worker, statuses, stop, wait_for, worker_env

TIMEOUT = 150  # seconds, the longest any of these waits before failing


def subscribers(world, count):
    commune = world.site_a.neighbouring_communes.first()
    return [confirmed(world.x, "email", f"r{i}@example.test", [commune]) for i in range(count)]


def test_a_dead_worker_s_batch_goes_out_again_and_a_live_worker_s_stays_with_it(world, smtp):
    subscribers(world, 3)
    world.publish()
    dead_claim, [dead] = sender.claim(1)
    live_claim, [live] = sender.claim(1)
    Delivery.objects.filter(claim_id=dead_claim).update(lease_until=timezone.now() - timezone.timedelta(seconds=1))

    stats = sender.send_pending()

    assert stats.released == 1 and stats.sent == 2
    received = {rcpt for rcpts, _m in smtp.inbox.messages for rcpt in rcpts}
    assert dead.subscription.address in received
    assert live.subscription.address not in received  # its worker is alive: its lease still runs
    assert Delivery.objects.get(pk=live.pk).status == DeliveryStatus.SENDING


def test_a_batch_longer_than_its_lease_keeps_it_while_it_is_sent(world, smtp, settings):
    """Each message takes longer than the lease / 4: the worker renews between two of them, so
    another worker's release, at any moment of the batch, finds nothing to take."""
    settings.RELAY_SENDING_TIMEOUT = 2
    settings.RELAY_EMAIL_CONNECTIONS = 1  # the slow send below asks the database: the worker's thread only
    subscribers(world, 5)
    world.publish()
    from relay.channels import email

    original = email.EmailChannel.notify
    released_meanwhile = []

    def slow(self, delivery):
        time.sleep(0.6)  # 5 × 0.6 s: the batch lasts 3 s, longer than the 2 s lease
        released_meanwhile.append(sender.release_expired())  # what another worker would take now
        return original(self, delivery)

    email.EmailChannel.notify = slow
    try:
        stats = sender.send_pending(batch_size=5)
    finally:
        email.EmailChannel.notify = original
    assert stats.sent == 5 and stats.released == 0
    assert released_meanwhile == [0, 0, 0, 0, 0]
    assert len(smtp.inbox.messages) == 5


def test_two_workers_and_a_slow_smtp_server_send_each_notice_once(tmp_path):
    """The issue's reproduction, scaled down: each batch takes 3 s to send (20 e-mails, 150 ms
    each) against a 2 s lease, and the second worker starts once the first has been sending
    longer than the lease. Before leases, it took back the first one's batch in flight and
    sent it again."""
    database = tmp_path / "relay.sqlite3"
    deadline = time.monotonic() + TIMEOUT
    count = 120
    with Sink(delay=0.15) as sink:
        env = worker_env(database, sink.port, batch=20, lease=2)
        build_fanout(env, count, TIMEOUT)
        first = start_worker(env, interval=0.05)
        second = None
        try:
            started = time.monotonic()
            wait_for(lambda: sink.inbox.total() >= 25 and time.monotonic() - started > 2.5, "the first worker busy", deadline)
            second = start_worker(env, interval=0.05)
            # Stops at the first duplicate: before leases, the workers kept taking each other's
            # batches back and never finished.
            wait_for(lambda: statuses(database) == {"sent": count} or sink.inbox.duplicated(), "every delivery sent",
                     deadline)
        finally:
            codes = [stop(w) for w in (first, second) if w is not None]
    assert sink.inbox.duplicated() == {}
    assert set(sink.inbox.received) == {f"r{i}@example.test" for i in range(count)}
    assert codes == [0, 0], first.stderr.read() + second.stderr.read()


def test_a_killed_worker_s_batch_is_sent_by_the_worker_still_running(tmp_path):
    """Two workers; one is killed in the middle of its batch. The other, without a restart,
    takes the dead one's batch back once its lease has run out and sends it: everyone gets
    the notice, duplicates at most the batch the dead worker had in flight."""
    database = tmp_path / "relay.sqlite3"
    deadline = time.monotonic() + TIMEOUT
    count, batch = 300, 20
    with Sink(delay=0.02) as sink:
        env = worker_env(database, sink.port, batch=batch, lease=2)
        build_fanout(env, count, TIMEOUT)
        doomed, survivor = start_worker(env), start_worker(env)
        try:
            wait_for(lambda: sink.inbox.total() >= count // 3, "a third of the e-mails", deadline)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=10)
            wait_for(lambda: statuses(database) == {"sent": count}, "every delivery sent", deadline)
        finally:
            status = stop(survivor)
            stop(doomed)
    assert status == 0, survivor.stderr.read()
    assert set(sink.inbox.received) == {f"r{i}@example.test" for i in range(count)}
    assert len(sink.inbox.duplicated()) <= batch


def test_a_stopping_worker_leaves_the_rest_of_its_batch_to_the_others(world, smtp, settings):
    """SIGTERM in the middle of a long batch: what was sent is recorded, the rest goes back to
    pending at once (not after the lease), and the worker stops without sending it."""
    settings.RELAY_EMAIL_CONNECTIONS = 1  # one message in flight: it stops after exactly two
    subscribers(world, 5)
    world.publish()
    stats = sender.send_pending(batch_size=5, stop=lambda: len(smtp.inbox.messages) >= 2)  # asked after two

    assert stats.sent == 2 and len(smtp.inbox.messages) == 2
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING, claim_id="").count() == 3


def test_workers_claiming_at_the_same_moment_never_take_the_same_row(transactional_db, world):
    """The claim is one UPDATE of the rows a locking subquery chose (SKIP LOCKED): four workers
    claiming small batches at once, each on its own connection, share the outbox without a row
    taken twice or left behind."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and SKIP LOCKED: PostgreSQL (SQLite has one writer at a time)")
    subscribers(world, 300)
    world.publish()
    start, taken = threading.Barrier(4), []

    def worker():
        mine = []
        try:
            start.wait()
            while batch := sender.claim(7)[1]:
                assert {d.status for d in batch} == {DeliveryStatus.SENDING}
                mine += [d.pk for d in batch]
        finally:
            connections.close_all()  # this thread's own connection
            taken.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    claimed = [pk for mine in taken for pk in mine]
    assert len(taken) == 4
    assert len(claimed) == len(set(claimed)) == Delivery.objects.count() == 300
