import pytest

from riverains import wind


@pytest.fixture(autouse=True)
def no_internet_wind():
    """Nothing reaches Open-Meteo (zones drawn at publication, reports' matching): calm wind."""
    wind.use(wind.NoWind())
    yield
    wind.use(None)
