"""Small typed readers for settings taken from the environment.

Secrets may also be given as a file: FOO_FILE=/run/secrets/foo is read when FOO is unset
(systemd credentials, Docker secrets), so they never need to sit in an environment file.

The apps' own settings (relay/conf.py, voice/conf.py, reports/conf.py…) are typed functions
read at call time through `setting`: Django settings first (tests override them there, and
riverains/settings.py may name them), then the environment, then the default — one style for
every app, so that an environment variable the README documents always takes effect.
"""
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def env(name, default=None):
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(name + "_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    return default


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = env(name)
    return default if value in (None, "") else int(value)


def env_float(name, default):
    value = env(name)
    return default if value in (None, "") else float(value)


def env_list(name, default=""):
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def env_required(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


def setting(name, reader=env, default=None):
    """An app's setting: settings.NAME when the project defines it, else the environment read
    by `reader` (env, env_bool, env_int, env_list), else `default`. `reader=None` for values
    only Python can express (a table, a pair): Django settings or the default."""
    if hasattr(settings, name):
        return getattr(settings, name)
    if reader is None:
        return default
    return reader(name, default)
