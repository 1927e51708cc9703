"""`manage.py check --deploy`: say so when rate limits would be counted per process.

The limits count in the default database (see riverains.ratelimit), which every process shares
— unless it is an in-memory SQLite database, which each process has for itself. Logins are
limited by django-axes: its own check (axes.W001) already refuses its cache handler on a
per-process cache (LocMemCache), and its default database handler shares like ours."""
from django.conf import settings
from django.core.checks import Error, Tags, register


def _in_memory(database):
    name = str(database.get("NAME") or "")
    return database.get("ENGINE", "").endswith("sqlite3") and (
        name in ("", ":memory:") or name.startswith("file::memory:") or "mode=memory" in name
    )


@register(Tags.security, deploy=True)
def rate_limits_are_shared(app_configs, **kwargs):
    if _in_memory(settings.DATABASES.get("default", {})):
        return [Error(
            "Rate limits would be per process: they are counted in the database, and an in-memory SQLite "
            "database belongs to the process that opened it.",
            hint="Set DATABASE_URL to a SQLite file or a PostgreSQL database that every web process shares.",
            id="riverains.E001",
        )]
    return []
