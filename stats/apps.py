from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("statistiques")

    def ready(self):
        from . import headcount  # noqa: F401  (the relay's departures and commune changes, counted)
