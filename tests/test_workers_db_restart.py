"""The workers outlive a PostgreSQL restart (issue 12, item 7): `db_worker` and `run_relay` run
against a private cluster (tests/test_db_restart.py) that is stopped abruptly, as in a crash,
and started again. Neither exits; both wait, reconnect and go on: a notice published after the
restart reaches every subscriber, and the task that was running during the outage (its outcome
could not be written) is run again to the end.

PostgreSQL pass only, as root with PostgreSQL's server binaries (like test_db_restart.py)."""
import signal
import subprocess
import sys
import time

import psycopg

from relay.tests.workers import Sink

from . import test_db_restart
from .test_db_restart import ROOT, app_env, cluster  # noqa: F401  (the fixture)

pytestmark = test_db_restart.pytestmark
SUBSCRIBERS = 30
OUTAGE_SECONDS = 4
TIMEOUT = 120

PUBLISH_AGAIN = """
from django.contrib.auth import get_user_model
from notices import services
from riverains.testing import World
from territories.models import Site
site = Site.objects.get(slug="raffinerie")
services.publish(get_user_model().objects.get(username="operator_a"),
                 World.notice_fields(None, site=site, title="Publié après le redémarrage"))
"""


def environment(cluster, smtp_port):
    env = app_env(cluster)
    env.update(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
               EMAIL_PORT=str(smtp_port), EMAIL_USE_TLS="0", RELAY_BATCH_SIZE="10", LOG_LEVEL="WARNING")
    return env


def manage(env, *args, attempts=1):
    """A management command; retried while the restarted server is still recovering."""
    for attempt in range(attempts):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        if done.returncode == 0:
            return done
        time.sleep(1)
    raise AssertionError(done.stderr)


def start(env, *command):
    return subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for(condition, what, processes):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        for process in processes:
            assert process.poll() is None, f"{process.args[2]} exited:\n" + process.stdout.read()
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def task_status(cluster):
    with psycopg.connect(cluster.url) as connection:
        row = connection.execute("SELECT status FROM django_tasks_database_dbtaskresult "
                                 "WHERE task_path = 'tests.worker_tasks.record_run'").fetchone()
        return row[0] if row else None


def test_db_worker_and_run_relay_survive_a_database_restart(cluster, tmp_path):
    marker = tmp_path / "runs.txt"
    with Sink() as sink:
        env = environment(cluster, sink.port)
        manage(env, "migrate", "--noinput")
        subprocess.run([sys.executable, "-m", "relay.tests.fanout_world", str(SUBSCRIBERS)], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=300)
        workers = [start(env, "run_relay", "--interval", "0.2"),
                   start(env, "db_worker", "--queue-name", "*", "--interval", "0.2", "--no-startup-delay")]
        try:
            wait_for(lambda: sink.inbox.total() == SUBSCRIBERS, "the first notice sent", workers)
            # A task whose first run lasts 3 s: it ends while the database is down.
            manage(env, "shell", "-c", f"from tests.worker_tasks import record_run; record_run.enqueue({str(marker)!r}, 3)")
            wait_for(marker.exists, "the task to start", workers)

            cluster.stop("immediate")
            time.sleep(OUTAGE_SECONDS)
            cluster.start()

            manage(env, "shell", "-c", PUBLISH_AGAIN, attempts=20)
            wait_for(lambda: sink.inbox.total() >= 2 * SUBSCRIBERS, "the notice published after the restart", workers)
            wait_for(lambda: task_status(cluster) == "SUCCESSFUL", "the interrupted task run again", workers)
        finally:
            for process in workers:
                process.send_signal(signal.SIGTERM)
            codes = [process.wait(timeout=20) for process in workers]
    outputs = [process.stdout.read() for process in workers]
    assert codes == [0, 0], outputs
    assert not any("Traceback" in output for output in outputs), outputs
    assert all("database unavailable" in output for output in outputs), outputs  # they did see it go
    assert marker.read_text().count("run") == 2
    assert set(sink.inbox.received) == {f"r{i}@example.test" for i in range(SUBSCRIBERS)}
    assert min(sink.inbox.received.values()) >= 2
