"""Dates of the demo's stories, relative to the moment the demo is loaded.

The demo is loaded at any time of any day, so a story never holds a date: it holds a function
`now -> datetime` built by the helpers below (in local time, Europe/Paris), and the loader
calls it once. Planned operations fall on round hours, as operators write them."""
from datetime import datetime, time, timedelta

from django.utils import timezone


def hours(n):
    return timedelta(hours=n)


def minutes(n):
    return timedelta(minutes=n)


def _local(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _quarter(now):
    """`now` rounded down to the quarter hour: an operator writes 14 h 15, not 14 h 17 min 23 s."""
    local = timezone.localtime(now)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


def ago(h=0, m=0):
    """Started `h` hours and `m` minutes before the demo is loaded (for what is under way)."""
    return lambda now: _quarter(now) - timedelta(hours=h, minutes=m)


def on_day(offset, hour, minute=0):
    """At `hour`:`minute` on the day `offset` days from today (negative: in the past).

    Never use offset 0: whether today's 10 h is past depends on when the demo is loaded."""
    if offset == 0:
        raise ValueError("offset 0 is ambiguous: use ago() for what is under way")
    return lambda now: _local(timezone.localdate(now) + timedelta(days=offset), hour, minute)


def _first_wednesday(year, month):
    first = datetime(year, month, 1).date()
    return first + timedelta(days=(2 - first.weekday()) % 7)


def _month_before(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _month_after(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def next_siren_test(now):
    """The next first Wednesday of a month at noon: when sirens are tested in France."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    while (moment := _local(_first_wednesday(year, month), 12)) <= now:
        year, month = _month_after(year, month)
    return moment


def last_siren_test(now):
    """The most recent first Wednesday of a month at noon, at least an hour ago (so it is over)."""
    local = timezone.localtime(now)
    year, month = local.year, local.month
    while (moment := _local(_first_wednesday(year, month), 12)) > now - hours(1):
        year, month = _month_before(year, month)
    return moment
