"""One loopback HTTP server for the relay's fakes (Kannel, Twilio, Mastodon, Bluesky, push and
webhook endpoints): the threading, request reading and answer writing live here, so each fake
only says how it answers a request."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """Subclasses define `respond(method, path, headers, body)` → (status, content type or None,
    answer bytes). `base_url` is http://127.0.0.1:<free port>."""

    def __init__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, content_type, answer = server.respond(self.command, self.path, self.headers, body)
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = _serve

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def respond(self, method, path, headers, body):
        raise NotImplementedError

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def json_answer(status, payload):
    return status, "application/json", json.dumps(payload).encode()
