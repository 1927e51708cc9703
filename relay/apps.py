from django.apps import AppConfig


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = "Relais"

    def ready(self):
        from . import confirmations, outbox  # noqa: F401  (the confirmation's builder; the outbox on notices.signals)
