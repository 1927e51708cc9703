from django.apps import AppConfig


class TextlineConfig(AppConfig):
    """SMS keywords on the territory's number: INFO, ODEUR…, ABO, STOP, AIDE."""

    name = "textline"
    verbose_name = "SMS keywords"

    def ready(self):
        from relay import inbound

        from . import answers, services  # noqa: F401  (answers registers the outbox builder)

        inbound.answered_by(services.receive)

