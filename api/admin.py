from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Superusers may look at and revoke tokens; creating them is the console's job (the clear
    value is shown there once), so the admin cannot add any."""

    list_display = ["name", "organization", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["organization__territory"]
    search_fields = ["name", "prefix", "organization__name"]
    readonly_fields = ["organization", "prefix", "created_by", "created_at", "last_used_at"]
    fields = ["name", "organization", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
