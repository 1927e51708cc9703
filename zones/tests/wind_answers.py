"""Wind answers in Open-Meteo's exact response format, for tests and bench/zones_eval.py.

This machine cannot reach Open-Meteo, so the stored answers (zones/tests/data/open-meteo-*.json)
are not recordings: they are written by `zones.demo.answer()`, with the same keys, units, hourly
layout and rounding as the API's answer to the request riverains.wind.OpenMeteo.hourly makes.
A recorded answer saved under the same name is read the same way."""
import json
from datetime import datetime

from zones.demo import answer, weather  # noqa: F401 (bench/zones_eval.py uses weather)


def steady(latitude, longitude, start, hours, direction, speed):
    return answer(latitude, longitude, start, [direction] * hours, [speed] * hours)


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
