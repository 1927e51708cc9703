"""Rate limits that hold across every web process: counters in the database.

One helper for every limit of the platform (subscription forms, confirmation messages per
address, confirmation SMS per territory, residents' reports, accessibility reports); logins are
limited by django-axes, whose default handler keeps its counts in the database too.

Why the database and not the cache. Without REDIS_URL — the default set-up — the cache is each
process's own memory: with 5 gunicorn workers every limit was 5 limits (issue 12: 50 of 50
subscriptions went through a limit of 20). The database is the one thing all processes, on one
machine or several, always share. Django's DatabaseCache would share it too, but its incr() is
a read followed by a write: two processes read 4 and both write 5, so a burst — the very case a
limit is for — slips through. Here each attempt is one atomic statement,
`INSERT … ON CONFLICT (bucket) DO UPDATE SET hits = hits + 1 … RETURNING hits`, which SQLite
(3.35+) and PostgreSQL both run as one step: the limits hold exactly, whatever the number of
processes. Redis would be as exact, but a second source of truth that the default set-up does
not have; every limited action writes to the database anyway (a subscription, a report), so one
more small write costs nothing that matters, and the public read path is never limited.

A bucket is a scope and an identity (a network address, a phone number, a territory), hashed
with the secret key: the table holds no address in clear. Each bucket has a fixed window that
starts with its first hit (`seconds` long); the first hit after it has ended starts a new one.
A hit made inside a transaction is undone with it: an attempt that changed nothing is not
counted (callers that must count refusals record them after their transaction). Expired rows
are deleted by the scheduler (`manage.py purge_rate_limits`)."""
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

TABLE = "ratelimit_counter"


@dataclass(frozen=True)
class Outcome:
    allowed: bool  # this attempt is within the limit
    hits: int  # attempts in the current window, this one included
    limit: int
    resets_at: datetime  # when the window ends


@dataclass(frozen=True)
class Window:
    hits: int
    resets_at: datetime


def bucket(scope, identity):
    digest = salted_hmac("riverains.ratelimit", f"{scope}|{identity}", algorithm="sha256").hexdigest()
    return f"{scope}:{digest[:40]}"


def hit(scope, identity, limit, seconds, now=None):
    """Count one attempt of `identity` in `scope`; allowed while there were at most `limit` in
    the window of `seconds` that the bucket's first attempt opened."""
    return hit_many(scope, [identity], limit, seconds, now)[0]


def hit_many(scope, identities, limit, seconds, now=None):
    """hit() for several identities of one attempt (a network address and a device), in one
    statement: one round trip instead of one per identity. Outcomes in the identities' order."""
    now_ms = _ms(now or timezone.now())
    expires_ms = now_ms + int(seconds * 1000)
    buckets = [bucket(scope, identity) for identity in identities]
    distinct = list(dict.fromkeys(buckets))  # one row may not be updated twice by one statement
    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(TABLE)} ({q('bucket')}, {q('hits')}, {q('expires')}) VALUES "
        + ", ".join(["(%s, 1, %s)"] * len(distinct)) + " "
        f"ON CONFLICT ({q('bucket')}) DO UPDATE SET "
        f"{q('hits')} = CASE WHEN {q(TABLE)}.{q('expires')} <= %s THEN 1 ELSE {q(TABLE)}.{q('hits')} + 1 END, "
        f"{q('expires')} = CASE WHEN {q(TABLE)}.{q('expires')} <= %s THEN excluded.{q('expires')} "
        f"ELSE {q(TABLE)}.{q('expires')} END "
        f"RETURNING {q('bucket')}, {q('hits')}, {q('expires')}"
    )
    params = [value for name in distinct for value in (name, expires_ms)] + [now_ms, now_ms]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = {name: (hits, expires) for name, hits, expires in cursor.fetchall()}
    return [Outcome(allowed=counted[name][0] <= limit, hits=counted[name][0], limit=limit,
                    resets_at=_datetime(counted[name][1])) for name in buckets]


def peek(scope, identity, now=None):
    """The current window of a bucket (hits and end), or None when it has none running."""
    from .models import Counter

    row = Counter.objects.filter(bucket=bucket(scope, identity), expires__gt=_ms(now or timezone.now())).first()
    return Window(row.hits, _datetime(row.expires)) if row is not None else None


def purge(now=None):
    """Delete the buckets whose window has ended; returns how many."""
    from .models import Counter

    deleted, _per_model = Counter.objects.filter(expires__lte=_ms(now or timezone.now())).delete()
    return deleted


def _ms(moment):
    return int(moment.timestamp() * 1000)


def _datetime(ms):
    return datetime.fromtimestamp(ms / 1000, tz=dt_timezone.utc)
