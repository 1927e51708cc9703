"""Mixed surge: page views, report submissions, subscriptions and phone-menu requests together,
from a Python load generator (one thread per simulated resident), against gunicorn alone and
behind the shipped nginx configuration. See bench/README.md, "Mixed surge".

    .venv/bin/python bench/mixed.py                     # about 4 minutes, appends to bench/RESULTS.md
    .venv/bin/python bench/mixed.py --duration 5 --no-write

Each kind of operation is what a resident's browser or the phone provider does:
- page: GET the territory page;
- report: GET the report form (CSRF cookie and token), POST a report (honeypot left empty) → 302;
- subscription: GET the subscription form, POST an e-mail subscription (a new address each time) → 302;
- phone: the provider's POST /voix/appel, then POST of the menu's action with key 1 ("what is
  happening now"), both signed with VOICE_AUTH_TOKEN as Twilio signs them → 200 TwiML.

Every simulated resident comes from 127.0.0.1, so bench/settings_bench.py raises the
per-address limits of the forms. PostgreSQL database riverains_mixed (dropped afterwards),
Redis database 9 (emptied); every load stops by itself after --duration seconds."""
import argparse
import http.client
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit

import read_path as rp
import stack as st
from surge import write

sys.path.insert(0, str(st.ROOT))
from twilio.request_validator import RequestValidator  # noqa: E402  (as the application checks it)

KINDS = ["page", "report", "subscription", "phone"]
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
GATHER_ACTION = re.compile(rb'<Gather [^>]*action="([^"]+)"')


class Site:
    """How one simulated resident talks to the server: a fresh connection per request, as the
    sync gunicorn workers close theirs anyway."""

    def __init__(self, base, signed_base, context, voice_token):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        # The provider signs the public address it was given, SITE_URL + path, which the
        # application checks whatever proxy sits in between (riverains.provider_signature).
        self.signed_base = signed_base
        self.context, self.voice_token = context, voice_token

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.getheader("Set-Cookie") or "", response.read()
        finally:
            conn.close()

    def page(self):
        status, _cookie, _body = self.request("GET", st.PAGE)
        return status == 200, status

    def _form_post(self, path, fields):
        status, cookie, body = self.request("GET", path)
        token, secret = CSRF_INPUT.search(body), re.search(r"csrftoken=([^;]+)", cookie)
        if status != 200 or not token or not secret:
            return False, f"form {status}"
        fields = {**fields, "csrfmiddlewaretoken": token.group(1).decode()}
        status, _cookie, _body = self.request("POST", path, body=urlencode(fields, doseq=True), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={secret.group(1)}"})
        return status == 302, status

    def report(self):
        return self._form_post(f"/{st.TERRITORY}/signaler/", {
            "kind": random.choice(["odour", "noise", "smoke_steam", "flame"]), "intensity": random.randint(1, 5),
            "when": "now", "commune": random.choice(self.context["communes"]), "comment": "", "email": "",
            "website": "",  # the honeypot: only robots fill it in
        })

    def subscription(self):
        return self._form_post(f"/{st.TERRITORY}/abonnement/", {
            "channel": "email", "address": f"surge-{uuid.uuid4().hex[:12]}@example.test",
            "communes": random.sample(self.context["communes"], 2), "digest": "immediate", "website": "",
        })

    def _voice(self, path, params):
        signature = RequestValidator(self.voice_token).compute_signature(self.signed_base + path, params)
        return self.request("POST", path, body=urlencode(params), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})

    def phone(self):
        params = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC0001", "From": f"+336{random.randrange(10**8):08d}",
                  "To": self.context["number"], "Direction": "inbound", "CallStatus": "in-progress"}
        status, _cookie, body = self._voice("/voix/appel", params)
        action = GATHER_ACTION.search(body)
        if status != 200 or not action:
            return False, f"call {status}"
        parts = urlsplit(action.group(1).decode().replace("&amp;", "&"))
        status, _cookie, body = self._voice(f"{parts.path}?{parts.query}", {**params, "Digits": "1"})
        return status == 200 and b"<Response" in body, status


def run_load(site, connections, duration, weights):
    """`connections` residents, each doing one operation after another until the deadline."""
    deadline = time.monotonic() + duration
    results, lock = [], threading.Lock()

    def resident(seed):
        rng = random.Random(seed)
        mine = []
        while time.monotonic() < deadline:
            kind = rng.choices(KINDS, weights)[0]
            started = time.perf_counter()
            try:
                ok, status = getattr(site, kind)()
            except (OSError, http.client.HTTPException) as error:
                ok, status = False, error.__class__.__name__
            mine.append((kind, ok, status, (time.perf_counter() - started) * 1000))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=resident, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 60)
    return results


