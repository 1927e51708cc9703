from django.apps import AppConfig, apps


class RelayConfig(AppConfig):
    name = "relay"
    verbose_name = "Relais"

    def ready(self):
        from . import confirmations, outbox  # noqa: F401  (the confirmation's builder; the outbox on notices.signals)

        if apps.is_installed("stats"):
            from . import headcount

            headcount.connect()  # departures and commune changes, counted for the statistics
