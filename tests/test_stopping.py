"""Every long-running command stops cleanly within 10 s of SIGTERM (systemd, `kill`) or SIGINT
(Ctrl-C), with exit status 0 — and the demo stops with everything it started (issue 11).

Each command runs as a subprocess on its own SQLite file (migrated once for the module), as in
production; the test waits until it says it has started (and, for the scheduler, until it has
run its housekeeping once: flush_page_views used to replace its SIGTERM handler then)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STOP_SECONDS = 10
START_SECONDS = 120


def environment(database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", RIVERAINS_DEV="1", DJANGO_SETTINGS_MODULE="riverains.settings",
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = tmp_path_factory.mktemp("stopping") / "migrated.sqlite3"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=environment(database),
                   check=True, capture_output=True, timeout=600)
    return database


@pytest.fixture
def database(migrated, tmp_path):
    copy = tmp_path / "db.sqlite3"
    shutil.copy(migrated, copy)
    return copy


class Output:
    """What a process writes (stdout and stderr merged), read in a thread so it never blocks."""

    def __init__(self, process):
        self.lines, self.process = [], process
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text):
        deadline = time.monotonic() + START_SECONDS
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "exited before starting:\n" + self.text()
            assert time.monotonic() < deadline, f"never said {text!r}:\n" + self.text()
            time.sleep(0.1)

    def text(self):
        return "".join(self.lines)


def start(database, *command):
    process = subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=environment(database),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return process, Output(process)


def stopped_within(process, signum):
    """Exit status after `signum`, or fails if the process is still there after STOP_SECONDS."""
    process.send_signal(signum)
    try:
        return process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"still running {STOP_SECONDS} s after {signal.Signals(signum).name}")


SIGNALS = [signal.SIGTERM, signal.SIGINT]


@pytest.mark.parametrize("signum", SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_run_scheduler_stops_after_running_its_jobs(database, signum):
    process, output = start(database, "run_scheduler", "--interval", "1")
    output.wait_for("consultation(s) enregistrée(s)")  # flush_page_views has run inside it
    assert stopped_within(process, signum) == 0, output.text()
    assert "Traceback" not in output.text()


@pytest.mark.parametrize("signum", SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_run_relay_stops(database, signum):
    process, output = start(database, "run_relay", "--interval", "1")
    output.wait_for("run_relay: started")
    assert stopped_within(process, signum) == 0, output.text()
    assert "Traceback" not in output.text()


@pytest.mark.parametrize("signum", SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_db_worker_stops(database, signum):
    process, output = start(database, "db_worker", "--queue-name", "*", "--interval", "1")
    output.wait_for("Starting worker")
    assert stopped_within(process, signum) == 0, output.text()
    assert "Traceback" not in output.text()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_processes(session_id):
    """Every process still in the demo's session, whatever process group its job put it in."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == session_id and fields[0] != "Z":
            found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")))
    return found


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the demo's processes through /proc (Linux)")
@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the demo runs on its own SQLite file: once, in the SQLite pass")
def test_the_demo_stops_with_everything_it_started_on_ctrl_c(tmp_path):
    """bin/demo in its own session, as in a terminal; SIGINT goes to its process group, as
    Ctrl-C does (its trap treats SIGTERM alike). Its web server, workers and scheduler must all
    be gone within 10 s. About a minute: the demo installs and loads its data first."""
    signum = signal.SIGINT
    port = free_port()
    env = environment(tmp_path / "demo.sqlite3")
    env.update(PORT=str(port), DEMO_INBOX_DIR=str(tmp_path / "inbox"))
    demo = subprocess.Popen([str(ROOT / "bin" / "demo")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    output = Output(demo)
    try:
        deadline = time.monotonic() + 600  # installs, migrates and loads the reference data first
        while not answers(f"http://127.0.0.1:{port}/"):
            assert demo.poll() is None, "the demo exited:\n" + output.text()
            assert time.monotonic() < deadline, "the demo never answered:\n" + output.text()
            time.sleep(0.5)
        output.wait_for("Starting worker")  # the task worker too
        assert len(session_processes(demo.pid)) >= 4  # the script, web server, worker, scheduler

        os.killpg(demo.pid, signum)
        deadline = time.monotonic() + STOP_SECONDS
        while (demo.poll() is None or session_processes(demo.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_processes(demo.pid) == [], output.text()
        assert demo.poll() in (0, 128 + signum), output.text()
    finally:
        for pid, _command in session_processes(demo.pid):
            os.kill(pid, signal.SIGKILL)