def percentile(ordered, p):
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def summarise(results, duration):
    rows = {}
    for kind in KINDS:
        mine = [r for r in results if r[0] == kind]
        ok = sorted(r[3] for r in mine if r[1])
        errors = defaultdict(int)
        for r in mine:
            if not r[1]:
                errors[str(r[2])] += 1

        rows[kind] = {"ops": len(mine), "ok": len(ok), "rate": len(ok) / duration,
                      "p50": percentile(ok, 0.5), "p99": percentile(ok, 0.99),
                      "errors": dict(errors), "mean": statistics.fmean(ok) if ok else 0.0}
    return rows


def stored(stack):
    """What the database holds: every accepted submission must be there."""
    return stack.shell("""
import json
from reports.models import Report
from relay.models import Subscription
from voice.models import Call
print(json.dumps({"report": Report.objects.count(),
                  "subscription": Subscription.objects.filter(address__startswith="surge-").count(),
                  "phone": Call.objects.count()}))
""")


def context_of(stack):
    return stack.shell(f"""
import json
from territories.models import Territory
t = Territory.objects.get(slug={st.TERRITORY!r})
print(json.dumps({{"number": t.toll_free_number, "communes": list(t.communes.values_list("code", flat=True))}}))
""")


def report(info, load_at_start, runs, args):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mix = ", ".join(f"{w:.0f} % {k}" for k, w in zip(KINDS, args.weights))
    lines = [
        f"## Mixed surge — {now}",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        f"- Application: gunicorn, {rp.workers()} synchronous workers, production settings "
        "(bench/settings_bench.py: per-address form limits raised), PostgreSQL + Redis shared cache; "
        "no task worker running (confirmation e-mails and report tasks stay queued)",
        f"- Load: Python, {args.connections} threads (simulated residents, no pause between operations), "
        f"{args.duration} s per target, mix {mix}; a fresh connection per request",
        "- Latency is per operation: page = 1 request; report and subscription = form GET + POST; "
        "phone = call + menu key (2 signed POSTs)",
        f"- Load average when the run started: {load_at_start}",
        "",
        "| served by | operation | completed | per second | p50 (ms) | p99 (ms) | errors | stored in the database |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for label, rows, saved in runs:
        for kind in KINDS:
            r = rows[kind]
            errors = ", ".join(f"{k}: {v}" for k, v in r["errors"].items()) or "0"
            lines.append(f"| {label} | {kind} | {r['ok']:,} | {r['rate']:,.1f} | {r['p50']:.0f} | {r['p99']:.0f} "
                         f"| {errors} | {saved.get(kind, '–') if kind != 'page' else '–'} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=20, help="seconds per target (1 to 120)")
    parser.add_argument("--mix", default="70,10,10,10", help="percent of page,report,subscription,phone")
    parser.add_argument("--targets", default="gunicorn,nginx")
    parser.add_argument("--wait-quiet", type=int, default=300, help="seconds to wait for load average < 2")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    args.weights = [float(w) for w in args.mix.split(",")]
    if len(args.weights) != 4 or not 1 <= args.duration <= 120 or not 1 <= args.connections <= 512:
        parser.error("--mix takes 4 numbers; duration 1–120 s; connections 1–512")
    st.terminate_on_sigterm()
    random.seed(1)

    load_at_start = st.wait_for_quiet_machine(patience=args.wait_quiet)
    info = st.machine()
    voice_token = st.random_token()
    runs = []
    with st.Stack("riverains_mixed", redis_db=9, settings_module="bench.settings_bench",
                  extra_env={"VOICE_AUTH_TOKEN": voice_token}) as stack:
        context = context_of(stack)
        for via in args.targets.split(","):
            base = getattr(stack, via)
            site = Site(base, stack.env.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/"), context, voice_token)
            run_load(site, args.connections, min(3, args.duration), args.weights)  # warm-up, not recorded
            warm = stored(stack)
            results = run_load(site, args.connections, args.duration, args.weights)
            after = stored(stack)
            rows = summarise(results, args.duration)
            saved = {k: after[k] - warm[k] for k in after}
            label = "(a) gunicorn alone" if via == "gunicorn" else "(b) behind the shipped nginx"
            for kind in KINDS:
                r = rows[kind]
                print(f"    {label} {kind}: {r['ok']} ok ({r['rate']:.1f}/s), p50 {r['p50']:.0f} ms, "
                      f"p99 {r['p99']:.0f} ms, errors {r['errors']}, stored {saved.get(kind, '–')}", flush=True)
            runs.append((label, rows, saved))
    write(report(info, load_at_start, runs, args), args)


if __name__ == "__main__":
    sys.exit(main())
