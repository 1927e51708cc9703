from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = _("Numéro vert")

    def ready(self):
        from . import checks, receivers  # noqa: F401  (the system checks; the bulletin follows notice_changed)
