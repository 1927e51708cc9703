from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"

    def ready(self):
        from . import receivers  # noqa: F401  (the read cache follows notices and territories)
