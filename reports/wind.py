"""The wind interface moved to riverains.wind (zones needs it too); kept here for imports."""
from riverains.wind import NoWind, OpenMeteo, Wind, bearing_degrees, is_upwind, provider, use  # noqa: F401
