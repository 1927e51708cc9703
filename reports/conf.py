"""Deployment settings of the reports app, read at call time with safe defaults, so the
project's settings only need to name what a deployment changes: Django settings first, then
the environment for the plain numbers, then the default (riverains.env.setting, the one style
of every app). The wind's settings (REPORTS_WIND_*) are read by riverains.wind, which reports
and zones share."""
from riverains.env import env_int, setting

# name: (how the environment gives it — None when only Django settings can, a table or a pair —, default)
SETTINGS = {
    # Margins around a notice's time span: a flare is seen before the notice is typed, a smell
    # lingers after the operation ends.
    "REPORTS_MARGIN_BEFORE_MINUTES": (env_int, 30),
    "REPORTS_MARGIN_AFTER_MINUTES": (env_int, 60),
    # How far from the site each kind of perception carries (km).
    "REPORTS_RANGE_KM": (None, {"flame": 15.0, "light": 15.0, "smoke_steam": 10.0, "odour": 8.0, "noise": 5.0,
                                "vibration": 5.0, "other": 5.0}),
    "REPORTS_H3_RESOLUTION": (env_int, 7),  # ~5 km² cells: the public map's grain and the episode index
    "REPORTS_RATE_LIMIT": (None, (5, 600)),  # at most 5 reports per 10 minutes per network address or device
    "REPORTS_EMAIL_RETENTION_DAYS": (env_int, 7),
    # After this, a report keeps only what statistics need: kind, intensity, time, H3 cell, commune.
    "REPORTS_ANONYMISE_AFTER_DAYS": (env_int, 90),
    "REPORTS_PUBLIC_MAP_HOURS": (env_int, 24),
}


def get(name):
    reader, default = SETTINGS[name]
    return setting(name, reader, default)
