"""Wind from Open-Meteo, read from a recorded answer (nothing reaches the internet)."""
from datetime import datetime, timezone

from reports import wind


def test_open_meteo_gives_the_wind_of_the_nearest_hour(recorded_open_meteo):
    blowing = recorded_open_meteo.wind_at(49.48, 0.2, datetime(2025, 3, 13, 20, 10, tzinfo=timezone.utc))

    assert blowing == wind.Wind(232.0, 14.8)
    assert "hourly=wind_speed_10m%2Cwind_direction_10m" in recorded_open_meteo.urls[0]
    assert recorded_open_meteo.urls[0].startswith("http://open-meteo.invalid/v1/forecast?latitude=49.480")


def test_a_time_the_answer_does_not_cover_gives_no_wind(recorded_open_meteo):
    assert recorded_open_meteo.wind_at(49.48, 0.2, datetime(2025, 6, 1, 12, tzinfo=timezone.utc)) is None


def test_a_failing_weather_service_gives_no_wind_rather_than_an_error():
    def down(url):
        raise OSError("connection refused")

    assert wind.OpenMeteo(url="http://127.0.0.1:9/", fetch=down).wind_at(49.48, 0.2, datetime.now(timezone.utc)) is None


def test_a_site_is_upwind_when_the_wind_comes_from_its_direction():
    westerly = wind.Wind(270, 20)
    residents = (49.48, 0.22)

    assert wind.is_upwind(westerly, *residents, 49.472, 0.19)  # site to the west
    assert not wind.is_upwind(westerly, *residents, 49.487, 0.235)  # site to the east
    assert not wind.is_upwind(wind.Wind(270, 0.5), *residents, 49.472, 0.19)  # calm: no direction
