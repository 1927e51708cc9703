from django.apps import AppConfig, apps


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = "Relais"

    def ready(self):
        from . import outbox  # noqa: F401  (connects the outbox to notices.signals)

        if apps.is_installed("stats"):
            from . import headcount

            headcount.connect()  # departures and commune changes, counted for the statistics
