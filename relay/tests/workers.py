"""What the fault tests that run real relay workers share: an SMTP server (aiosmtpd, in a thread
of the test process) that counts what each recipient receives and can answer slowly, a SQLite
file built by fanout_world.py in a subprocess, and `manage.py run_relay` processes on it."""
import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from .conftest import Controller, free_port

ROOT = Path(__file__).resolve().parents[2]


class CountingInbox:
    """Counts each recipient's messages; `delay` seconds before answering each one, like a
    busy relay or provider (the issue's measure: 100 ms)."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"

    def total(self):
        with self.lock:
            return sum(self.received.values())

    def duplicated(self):
        with self.lock:
            return {address: copies for address, copies in self.received.items() if copies > 1}


class Sink:
    def __init__(self, delay=0.0):
        self.inbox = CountingInbox(delay)
        # Several workers send at once: aiosmtpd serves each connection on its own (asyncio).
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port())

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self):
        return self.controller.port


def worker_env(database, smtp_port, batch, lease):
    return {
        **os.environ,
        "RIVERAINS_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "riverains.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "RELAY_BATCH_SIZE": str(batch),
        # The lease: a dead worker's batch is taken back this many seconds after its last renewal.
        "RELAY_SENDING_TIMEOUT": str(lease),
        "LOG_LEVEL": "WARNING",
    }


def build_fanout(env, subscribers, timeout):
    built = subprocess.run([sys.executable, "-m", "relay.tests.fanout_world", str(subscribers)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=timeout, check=False)
    assert built.returncode == 0, built.stderr


def start_worker(env, interval=0.2):
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_relay", "--interval", str(interval)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def stop(worker):
    """The normal stop (SIGTERM): the worker records its batch and leaves with status 0."""
    if worker.poll() is None:
        worker.terminate()
    try:
        return worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()


def statuses(database):
    with sqlite3.connect(database, timeout=10) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM relay_delivery GROUP BY status").fetchall())


def wait_for(condition, what, deadline):
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
