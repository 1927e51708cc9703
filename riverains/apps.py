from django.contrib.admin.apps import AdminConfig


class RiverainsAdminConfig(AdminConfig):
    # The admin behind the console's login and second factor (see admin_site.py).
    default_site = "riverains.admin_site.RiverainsAdminSite"
