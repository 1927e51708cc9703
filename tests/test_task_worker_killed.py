"""A task whose worker died is run again (issue 12, item 7): `manage.py db_worker` killed with
SIGKILL in the middle of a task leaves it RUNNING; the next worker puts it back in the queue
once TASKS_RUNNING_TIMEOUT has passed since it started, and runs it to the end."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_stopping import environment

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120

pytestmark = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="runs on its own SQLite file: once, in the SQLite pass")


def worker(env):
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2",
                             "--no-startup-delay"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def runs(marker):
    return marker.read_text().count("run") if marker.exists() else 0


def status(database):
    with sqlite3.connect(database, timeout=10) as db:
        return db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchone()[0]


def test_a_task_whose_worker_was_killed_is_run_again_by_the_next_worker(tmp_path):
    database, marker = tmp_path / "db.sqlite3", tmp_path / "runs.txt"
    env = {**environment(database), "TASKS_RUNNING_TIMEOUT": "2"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=600)
    enqueue = f"from tests.worker_tasks import record_run; record_run.enqueue({str(marker)!r}, 30)"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", enqueue], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)

    first = worker(env)
    try:
        wait_for(lambda: runs(marker) == 1, "the task to start")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert status(database) == "RUNNING"  # what a dead worker leaves behind, for ever before

    second = worker(env)
    try:
        wait_for(lambda: status(database) == "SUCCESSFUL", "the task to be run again")
    finally:
        second.send_signal(signal.SIGTERM)
        code = second.wait(timeout=10)
    assert code == 0, second.stderr.read()
    assert runs(marker) == 2
