"""The demonstration's wind: a plausible series in Open-Meteo's format, stored as each demo site's
forecast so that the demo shows zones without reaching the internet. Where the wind interface
answers (production settings), the hourly refresh replaces it with the real forecast."""
import math
import random
import zlib
from datetime import timedelta

from django.utils import timezone

from riverains.wind import OpenMeteo

from .models import WindForecast


def answer(latitude, longitude, start, directions, speeds):
    """Open-Meteo's JSON for hourly 10 m wind from `start` (UTC), one value per hour."""
    times = [(start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M") for h in range(len(directions))]
    return {
        "latitude": round(latitude, 2), "longitude": round(longitude, 2), "generationtime_ms": 0.061,
        "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 12.0,
        "hourly_units": {"time": "iso8601", "wind_speed_10m": "km/h", "wind_direction_10m": "°"},
        "hourly": {"time": times, "wind_speed_10m": [round(s, 1) for s in speeds],
                   "wind_direction_10m": [int(round(d)) % 360 for d in directions]},
    }


def weather(latitude, longitude, start, days, seed=15):
    """A plausible Channel-coast series (a random walk, not a recording): prevailing south-west
    to west, fronts that turn the wind, a daily cycle of speed, calm spells now and then."""
    rng = random.Random(seed)
    direction, speed, directions, speeds = 240.0, 15.0, [], []
    for h in range(days * 24):
        if rng.random() < 0.02:  # a front: the wind veers or backs by a quarter
            direction += rng.choice([-1, 1]) * rng.uniform(60, 120)
        direction += rng.gauss(0, 8) + 0.05 * (((250 - direction + 180) % 360) - 180)
        daily = 1.0 + 0.35 * math.sin(((h % 24) - 9) / 24 * 2 * math.pi)
        speed = max(0.3, speed + rng.gauss(0, 1.5) + 0.08 * (14 - speed))
        directions.append(direction % 360)
        speeds.append(speed * daily if rng.random() > 0.03 else rng.uniform(0.2, 2.5))
    return answer(latitude, longitude, start, directions, speeds)


def store_forecast(site, territory_slug, now=None):
    """Three days of the territory's demonstration wind as the site's forecast."""
    now = now or timezone.now()
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=12)
    series = OpenMeteo.parse_hourly(weather(float(site.latitude), float(site.longitude), start, 3,
                                            seed=zlib.crc32(territory_slug.encode())))
    hours = [[m.strftime("%Y-%m-%dT%H:%M"), w.from_degrees, w.speed_kmh] for m, w in series]
    WindForecast.objects.update_or_create(site=site, defaults={"fetched_at": now, "hours": hours})
