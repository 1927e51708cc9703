"""Period edges in Europe/Paris: local midnight whatever the offset, daylight-saving days of 23
and 25 hours, and month ends at 23:30 local time."""
from datetime import date, datetime, timedelta, timezone

from notices.models import Category, Kind
from stats import figures
from stats.figures import Period
from voice.models import Call

from .conftest import paris, past_notice


def call(world, sid, started_at):
    Call.objects.create(territory=world.x, call_sid=sid, started_at=started_at)


def test_a_period_starts_at_local_midnight():
    winter, summer = Period(date(2026, 1, 15), date(2026, 1, 16)), Period(date(2026, 7, 15), date(2026, 7, 16))
    assert winter.start_at == datetime(2026, 1, 14, 23, tzinfo=timezone.utc)
    assert summer.start_at == datetime(2026, 7, 14, 22, tzinfo=timezone.utc)


def test_daylight_saving_days_last_23_and_25_hours():
    spring, autumn = Period(date(2026, 3, 29), date(2026, 3, 30)), Period(date(2026, 10, 25), date(2026, 10, 26))
    assert spring.end_at - spring.start_at == timedelta(hours=23)
    assert autumn.end_at - autumn.start_at == timedelta(hours=25)


def test_calls_are_counted_on_their_paris_day_around_spring_forward(world):
    call(world, "a", paris(2026, 3, 28, 23, 59))  # Saturday
    call(world, "b", paris(2026, 3, 29, 0, 30))  # Sunday 00:30 (Saturday 23:30 UTC)
    call(world, "c", paris(2026, 3, 29, 3, 30))  # just after the clocks went forward
    call(world, "d", paris(2026, 3, 29, 23, 30))  # Sunday night (21:30 UTC)
    call(world, "e", paris(2026, 3, 30, 0, 0))  # Monday midnight: outside
    period = Period(date(2026, 3, 28), date(2026, 3, 30))
    assert figures.calls_per_day(world.x, period) == [(date(2026, 3, 28), 1), (date(2026, 3, 29), 3)]


def test_the_repeated_hour_of_autumn_belongs_to_one_day(world):
    call(world, "first", paris(2026, 10, 25, 2, 30, fold=0))  # 00:30 UTC
    call(world, "second", paris(2026, 10, 25, 2, 30, fold=1))  # 01:30 UTC, the same hour again
    call(world, "late", paris(2026, 10, 25, 23, 30))  # 22:30 UTC
    call(world, "next", paris(2026, 10, 26, 0, 15))  # Monday, still Sunday 23:15 UTC
    period = Period(date(2026, 10, 25), date(2026, 10, 27))
    assert figures.calls_per_day(world.x, period) == [(date(2026, 10, 25), 3), (date(2026, 10, 26), 1)]


def test_month_ends_at_23_30_local_time_stay_in_their_month(world):
    # 31 March 23:30 in Paris is 21:30 UTC; 1 April 00:30 in Paris is still 31 March 22:30 UTC.
    past_notice(world, world.site_a, Kind.PLANNED, Category.NOISE, paris(2026, 3, 31, 23, 30), paris(2026, 3, 30, 9))
    past_notice(world, world.site_a, Kind.PLANNED, Category.NOISE, paris(2026, 4, 1, 0, 30), paris(2026, 3, 30, 9))
    past_notice(world, world.site_a, Kind.PLANNED, Category.NOISE, paris(2026, 10, 31, 23, 30), paris(2026, 10, 30, 9))
    by_month = dict(figures.notices_by_month(world.x, Period(date(2026, 3, 1), date(2026, 12, 1))))
    assert by_month[date(2026, 3, 1)] == 1
    assert by_month[date(2026, 4, 1)] == 1
    assert by_month[date(2026, 10, 1)] == 1
    assert figures.notice_count(world.x, Period(date(2026, 4, 1), date(2026, 5, 1))) == 1


def test_a_period_covers_the_months_and_weeks_it_touches():
    period = Period(date(2025, 12, 31), date(2026, 2, 2))
    assert period.months() == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert period.weeks()[0] == date(2025, 12, 29) and period.weeks()[-1] == date(2026, 1, 26)
    assert Period.year(2024).previous_year() == Period.year(2023)
