from django.apps import AppConfig


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = "Relais"

    def ready(self):
        from . import outbox  # noqa: F401  (connects the outbox to notices.signals)
