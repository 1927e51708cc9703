from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    # The English column shows at a glance which explainers English pages still show in French.
    list_display = ["title", "title_en", "slug", "order"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["slug", "order", "categories"]}),
        (_("Français"), {"fields": ["title", "summary", "body"]}),
        (_("English"), {
            "fields": ["title_en", "summary_en", "body_en"],
            "description": _("Un champ anglais laissé vide est remplacé par le texte français sur les pages en anglais."),
        }),
    ]
