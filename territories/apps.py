from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires")

    def ready(self):
        from . import receivers  # noqa: F401  (a change shown on public pages moves the territory's fingerprint)
