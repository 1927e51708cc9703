from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "zones"
    verbose_name = _("Zones de perception possible")

    def ready(self):
        from . import receivers  # noqa: F401  (zones follow notices' revisions)
