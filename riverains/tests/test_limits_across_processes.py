"""Rate limits hold across web processes with the default set-up (no REDIS_URL).

gunicorn runs 3 synchronous workers on one database, as `bin/demo` and a small production would
(several processes, one database, no shared cache): a SQLite file, or in the PostgreSQL pass a
PostgreSQL database of its own. 50 requests are sent from 8 threads,
so that every worker answers some of them (checked in gunicorn's access log), and the limits
must hold exactly: 20 subscription forms per network address and hour, 5 reports per network
address in 10 minutes, 3 confirmation messages per phone number and day, 5 accessibility
reports per network address and hour.

Before issue 12, each worker counted in its own memory: with 3 workers up to three times the
limit went through."""
import contextlib
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
ATTEMPTS = 50

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

SETUP = """
from riverains.testing import build_world
build_world()
"""

COUNT = """
import json
from django_tasks_db.models import DBTaskResult
from public.models import AccessibilityFeedback
from relay.models import Subscription
from reports.models import Report
from relay.models import Delivery
# Confirmation messages are queued as tasks, or as outbox rows once the outbox carries them.
tasks = DBTaskResult.objects.filter(task_path__endswith="send_confirmation")
sms = [r for r in tasks if Subscription.objects.filter(pk=r.args_kwargs["args"][0], channel="sms").exists()]
if any(f.name == "kind" for f in Delivery._meta.get_fields()):
    sms += list(Delivery.objects.filter(kind="confirmation", channel="sms"))
print(json.dumps({
    "subscriptions": Subscription.objects.filter(channel="email").count(),
    "sms_confirmations_queued": len(sms),
    "reports": Report.objects.count(),
    "feedback": AccessibilityFeedback.objects.count(),
}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, RIVERAINS_DEV="1", DJANGO_SETTINGS_MODULE="riverains.settings",
               TASKS_BACKEND="django_tasks_db.DatabaseBackend", TRUSTED_PROXY_COUNT="1", LOG_LEVEL="ERROR")
    return env


@contextlib.contextmanager
def fresh_database(tmp):
    """A SQLite file in the SQLite pass; in the PostgreSQL pass, a database of its own next to
    the test run's (same server, name + "_limits_" + process id), dropped afterwards."""
    if not POSTGRES:
        yield f"sqlite:///{Path(tmp) / 'db.sqlite3'}"
        return
    import psycopg

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/') or 'postgres'}_limits_{os.getpid()}"  # xdist workers each make their own
    server = url._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env, *args):
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def server():
    """gunicorn, 3 workers, on a fresh database (SQLite file or PostgreSQL) with the test world."""
    with tempfile.TemporaryDirectory(prefix="riverains-limits-") as tmp, fresh_database(tmp) as database_url:
        env = app_env(database_url)
        manage(env, "migrate", "--noinput")
        manage(env, "shell", "-c", SETUP)
        port, log, errors = free_port(), Path(tmp) / "access.log", open(Path(tmp) / "errors.log", "w+b")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        # Its log goes to a file: a pipe nobody reads would block the workers once full.
        process = subprocess.Popen(
            [str(gunicorn), "riverains.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(WORKERS), "--timeout", "60",
             "--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a busy machine boots workers slowly
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(base + "/accessibilite/", timeout=30)
                    break
                except OSError:  # refused while booting, or slow to answer
                    time.sleep(0.2)
            else:
                errors.seek(0)
                raise AssertionError("gunicorn did not start: " + errors.read().decode()[-2000:])
            yield Server(base, env, log)
        finally:
            process.terminate()
            process.wait(timeout=30)
            errors.close()


class Server:
    def __init__(self, base, env, log):
        self.base, self.env, self.log = base, env, log

    def form(self, path):
        """The CSRF cookie and form token of a page (a resident who opened the form)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        html = opener.open(self.base + path, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        return cookie, token

    def post(self, path, fields, cookie, client_ip):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={
            "Cookie": cookie, "X-Forwarded-For": client_ip, "Referer": self.base + path,
        })
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=60)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def counts(self):
        return json.loads(manage(self.env, "shell", "-c", COUNT).strip().splitlines()[-1])

    def workers_that_answered(self, path):
        pids = {line.split()[0] for line in self.log.read_text().splitlines() if path in line}
        return len(pids)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def burst(server, path, fields_for, client_ip_for):
    cookie, token = server.form(path)

    def one(n):
        return server.post(path, {**fields_for(n), "csrfmiddlewaretoken": token}, cookie, client_ip_for(n))

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(ATTEMPTS)))


def accepted(results):
    assert not [status for status, _body in results if status >= 500]
    return sum(1 for status, _body in results if status == 302)


SUBSCRIBE = "/seine-estuaire/abonnement/"


def test_subscription_forms_per_network_address(server):
    results = burst(server, SUBSCRIBE, lambda n: {"channel": "email", "address": f"riverain{n}@example.test",
                                                   "communes": ["76351"], "digest": "immediate"},
                    lambda n: "203.0.113.10")
    print(f"subscriptions accepted: {accepted(results)} of {ATTEMPTS}", Counter(status for status, _body in results))
    assert server.workers_that_answered(SUBSCRIBE) == WORKERS
    assert accepted(results) == 20
    assert server.counts()["subscriptions"] == 20
    assert all(status == 429 and "Trop de demandes" in body for status, body in results if status != 302)


def test_reports_per_network_address(server):
    path = "/seine-estuaire/signaler/"
    results = burst(server, path, lambda n: {"kind": "odour", "intensity": "3", "when": "now", "commune": "76351"},
                    lambda n: "203.0.113.20")
    print(f"reports accepted: {accepted(results)} of {ATTEMPTS}", Counter(status for status, _body in results))
    assert server.workers_that_answered(path) == WORKERS
    assert accepted(results) == 5
    assert server.counts()["reports"] == 5


def test_confirmation_messages_per_phone_number(server):
    # Each from its own network address, so that only the per-number limit applies.
    results = burst(server, SUBSCRIBE, lambda n: {"channel": "sms", "address": "06 12 34 56 78", "communes": ["76351"],
                                                   "quiet_hours": "on"},
                    lambda n: f"198.51.100.{n + 1}")
    print(f"SMS confirmations accepted: {accepted(results)} of {ATTEMPTS}", Counter(status for status, _body in results))
    assert accepted(results) == 3
    assert server.counts()["sms_confirmations_queued"] == 3


def test_accessibility_reports_per_network_address(server):
    path = "/accessibilite/"
    results = burst(server, path, lambda n: {"message": f"Le bouton {n} ne se lit pas au lecteur d'écran."},
                    lambda n: "203.0.113.30")
    print(f"accessibility reports accepted: {accepted(results)} of {ATTEMPTS}", Counter(status for status, _body in results))
    assert server.workers_that_answered(path) == WORKERS
    assert accepted(results) == 5
    assert server.counts()["feedback"] == 5
