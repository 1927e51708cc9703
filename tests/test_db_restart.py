"""PostgreSQL restarted during traffic: the service answers a clear temporary error, recovers by
itself, and loses nothing it acknowledged.

A private PostgreSQL cluster is created for the test (initdb into a temporary directory, its own
port): the shared server that other test runs use is never touched. The application runs in
gunicorn against it, as in production, while threads read the territory page and publish through
the API; the cluster is stopped abruptly (immediate mode, as a crash) and started again.

Runs in the PostgreSQL pass of bin/test (DATABASE_URL=postgres://…), as root (initdb is run as
the postgres user) with PostgreSQL's server binaries installed; skipped otherwise."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("RIVERAINS_PG_BIN", "/usr/lib/postgresql/15/bin"))
OUTAGE_SECONDS = 4
RECOVERY_LIMIT_SECONDS = 20

pytestmark = [
    pytest.mark.db_restart,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                       reason="PostgreSQL pass only (DATABASE_URL=postgres://…)"),
    pytest.mark.skipif(not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None or os.geteuid() != 0,
                       reason="needs PostgreSQL server binaries and root (to run initdb as postgres)"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateCluster:
    """A throw-away PostgreSQL server owned by the postgres user, on its own port and socket."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="riverains-pg-"))
        self.data, self.socket_dir, self.log = self.base / "data", self.base / "run", self.base / "server.log"
        self.socket_dir.mkdir()
        shutil.chown(self.base, "postgres", "postgres")
        shutil.chown(self.socket_dir, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def as_postgres(self, *args):
        subprocess.run(["runuser", "-u", "postgres", "--", *map(str, args)], check=True, capture_output=True, timeout=60)

    def init(self):
        self.as_postgres(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self):
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c max_connections=50"
        self.as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode="fast"):
        self.as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def destroy(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def cluster():
    pg = PrivateCluster()
    pg.init()
    pg.start()
    yield pg
    pg.destroy()


def app_env(cluster):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_"))}
    env.update(DATABASE_URL=cluster.url, RIVERAINS_DEV="1", DJANGO_SETTINGS_MODULE="riverains.settings",
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", LOG_LEVEL="ERROR", REDIS_URL="")
    return env


SETUP = """
from riverains.testing import build_world
from api.models import ApiToken
world = build_world()
print(ApiToken.issue(world.org_a, "Charge", world.operator_a)[1])
"""


@pytest.fixture
def server(cluster):
    """gunicorn on the private cluster, its schema migrated and a small world created."""
    env = app_env(cluster)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    token = subprocess.run([python, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[-1]
    port = free_port()
    gunicorn = Path(python).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "riverains.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "4",
                                "--timeout", "30", "--log-level", "warning"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if call(base + "/seine-estuaire/")[0] == 200:
            break
        time.sleep(0.2)
    else:
        pytest.fail("gunicorn did not start: " + process.stderr.read1().decode(errors="replace"))
    yield base, token
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def call(url, data=None, token=None):
    """(status, headers, body) — an HTTP error is an answer too; only no answer is None."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data else None, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()
    except (urllib.error.URLError, OSError) as e:
        return None, {}, str(e)


class Traffic:
    """Residents reading the page and an operator's system publishing, until told to stop."""

    def __init__(self, base, token):
        self.base, self.token = base, token
        self.answers = []  # (time, kind, status, headers, body, title)
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.counter = 0

    def record(self, kind, answer, title=None):
        with self.lock:
            self.answers.append((time.monotonic(), kind, *answer, title))

    def read(self):
        while not self.stopping.is_set():
            self.record("page", call(self.base + "/seine-estuaire/"))
            time.sleep(0.02)

    def publish(self):
        while not self.stopping.is_set():
            with self.lock:
                self.counter += 1
                title = f"Essai de charge n° {self.counter}"
            start = datetime.now().astimezone() + timedelta(hours=2)
            payload = {"site": None, "category": "torchage", "perceptions": ["visible"], "title": title,
                       "body": "Message publié pendant le redémarrage de la base.", "starts_at": start.isoformat()}
            payload["site"] = self.site_id
            self.record("publish", call(self.base + "/api/v1/notices", payload, self.token), title)
            time.sleep(0.05)

    def run(self, site_id):
        self.site_id = site_id
        self.threads = [threading.Thread(target=self.read) for _ in range(3)] + [threading.Thread(target=self.publish) for _ in range(2)]
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=30)


def stored_titles(cluster):
    import psycopg

    with psycopg.connect(cluster.url) as connection:
        return {row[0] for row in connection.execute("SELECT title FROM notices_notice")}


def site_id(cluster):
    import psycopg

    with psycopg.connect(cluster.url) as connection:
        return connection.execute("SELECT id FROM territories_site WHERE slug = 'raffinerie'").fetchone()[0]


def test_a_database_restart_gives_a_clear_503_then_recovers_and_loses_nothing(cluster, server):
    base, token = server
    traffic = Traffic(base, token)
    traffic.run(site_id(cluster))
    time.sleep(2)
    stopped_at = time.monotonic()
    cluster.stop("immediate")  # as a crash: recovery replays the write-ahead log
    time.sleep(OUTAGE_SECONDS)
    cluster.start()
    restarted_at = time.monotonic()
    deadline = restarted_at + RECOVERY_LIMIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.5)
        recent = [a for a in traffic.answers if a[0] > time.monotonic() - 1]
        if len([a for a in recent if a[2] in (200, 201)]) >= 10 and all(a[2] in (200, 201) for a in recent):
            break
    time.sleep(1)
    traffic.stop()
    answers = traffic.answers

    from collections import Counter

    print("answers by (kind, status):", dict(Counter((a[1], a[2]) for a in answers)),
          "first success after restart: +%.1f s" % min((a[0] - restarted_at for a in answers if a[0] > restarted_at and a[2] in (200, 201)), default=-1))
    statuses = {a[2] for a in answers}
    assert None not in statuses, "a request got no answer at all"
    assert 500 not in statuses and statuses <= {200, 201, 503}, statuses

    outage = [a for a in answers if stopped_at + 0.5 < a[0] < restarted_at]
    unavailable = [a for a in outage if a[2] == 503]
    assert unavailable, "no request saw the database down"
    for _, kind, status, headers, body, _title in unavailable:
        assert headers.get("Retry-After") == "10"
        if kind == "publish":
            body = json.loads(body)["detail"]
        assert "Service momentanément indisponible, réessayez dans quelques instants." in body
        assert "Traceback" not in body and "OperationalError" not in body

    after = [a for a in answers if a[0] > restarted_at]
    assert any(a[1] == "page" and a[2] == 200 for a in after), "the page never came back"
    assert any(a[1] == "publish" and a[2] == 201 for a in after), "publishing never came back"
    last_second = [a for a in answers if a[0] > answers[-1][0] - 1]
    assert all(a[2] in (200, 201) for a in last_second), "still failing after the restart"

    acknowledged = {a[5] for a in answers if a[1] == "publish" and a[2] == 201}
    assert acknowledged, "nothing was published"
    assert acknowledged <= stored_titles(cluster), "a publish acknowledged with 201 is missing from the database"
