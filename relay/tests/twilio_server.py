"""A loopback HTTP server speaking enough of Twilio's Messages API for the SMS channel:
POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the account SID and
auth token, form-encoded To/From/Body, a JSON message resource (sid, status "queued") in answer,
Twilio's JSON error body otherwise."""
import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-test-token"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class FakeTwilio:
    def __init__(self):
        self.received = []  # the form of every accepted message
        self.status = 201  # or the error status it is told to answer
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                match = MESSAGES_PATH.match(self.path)
                if match is None:
                    return self._answer(404, {"code": 20404, "message": "The requested resource was not found"})
                if not fake.authorized(self.headers.get("Authorization", ""), match.group(1)):
                    return self._answer(401, {"code": 20003, "message": "Authenticate"})
                if fake.status != 201:
                    return self._answer(fake.status, {"code": 20429 if fake.status == 429 else 20500,
                                                      "message": "Too Many Requests" if fake.status == 429 else "Service unavailable"})
                fake.received.append(form)
                sid = f"SM{len(fake.received):032x}"
                self._answer(201, {"sid": sid, "account_sid": match.group(1), "to": form.get("To"),
                                   "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                                   "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"})

            def _answer(self, status, payload):
                if status >= 400:
                    payload = {**payload, "status": status, "more_info": "https://www.twilio.com/docs/errors"}
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @staticmethod
    def authorized(header, account_sid):
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return header == expected and account_sid == ACCOUNT_SID

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def twilio(settings):
    fake = FakeTwilio()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_FROM = "+33700000001"
    settings.TWILIO_API_URL = fake.url
    yield fake
    fake.stop()
