"""Loopback HTTP servers speaking just enough of the Mastodon and Bluesky (AT Protocol) APIs for
the relay's channels: they check the credentials, record what was posted, and can be told to
answer with an error status."""
import base64
import json
import time
from urllib.parse import parse_qs

from .loopback import LoopbackServer, json_answer


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def fake_jwt(did):
    """A token the atproto client can read the expiry of (the signature is not checked)."""
    return f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64({'sub': did, 'exp': int(time.time()) + 3600})}.c2ln"


class JsonServer(LoopbackServer):
    def __init__(self):
        self.posted = []
        self.calls = []
        self.status = None  # when set, every request gets this status
        super().__init__()
        self.url = self.base_url

    def respond(self, method, path, headers, body):
        self.calls.append(path)
        return json_answer(*self.handle(method, path, headers, body))


class FakeMastodon(JsonServer):
    token = "jeton-de-test"

    def handle(self, method, path, headers, raw):
        if self.status is not None:
            return self.status, {"error": "Service Unavailable" if self.status >= 500 else "refused"}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"error": "The access token is invalid"}
        if method == "POST" and path == "/api/v1/statuses":
            if "json" in headers.get("Content-Type", ""):
                params = json.loads(raw)
            else:
                params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            params["idempotency-key"] = headers.get("Idempotency-Key")
            self.posted.append(params)
            return 200, {
                "id": str(len(self.posted)), "uri": "https://mastodon.test/statuses/1", "url": "https://mastodon.test/@x/1",
                "content": "<p>…</p>", "created_at": "2026-01-01T00:00:00.000Z", "visibility": params.get("visibility"),
                "account": {"id": "1", "username": "territoire", "acct": "territoire"}, "media_attachments": [],
                "mentions": [], "tags": [], "emojis": [],
            }
        return 404, {"error": "Record not found"}


class FakeBluesky(JsonServer):
    handle_name = "seine-estuaire.bsky.test"
    password = "abcd-efgh-ijkl-mnop"
    did = "did:plc:territoiretest0000000000"

    def __init__(self):
        self.tokens = set()
        super().__init__()

    def handle(self, method, path, headers, raw):
        if self.status is not None:
            return self.status, {"error": "Unavailable", "message": "try later"}
        if path == "/xrpc/com.atproto.server.createSession":
            data = json.loads(raw)
            if data.get("identifier") != self.handle_name or data.get("password") != self.password:
                return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            token = fake_jwt(self.did)
            self.tokens.add(token)
            return 200, {"accessJwt": token, "refreshJwt": token, "handle": self.handle_name, "did": self.did}
        if headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return 401, {"error": "AuthenticationRequired", "message": "no token"}
        if path == "/xrpc/com.atproto.repo.createRecord":
            self.posted.append(json.loads(raw))
            return 200, {"uri": f"at://{self.did}/app.bsky.feed.post/3k{len(self.posted)}",
                         "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"}
        return 404, {"error": "MethodNotImplemented", "message": path}
