from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class RiverainsAdminConfig(AdminConfig):
    # The admin behind the console's login and second factor (see admin_site.py).
    default_site = "riverains.admin_site.RiverainsAdminSite"


class RiverainsConfig(AppConfig):
    """The project's own management commands (db_worker, requeue_lost_tasks); no models."""

    name = "riverains"
    verbose_name = "Riverains"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
