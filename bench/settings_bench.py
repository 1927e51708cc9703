"""Production settings for the mixed-surge benchmark (bench/mixed.py).

Every simulated resident comes from 127.0.0.1, so the per-address limits that protect the
report and subscription forms would stop the benchmark after a handful of posts. They are
raised here, and only here; everything else is riverains.settings as the environment makes it."""
from riverains.settings import *  # noqa: F401,F403

REPORTS_RATE_LIMIT = (1_000_000, 600)
RELAY_FORM_POSTS_PER_HOUR = 1_000_000
# The wind lookup runs in a worker task, which the benchmark does not run; stay on 127.0.0.1 anyway.
REPORTS_WIND_PROVIDER = None
