"""A loopback HTTP server speaking enough of Twilio's Messages API for the SMS channel:
POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth with the account SID and
auth token, form-encoded To/From/Body, a JSON message resource (sid, status "queued") in answer,
Twilio's JSON error body otherwise."""
import base64
import re
from urllib.parse import parse_qs

import pytest

from .loopback import LoopbackServer, json_answer

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "twilio-test-token"
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")


class FakeTwilio(LoopbackServer):
    def __init__(self):
        self.received = []  # the form of every accepted message
        self.status = 201  # or the error status it is told to answer
        super().__init__()
        self.url = self.base_url

    def respond(self, method, path, headers, body):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        match = MESSAGES_PATH.match(path)
        if match is None:
            return self._error(404, {"code": 20404, "message": "The requested resource was not found"})
        if not self.authorized(headers.get("Authorization", ""), match.group(1)):
            return self._error(401, {"code": 20003, "message": "Authenticate"})
        if self.status != 201:
            return self._error(self.status, {"code": 20429 if self.status == 429 else 20500,
                                             "message": "Too Many Requests" if self.status == 429 else "Service unavailable"})
        self.received.append(form)
        sid = f"SM{len(self.received):032x}"
        return json_answer(201, {"sid": sid, "account_sid": match.group(1), "to": form.get("To"),
                                 "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                                 "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"})

    @staticmethod
    def _error(status, payload):
        return json_answer(status, {**payload, "status": status, "more_info": "https://www.twilio.com/docs/errors"})

    @staticmethod
    def authorized(header, account_sid):
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        return header == expected and account_sid == ACCOUNT_SID


@pytest.fixture
def twilio(settings):
    fake = FakeTwilio()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
    settings.TWILIO_FROM = "+33700000001"
    settings.TWILIO_API_URL = fake.url
    yield fake
    fake.stop()
