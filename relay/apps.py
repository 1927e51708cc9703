from django.apps import AppConfig


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = "Relais"

    def ready(self):
        # The system checks; the confirmation's builder; the outbox on notices.signals.
        from . import checks, confirmations, outbox  # noqa: F401
