from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = _("Numéro vert")

    def ready(self):
        from notices.signals import notice_changed

        from . import checks  # noqa: F401  (registers the system checks)
        from .receivers import queue_bulletin

        notice_changed.connect(queue_bulletin, dispatch_uid="voice.queue_bulletin")
