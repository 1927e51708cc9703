from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "riverains.ratelimit"
    label = "ratelimit"
    verbose_name = "Rate limits"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
