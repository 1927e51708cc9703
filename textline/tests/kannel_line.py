"""The territory's SMS number, end to end, on real Kannel: relay/tests/kannel.py's bearerbox,
smsbox and fake SMSC (fakesmsc prints what a phone would receive), plus a second fake SMSC on
which a phone sends: its SMS go to the sms-service, which calls Riverains' inbound URL, exactly
as an operator's SMSC would. Answers leave through Riverains' outbox and Kannel's sendsms, so a
two-part answer comes out as two concatenated parts (UDH), reassembled here as a phone does.

Ports: from RIVERAINS_TEST_PORTS ("8400-8449") when set, else any free port."""
import os
import re
import socket
import time
from urllib.parse import unquote_plus, unquote_to_bytes

import pytest

from relay.tests.conftest import free_port
from relay.tests.kannel import PASSWORD, USER, Kannel, _start, binaries, launch, required_binaries

INBOUND_TOKEN = "inbound-secret"
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

# What phones receive (fakesmsc prints it).
group = smsc
smsc = fake
smsc-id = FAKE
host = 127.0.0.1
port = {smsc_port}
connect-allow-ip = 127.0.0.1

# Where phones send from; nothing is routed out through it.
group = smsc
smsc = fake
smsc-id = PHONES
allowed-smsc-id = PHONES
host = 127.0.0.1
port = {phones_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-level = 1
log-file = "{tmp}/smsbox.log"

# As README says: up to 2 concatenated parts (an answer is at most 2 SMS).
group = sendsms-user
username = {user}
password = {password}
forced-smsc = FAKE
max-messages = 2
concatenation = true

# Every inbound SMS to Riverains; the answer goes through its outbox, so none from here.
group = sms-service
keyword = default
catch-all = true
get-url = "{inbound_url}?token={token}&from=%p&to=%P&text=%a"
max-messages = 0
"""
GOT = re.compile(r"Got message \d+: <(?P<sender>\S+) (?P<receiver>\S+) (?:text (?P<text>.*)|udh (?P<udh>\S+) data (?P<data>\S*))>$")


def ports(names, avoid=()):
    """A free port per name, inside RIVERAINS_TEST_PORTS when it is set (never one of `avoid`)."""
    span = os.environ.get("RIVERAINS_TEST_PORTS", "")
    if not span:
        return {name: free_port() for name in names}
    low, high = (int(p) for p in span.split("-"))
    found = {}
    for port in range(low, high + 1):
        if len(found) == len(names):
            break
        if port in avoid:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found[names[len(found)]] = port
    if len(found) < len(names):
        pytest.fail(f"not enough free ports in RIVERAINS_TEST_PORTS={span}")
    return found


class Line(Kannel):
    phones_port: int = 0
    sent: int = 0

    def send(self, phone, text, timeout=10):
        """`phone` sends `text` to the territory's number; returns once the SMSC has taken it."""
        self.sent += 1
        name = f"phone-{self.sent}"
        out = self.tmp / f"{name}.out"
        _start(self, name, [binaries()[2], "-H", "127.0.0.1", "-r", str(self.phones_port), "-m", "1",
                            f"{phone} 36000 text {text}"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and "sent message 1" not in out.read_text(errors="replace"):
            time.sleep(0.01)
        self.stop(name)  # fakesmsc stays connected once its message is sent
        # Then until Riverains has answered the sms-service's request (the answer is queued):
        # the test's thread and the live server share one in-memory SQLite connection.
        while time.monotonic() < deadline and self.handled() < self.sent:
            time.sleep(0.01)

    def handled(self):
        """Inbound SMS the sms-service has passed to Riverains and heard back from."""
        return (self.tmp / "smsbox.log").read_text(errors="replace").count("No reply sent, denied.")

    def answers(self):
        """SMS the phones received, concatenated parts joined: [(receiver, text)]."""
        output = (self.tmp / "fakesmsc.out").read_text(errors="replace")
        whole, parts = [], {}
        for match in map(GOT.search, output.splitlines()):
            if match is None:
                continue
            if match["text"] is not None:
                whole.append((match["receiver"], match["text"]))
                continue
            udh = unquote_to_bytes(match["udh"])  # 05 00 03 ref total seq
            ref, total, seq = udh[3], udh[4], udh[5]
            message = parts.setdefault((match["receiver"], ref), {"total": total, "parts": {}})
            message["parts"][seq] = unquote_plus(match["data"], encoding="utf-8", errors="replace")  # form-encoded
            if len(message["parts"]) == total:
                whole.append((match["receiver"], "".join(message["parts"][i] for i in sorted(message["parts"]))))
        return whole

    def part_count(self):
        output = (self.tmp / "fakesmsc.out").read_text(errors="replace")
        return sum(1 for m in map(GOT.search, output.splitlines()) if m)


def start_line(tmp_path, inbound_url, avoid=()):
    required_binaries()
    numbers = ports(["admin_port", "smsbox_port", "smsc_port", "phones_port", "sendsms_port"], avoid)
    conf = tmp_path / "kannel.conf"
    conf.write_text(CONF.format(tmp=tmp_path, admin_password="admin-" + os.urandom(4).hex(), user=USER,
                                password=PASSWORD, inbound_url=inbound_url, token=INBOUND_TOKEN, **numbers))
    line = Line(tmp=tmp_path, sendsms_url=f"http://127.0.0.1:{numbers['sendsms_port']}/cgi-bin/sendsms")
    line.phones_port = numbers["phones_port"]
    try:
        launch(line, conf, numbers)
    except BaseException:
        line.stop()
        raise
    return line
