"""Deployment settings of the reports app, read from Django settings with safe defaults, so the
project's settings only need to name what a deployment changes."""
from django.conf import settings

# Margins around a notice's time span: a flare is seen before the notice is typed, a smell
# lingers after the operation ends.
DEFAULTS = {
    "REPORTS_MARGIN_BEFORE_MINUTES": 30,
    "REPORTS_MARGIN_AFTER_MINUTES": 60,
    # How far from the site each kind of perception carries (km).
    "REPORTS_RANGE_KM": {"flame": 15.0, "light": 15.0, "smoke_steam": 10.0, "odour": 8.0, "noise": 5.0,
                         "vibration": 5.0, "other": 5.0},
    "REPORTS_H3_RESOLUTION": 7,  # ~5 km² cells: the public map's grain and the episode index
    "REPORTS_RATE_LIMIT": (5, 600),  # at most 5 reports per 10 minutes per network address or device
    "REPORTS_EMAIL_RETENTION_DAYS": 7,
    # After this, a report keeps only what statistics need: kind, intensity, time, H3 cell, commune.
    "REPORTS_ANONYMISE_AFTER_DAYS": 90,
    "REPORTS_PUBLIC_MAP_HOURS": 24,
    "REPORTS_WIND_PROVIDER": None,  # "open-meteo" in production; None (no wind) otherwise
    "REPORTS_WIND_URL": "https://api.open-meteo.com/v1/forecast",
    "REPORTS_WIND_TIMEOUT": 3,
}


def get(name):
    if name == "REPORTS_WIND_PROVIDER" and not hasattr(settings, name):
        # Production looks up the wind; development and tests never reach the internet by default.
        return None if getattr(settings, "DEV", False) else "open-meteo"
    return getattr(settings, name, DEFAULTS[name])
