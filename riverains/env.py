"""Small typed readers for settings taken from the environment.

Secrets may also be given as a file: FOO_FILE=/run/secrets/foo is read when FOO is unset
(systemd credentials, Docker secrets), so they never need to sit in an environment file.
"""
import os

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


def env_list(name, default=""):
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def env_required(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value
