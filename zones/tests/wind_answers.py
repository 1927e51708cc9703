"""Wind answers in Open-Meteo's exact response format, for tests and bench/zones_eval.py.

This machine cannot reach Open-Meteo, so the stored answers (zones/tests/data/open-meteo-*.json)
are not recordings: they are written by `answer()` below, with the same keys, units, hourly
layout and rounding as the API's answer to the request riverains.wind.OpenMeteo.hourly makes.
A recorded answer saved under the same name is read the same way."""
import json
import math
import random
from datetime import datetime, timedelta


def answer(latitude, longitude, start, directions, speeds):
    """The API's JSON for hourly 10 m wind from `start` (naive UTC), one value per hour."""
    times = [(start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M") for h in range(len(directions))]
    return {
        "latitude": round(latitude, 2), "longitude": round(longitude, 2), "generationtime_ms": 0.061,
        "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 12.0,
        "hourly_units": {"time": "iso8601", "wind_speed_10m": "km/h", "wind_direction_10m": "°"},
        "hourly": {"time": times, "wind_speed_10m": [round(s, 1) for s in speeds],
                   "wind_direction_10m": [int(round(d)) % 360 for d in directions]},
    }


def steady(latitude, longitude, start, hours, direction, speed):
    return answer(latitude, longitude, start, [direction] * hours, [speed] * hours)


def weather(latitude, longitude, start, days, seed=15):
    """A plausible Channel-coast series: prevailing south-west to west, fronts that turn the wind,
    calm nights now and then, a daily cycle of speed (a random walk, not a recording)."""
    rng = random.Random(seed)
    direction, speed, directions, speeds = 240.0, 15.0, [], []
    for h in range(days * 24):
        if rng.random() < 0.02:  # a front: the wind veers or backs by a quarter
            direction += rng.choice([-1, 1]) * rng.uniform(60, 120)
        direction += rng.gauss(0, 8) + 0.05 * (((250 - direction + 180) % 360) - 180)
        hour = h % 24
        daily = 1.0 + 0.35 * math.sin((hour - 9) / 24 * 2 * math.pi)
        speed = max(0.3, speed + rng.gauss(0, 1.5) + 0.08 * (14 - speed))
        directions.append(direction % 360)
        speeds.append(speed * daily if rng.random() > 0.03 else rng.uniform(0.2, 2.5))
    return answer(latitude, longitude, start, directions, speeds)


def write(path, data):
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def make_test_fixtures(folder):
    """The answers the tests read (around Le Havre, 13 and 14 March 2025)."""
    start = datetime(2025, 3, 13)
    write(folder / "open-meteo-north.json", steady(49.49, 0.24, start, 48, 0, 18.0))
    write(folder / "open-meteo-east.json", steady(49.49, 0.24, start, 48, 90, 16.0))
    write(folder / "open-meteo-south-east.json", steady(49.49, 0.24, start, 48, 135, 16.0))
    write(folder / "open-meteo-west.json", steady(49.49, 0.24, start, 48, 270, 16.0))
    write(folder / "open-meteo-calm.json", answer(49.49, 0.24, start, [(i * 47) % 360 for i in range(48)], [1.2] * 48))
    write(folder / "open-meteo-turning.json",
          answer(49.49, 0.24, start, [225] * 24 + [315] * 24, [14.0] * 48))
