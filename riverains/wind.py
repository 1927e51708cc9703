"""Wind at a place and time: which sites are upwind of residents who smell something (reports),
and where a notice may be perceived over its period (zones).

It lives here, low, because reports and zones both need it and neither may import the other's
way round. A provider is anything with `wind_at(latitude, longitude, when) -> Wind | None` and
`hourly(latitude, longitude, start, end) -> [(datetime, Wind)]`. Lookups fail softly (None or
[]): callers carry on without wind. They are made only by the worker and the scheduler, with a
timeout, never while answering a web request that a person waits for (except the reports'
episode notification, itself a background task). Tests inject a provider that reads recorded
answers; nothing in the test suite reaches the internet."""
import json
import logging
import math
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone

from django.conf import settings

from riverains.env import env, env_int, setting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wind:
    from_degrees: float  # meteorological convention: where the wind comes FROM, 0 = north
    speed_kmh: float


def conf(name):
    """Deployment settings, under the names the reports app gave them first: Django settings,
    then the environment (riverains.env.setting), then the default."""
    defaults = {
        # Production looks up the wind; development and tests never reach the internet by default.
        "REPORTS_WIND_PROVIDER": (env, None if settings.DEV else "open-meteo"),
        "REPORTS_WIND_URL": (env, "https://api.open-meteo.com/v1/forecast"),
        "REPORTS_WIND_TIMEOUT": (env_int, 3),
        # Météo-France's models (AROME, ARPEGE) blended by Open-Meteo; ARPEGE covers the world.
        "WIND_FORECAST_MODEL": (env, "meteofrance_seamless"),
    }
    reader, default = defaults[name]
    return setting(name, reader, default)


class NoWind:
    def wind_at(self, latitude, longitude, when):
        return None

    def hourly(self, latitude, longitude, start, end):
        return []


class OpenMeteo:
    """Open-Meteo's forecast API (hourly 10 m wind, including the past day); no key needed."""

    def __init__(self, url=None, fetch=None, timeout=None, model=None):
        self.url = url or conf("REPORTS_WIND_URL")
        self.timeout = timeout or conf("REPORTS_WIND_TIMEOUT")
        self.model = conf("WIND_FORECAST_MODEL") if model is None else model
        self.fetch = fetch or self._fetch

    def wind_at(self, latitude, longitude, when):
        params = {
            "latitude": f"{float(latitude):.3f}", "longitude": f"{float(longitude):.3f}",
            "hourly": "wind_speed_10m,wind_direction_10m", "past_days": 1, "forecast_days": 1,
            "timezone": "GMT",
        }
        try:
            return self.parse(self.fetch(f"{self.url}?{urllib.parse.urlencode(params)}"), when)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("Wind lookup failed: %s", error)
            return None

    def hourly(self, latitude, longitude, start, end):
        """The hourly forecast (or recent past) from `start` to `end`, [] when unavailable."""
        now = datetime.now(dt_timezone.utc)
        params = {
            "latitude": f"{float(latitude):.3f}", "longitude": f"{float(longitude):.3f}",
            "hourly": "wind_speed_10m,wind_direction_10m", "timezone": "GMT",
            # Whole days around the period, within what the API serves (92 days back, 16 ahead).
            "past_days": min(92, max(0, (now - start).days + 1)),
            "forecast_days": min(16, max(1, (end - now).days + 2)),
        }
        if self.model:
            params["models"] = self.model
        try:
            series = self.parse_hourly(self.fetch(f"{self.url}?{urllib.parse.urlencode(params)}"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("Wind forecast failed: %s", error)
            return []
        hour = timedelta(hours=1)
        return [(moment, w) for moment, w in series if start - hour <= moment <= end + hour]

    @staticmethod
    def parse_hourly(answer):
        """[(moment, Wind)] of an Open-Meteo answer, hours without a value left out."""
        hourly = answer["hourly"]
        series = []
        for i, stamp in enumerate(hourly["time"]):
            direction, speed = hourly["wind_direction_10m"][i], hourly["wind_speed_10m"][i]
            if direction is not None and speed is not None:
                moment = datetime.fromisoformat(stamp).replace(tzinfo=dt_timezone.utc)
                series.append((moment, Wind(float(direction), float(speed))))
        return series

    def _fetch(self, url):
        with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (URL from settings)
            return json.loads(response.read().decode())

    @staticmethod
    def parse(answer, when, max_gap_hours=2):
        """The hourly value nearest to `when`, or None when the answer does not cover it."""
        hourly = answer["hourly"]
        best = None
        for i, stamp in enumerate(hourly["time"]):
            moment = datetime.fromisoformat(stamp).replace(tzinfo=dt_timezone.utc)
            gap = abs((moment - when).total_seconds()) / 3600
            direction, speed = hourly["wind_direction_10m"][i], hourly["wind_speed_10m"][i]
            if direction is not None and speed is not None and gap <= max_gap_hours and (best is None or gap < best[0]):
                best = (gap, Wind(float(direction), float(speed)))
        return best[1] if best else None


_provider = None


def provider():
    """The configured provider; `use()` replaces it (tests, or another weather service)."""
    if _provider is not None:
        return _provider
    return OpenMeteo() if conf("REPORTS_WIND_PROVIDER") == "open-meteo" else NoWind()


def use(new_provider):
    global _provider
    _provider = new_provider


def bearing_degrees(lat1, lon1, lat2, lon2):
    """Initial bearing from point 1 to point 2, 0 = north, clockwise."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dl = math.radians(float(lon2) - float(lon1))
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def is_upwind(wind, from_lat, from_lon, site_lat, site_lon, tolerance=45):
    """Whether the site lies in the direction the wind comes from, seen from the residents."""
    if wind is None or wind.speed_kmh < 2:  # calm air carries smells in no particular direction
        return False
    diff = abs(bearing_degrees(from_lat, from_lon, site_lat, site_lon) - wind.from_degrees) % 360
    return min(diff, 360 - diff) <= tolerance
