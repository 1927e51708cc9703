import json
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

import pytest
from django.utils import timezone

from riverains import wind
from riverains.testing import open_meteo_answering
from zones import services

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def no_internet_wind():
    """Nothing reaches Open-Meteo: a test that wants wind gives its recorded answer."""
    wind.use(wind.NoWind())
    yield
    wind.use(None)


def rebased(answer, start):
    """The stored answer with its hours moved to start at `start` (values, format untouched),
    so that a notice of today finds its forecast."""
    moved = json.loads(json.dumps(answer))
    first = datetime.fromisoformat(answer["hourly"]["time"][0])
    shift = start.replace(tzinfo=None) - first
    moved["hourly"]["time"] = [(datetime.fromisoformat(t) + shift).strftime("%Y-%m-%dT%H:%M") for t in answer["hourly"]["time"]]
    return moved


def recorded(name, start=None):
    """An Open-Meteo provider answering with zones/tests/data/open-meteo-<name>.json, its hours
    starting at `start` (today 00:00 UTC by default). It keeps the URLs it was asked."""
    start = start or datetime.now(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(hours=12)
    return open_meteo_answering(rebased(json.loads((DATA / f"open-meteo-{name}.json").read_text()), start))


@pytest.fixture
def blowing():
    """blowing(site, "north"): store the site's forecast from the named recorded answer."""

    def store(site, name):
        return services.update_forecast(site, timezone.now(), provider=recorded(name), force=True)

    return store
