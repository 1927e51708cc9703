from django.contrib import admin

from .models import Explainer, Notice, Revision


class RevisionInline(admin.TabularInline):
    """Revisions are the public history: never editable, even by a superuser."""

    model = Revision
    extra = 0
    can_delete = False
    readonly_fields = ["number", "action", "status", "change_note", "author", "source", "created_at", "snapshot"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Read-only: notices change only through notices.services (console, API, scheduler)."""

    list_display = ["title", "site", "category", "status", "starts_at"]
    list_filter = ["status", "category", "territory"]
    search_fields = ["title", "body"]
    inlines = [RevisionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Explainer)
class ExplainerAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    prepopulated_fields = {"slug": ["title"]}
