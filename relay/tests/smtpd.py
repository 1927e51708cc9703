"""aiosmtpd's Controller, imported beside this project's `public` app (see riverains.smtpd)."""
from riverains.smtpd import import_controller  # noqa: F401
