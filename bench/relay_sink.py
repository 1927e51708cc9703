"""Loopback sinks for bench/relay_fanout.py, run in their own process so that the worker being
measured does not share a GIL with them.

    python bench/relay_sink.py smtp PORT COUNT_FILE [RECIPIENTS_FILE]   # aiosmtpd: accepts every message
    python bench/relay_sink.py http PORT COUNT_FILE [RECIPIENTS_FILE]   # aiohttp: answers 201 to every POST (push)
    python bench/relay_sink.py mailgun PORT COUNT_FILE [RECIPIENTS_FILE]  # aiohttp: Mailgun's messages API

On SIGTERM the number of messages accepted is written to COUNT_FILE and, when RECIPIENTS_FILE is
given, a JSON object {recipient: messages received} to it (bench/fanout_scaling.py checks with
it that every subscriber got the notice exactly once)."""
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    kind, port, count_file = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    recipients_file = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    count = {"n": 0}
    per_recipient = {}
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def finish(*_args):
        count_file.write_text(json.dumps(count["n"]))
        if recipients_file is not None:
            recipients_file.write_text(json.dumps(per_recipient))
        loop.stop()

    loop.add_signal_handler(signal.SIGTERM, finish)
    if kind == "smtp":
        from relay.tests.smtpd import import_controller

        import_controller()  # puts aiosmtpd's `public` dependency in place
        from aiosmtpd.smtp import SMTP

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                count["n"] += 1
                for recipient in envelope.rcpt_tos:
                    per_recipient[recipient] = per_recipient.get(recipient, 0) + 1
                return "250 OK"

        loop.run_until_complete(loop.create_server(lambda: SMTP(Sink(), hostname="127.0.0.1"), "127.0.0.1", port))
    elif kind == "mailgun":
        # Mailgun's POST /v3/<domain>/messages as a batch call (anymail's): parses the form,
        # counts each recipient and checks that it came with its own links (recipient
        # variables); COUNT_FILE then holds the number of calls, of links seen and of links
        # seen twice (two recipients given the same link: 0 expected).
        from aiohttp import web

        links, calls = set(), {"calls": 0, "links": 0, "shared_links": 0, "without_links": 0}

        latency = float(os.environ.get("RELAY_SINK_LATENCY_MS", "0")) / 1000  # a real provider's answer time

        async def messages(request):
            if latency:
                await asyncio.sleep(latency)
            # parse_qs, not request.post(): aiohttp refuses forms of more than 1,000 fields.
            form = parse_qs((await request.read()).decode())
            variables = json.loads(form.get("recipient-variables", ["{}"])[0])
            calls["calls"] += 1
            for recipient in form.get("to", []):
                own = variables.get(recipient, {})
                per_recipient[recipient] = per_recipient.get(recipient, 0) + 1
                if not own.get("unsubscribe") or not own.get("manage"):
                    calls["without_links"] += 1
                for link in (own.get("unsubscribe"), own.get("manage")):
                    if link:
                        calls["links"] += 1
                        calls["shared_links"] += link in links
                        links.add(link)
            count["n"] = calls
            return web.json_response({"id": f"<{calls['calls']}@sink.invalid>", "message": "Queued. Thank you."})

        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v3/{domain}/messages", messages)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    else:
        from aiohttp import web

        async def accept(request):
            await request.read()
            count["n"] += 1
            per_recipient[request.path] = per_recipient.get(request.path, 0) + 1
            return web.Response(status=201)

        app = web.Application()
        app.router.add_post("/{tail:.*}", accept)
        runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    print("ready", flush=True)
    loop.run_forever()


if __name__ == "__main__":
    main()
