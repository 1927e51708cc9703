from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import translation

from riverains.templatetags.riverains import duration, tel_href, timetag, when

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2024, 11, 12, 9, 0, tzinfo=PARIS)  # a Tuesday


def plain(value):
    """Non-breaking spaces keep "14 h" together on a phone; compare as ordinary spaces."""
    return str(value).replace("\u00a0", " ")


def test_it_says_today_with_french_hours():
    assert plain(when(datetime(2024, 11, 12, 14, 30, tzinfo=PARIS), NOW)) == "aujourd'hui 14 h 30"


def test_it_says_tomorrow_without_minutes_on_the_hour():
    assert plain(when(datetime(2024, 11, 13, 8, 0, tzinfo=PARIS), NOW)) == "demain 8 h"


def test_it_says_yesterday():
    assert plain(when(datetime(2024, 11, 11, 22, 15, tzinfo=PARIS), NOW)) == "hier 22 h 15"


def test_it_names_the_day_and_month_further_away():
    assert plain(when(datetime(2024, 11, 14, 22, 0, tzinfo=PARIS), NOW)) == "jeudi 14 novembre à 22 h"


def test_it_writes_the_first_of_the_month_as_premier():
    assert plain(when(datetime(2024, 11, 1, 9, 5, tzinfo=PARIS), NOW)) == "vendredi 1er novembre à 9 h 05"


def test_it_adds_the_year_when_it_is_not_this_year():
    assert plain(when(datetime(2025, 1, 2, 10, 0, tzinfo=PARIS), NOW)) == "jeudi 2 janvier 2025 à 10 h"


def test_it_shows_paris_time_for_utc_values_in_winter_and_summer():
    assert plain(when(datetime(2024, 11, 12, 13, 30, tzinfo=UTC), NOW)) == "aujourd'hui 14 h 30"
    summer_now = datetime(2024, 7, 1, 9, 0, tzinfo=PARIS)
    assert plain(when(datetime(2024, 7, 1, 12, 0, tzinfo=UTC), summer_now)) == "aujourd'hui 14 h"


def test_it_counts_days_in_paris_not_in_utc():
    # 23:30 UTC on the 12th is already 00:30 on the 13th in Paris.
    assert plain(when(datetime(2024, 11, 12, 23, 30, tzinfo=UTC), NOW)) == "demain 0 h 30"


def test_it_speaks_english_when_the_page_is_english():
    with translation.override("en"):
        assert plain(when(datetime(2024, 11, 12, 14, 30, tzinfo=PARIS), NOW)) == "today 2:30 pm"
        assert plain(when(datetime(2024, 11, 13, 8, 0, tzinfo=PARIS), NOW)) == "tomorrow 8 am"
        assert plain(when(datetime(2024, 11, 14, 22, 0, tzinfo=PARIS), NOW)) == "Thursday 14 November at 10 pm"
        assert plain(when(datetime(2024, 11, 12, 0, 0, tzinfo=PARIS), NOW)) == "today 12 am"


def test_it_writes_durations_naturally():
    start = datetime(2024, 11, 12, 8, 0, tzinfo=PARIS)
    assert plain(duration(start, start + timedelta(minutes=45))) == "45 min"
    assert plain(duration(start, start + timedelta(hours=3))) == "3 h"
    assert plain(duration(start, start + timedelta(hours=3, minutes=30))) == "3 h 30"
    assert plain(duration(start, start + timedelta(days=1))) == "1 jour"
    assert plain(duration(start, start + timedelta(days=2, hours=4))) == "2 jours et 4 h"
    with translation.override("en"):
        assert plain(duration(start, start + timedelta(hours=3, minutes=30))) == "3 h 30 min"
        assert plain(duration(start, start + timedelta(days=2, hours=4))) == "2 days and 4 h"


def test_it_says_nothing_of_a_missing_or_backwards_duration():
    start = datetime(2024, 11, 12, 8, 0, tzinfo=PARIS)
    assert duration(start, None) == ""
    assert duration(start, start - timedelta(hours=1)) == ""


def test_time_element_carries_the_machine_readable_paris_time():
    html = timetag(datetime(2024, 11, 12, 13, 30, 15, 123456, tzinfo=UTC))
    assert html.startswith('<time datetime="2024-11-12T14:30:15+01:00">')
    assert plain(html).endswith("14 h 30</time>")


def test_phone_link_keeps_only_digits():
    assert tel_href("0 800 00 76 00") == "tel:0800007600"
    assert tel_href("+33 2.35.00.00.00") == "tel:+33235000000"
