"""The fault the issue names, against real processes: a worker (`manage.py run_relay`, its own
process) killed with SIGKILL in the middle of a fan-out of thousands of e-mails, then restarted.
Every subscriber gets the e-mail; duplicates are at most the batch in flight.

The database is a file (SQLite, WAL) built by relay/tests/fanout_world.py in a subprocess, since
the test database of pytest-django lives in this process's memory; the SMTP server (aiosmtpd)
runs in a thread here and counts what each recipient receives (relay/tests/workers.py)."""
import signal
import time

from .workers import Sink, build_fanout, start_worker, statuses, stop, wait_for, worker_env

SUBSCRIBERS = 2000
BATCH = 100
LEASE = 2  # seconds: the restarted worker takes the dead one's batch back once it has run out
TIMEOUT = 120  # seconds; the whole test takes 25 to 35 s on two CPUs shared with other runs


def test_a_worker_killed_mid_fan_out_of_thousands_then_restarted_delivers_to_everyone(tmp_path):
    database = tmp_path / "relay.sqlite3"
    deadline = time.monotonic() + TIMEOUT
    with Sink() as sink:
        env = worker_env(database, sink.port, BATCH, LEASE)
        build_fanout(env, SUBSCRIBERS, TIMEOUT)
        assert statuses(database) == {"pending": SUBSCRIBERS}
        inbox = sink.inbox

        worker = start_worker(env)
        try:
            # Half, plus half a batch: the worker is in the middle of a batch, its outcomes unwritten.
            kill_at = SUBSCRIBERS // 2 + BATCH // 2
            wait_for(lambda: inbox.total() >= kill_at or worker.poll() is not None, "half of the e-mails", deadline)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        at_kill = inbox.total()
        assert kill_at <= at_kill < SUBSCRIBERS, "the worker must die in the middle of the fan-out"
        left = statuses(database)
        assert left.get("sending", 0) <= BATCH  # the batch in flight, whose outcomes were never written
        assert left.get("sent", 0) < SUBSCRIBERS

        worker = start_worker(env)
        try:
            wait_for(lambda: statuses(database) == {"sent": SUBSCRIBERS}, "every delivery recorded as sent", deadline)
        finally:
            status = stop(worker)  # the normal stop: finish the message, leave
        assert status == 0, worker.stderr.read()

    received = inbox.received
    assert set(received) == {f"r{i}@example.test" for i in range(SUBSCRIBERS)}  # everyone, at least once
    twice = [address for address, copies in received.items() if copies == 2]
    assert max(received.values()) <= 2
    assert len(twice) <= BATCH  # duplicates: at most the batch in flight
