"""Real Kannel for the SMS channel's tests: bearerbox and smsbox (Debian package kannel) with the
fake SMSC of kannel-extras, all on loopback ports, started from a kannel.conf written in the
test's tmp_path and stopped afterwards.

fakesmsc connects to bearerbox as an SMSC and prints every SMS it is given as
"Got message N: <sender receiver text …>", so a test reads what a phone would have received.

Without Kannel installed the tests are skipped, unless RIVERAINS_REQUIRE_KANNEL=1 (CI) makes
that an error."""
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from .conftest import free_port

SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
FAKESMSC_PLACES = ["/usr/lib/kannel/test/fakesmsc", "/usr/local/lib/kannel/test/fakesmsc"]
START_TIMEOUT = 10
USER, PASSWORD = "relay", "s3cret"
GOT_MESSAGE = re.compile(r"Got message \d+: <(?P<sender>\S+) (?P<receiver>\S+) text (?P<text>.*)>$")

CONF = """\
group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = {admin_password}
smsbox-port = {smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-level = 1
log-file = "{tmp}/bearerbox.log"

group = smsc
smsc = fake
smsc-id = FAKE
host = 127.0.0.1
port = {smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-level = 1
log-file = "{tmp}/smsbox.log"

group = sendsms-user
username = {user}
password = {password}

group = sms-service
keyword = default
text = "ok"
"""


def binaries():
    """(bearerbox, smsbox, fakesmsc) paths, or None when Kannel is not installed."""
    found = [shutil.which("bearerbox", path=SEARCH_PATH), shutil.which("smsbox", path=SEARCH_PATH)]
    found.append(next((p for p in FAKESMSC_PLACES if os.access(p, os.X_OK)), None))
    return found if all(found) else None


@dataclass
class Kannel:
    tmp: Path
    sendsms_url: str = ""
    processes: dict = field(default_factory=dict)

    def received(self):
        """SMS handed to the fake SMSC so far, as dicts (sender, receiver, text)."""
        output = (self.tmp / "fakesmsc.out").read_text(errors="replace")
        return [m.groupdict() for m in map(GOT_MESSAGE.search, output.splitlines()) if m]

    def wait_for_messages(self, count, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received()) >= count:
                return self.received()
            time.sleep(0.05)
        return self.received()

    def stop(self, *names):
        for name in names or list(self.processes):
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start(kannel, name, args):
    with open(kannel.tmp / f"{name}.out", "ab") as out:  # the child keeps its own copy of the descriptor
        kannel.processes[name] = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=kannel.tmp)


def _wait_until(check, what, kannel):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        dead = [n for n, p in kannel.processes.items() if p.poll() is not None]
        if dead:
            break
        time.sleep(0.05)
    logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in kannel.tmp.glob("*.out"))
    kannel.stop()
    pytest.fail(f"Kannel: {what} did not happen within {START_TIMEOUT} s\n{logs}")


def _started(tmp_path):
    log = tmp_path / "bearerbox.log"
    return log.exists() and "Start-up done" in log.read_text(errors="replace")


def _answers(url):
    try:
        requests.get(url, timeout=0.5)
    except requests.RequestException:
        return False
    return True


def restart_smsbox(kannel):
    _start(kannel, "smsbox", [binaries()[1], "-v", "1", str(kannel.tmp / "kannel.conf")])
    _wait_until(lambda: _answers(kannel.sendsms_url), "smsbox answering sendsms", kannel)


def required_binaries():
    """(bearerbox, smsbox, fakesmsc); the test is skipped without Kannel, or fails in CI."""
    found = binaries()
    if found is None:
        if os.environ.get("RIVERAINS_REQUIRE_KANNEL") == "1":
            pytest.fail("Kannel is required (RIVERAINS_REQUIRE_KANNEL=1) but bearerbox, smsbox or fakesmsc is missing")
        pytest.skip("Kannel is not installed (Debian packages kannel and kannel-extras)")
    return found


def launch(kannel, conf, ports):
    """Start bearerbox from `conf`, the fake SMSC phones receive on, then smsbox, waiting for
    each; the caller stops `kannel` whatever happens."""
    bearerbox, smsbox, fakesmsc = required_binaries()
    _start(kannel, "bearerbox", [bearerbox, "-v", "1", str(conf)])
    admin = f"http://127.0.0.1:{ports['admin_port']}/status.txt"
    _wait_until(lambda: _answers(admin) and _started(kannel.tmp), "bearerbox starting", kannel)
    # -m 0: the fake SMSC sends no message of its own, it only prints what it receives.
    _start(kannel, "fakesmsc", [fakesmsc, "-H", "127.0.0.1", "-r", str(ports["smsc_port"]), "-m", "0", "0 0 text nop"])
    _wait_until(lambda: _fakesmsc_connected(kannel.tmp), "fakesmsc connecting to bearerbox", kannel)
    _start(kannel, "smsbox", [smsbox, "-v", "1", str(conf)])
    _wait_until(lambda: _answers(kannel.sendsms_url), "smsbox answering sendsms", kannel)


@pytest.fixture
def real_kannel(tmp_path, settings):
    required_binaries()
    ports = {name: free_port() for name in ["admin_port", "smsbox_port", "smsc_port", "sendsms_port"]}
    conf = tmp_path / "kannel.conf"
    conf.write_text(CONF.format(tmp=tmp_path, admin_password="admin-" + os.urandom(4).hex(), user=USER,
                                password=PASSWORD, **ports))
    kannel = Kannel(tmp=tmp_path, sendsms_url=f"http://127.0.0.1:{ports['sendsms_port']}/cgi-bin/sendsms")
    try:
        launch(kannel, conf, ports)
        settings.KANNEL_URL, settings.KANNEL_USER, settings.KANNEL_PASSWORD = kannel.sendsms_url, USER, PASSWORD
        yield kannel
    finally:
        kannel.stop()


def _fakesmsc_connected(tmp_path):
    log = tmp_path / "bearerbox.log"
    return log.exists() and "Fakesmsc client connected" in log.read_text(errors="replace")
