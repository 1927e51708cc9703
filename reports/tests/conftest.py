import json
from pathlib import Path

import pytest
from django.utils import timezone

from reports import services, wind
from riverains.testing import open_meteo_answering

DATA = Path(__file__).parent / "data"
KM_PER_DEGREE_LAT = 111.195


@pytest.fixture(autouse=True)
def no_internet_wind():
    """No test reaches a weather service: calm by default, a test may inject its own wind."""
    wind.use(wind.NoWind())
    yield
    wind.use(None)


@pytest.fixture
def recorded_open_meteo():
    return open_meteo_answering(json.loads((DATA / "open-meteo-le-havre.json").read_text()))


def north_of(lat, lon, km):
    return round(float(lat) + km / KM_PER_DEGREE_LAT, 5), float(lon)


def east_of(lat, lon, km):
    import math

    return float(lat), round(float(lon) + km / (KM_PER_DEGREE_LAT * math.cos(math.radians(float(lat)))), 5)


class Resident:
    """One person on one phone: their own network address and device."""

    counter = 0

    def __init__(self, territory, ip=None, device=None):
        Resident.counter += 1
        self.territory = territory
        self.ip = ip or f"192.0.2.{Resident.counter % 250 + 1}"
        self.device = device if device is not None else f"phone-{Resident.counter}"

    def report(self, kind="odour", position=None, commune=None, **extra):
        data = dict(kind=kind, intensity=3, descriptors=["sulphur"] if kind == "odour" else [],
                    observed_at=timezone.now(), comment="", email="")
        if position:
            data["latitude"], data["longitude"] = position
        if commune:
            data["commune"] = commune
        data.update(extra)
        return services.submit(self.territory, data, self.ip, self.device)


@pytest.fixture
def resident(world):
    def make(territory=None, **kwargs):
        return Resident(territory or world.x, **kwargs)

    return make
