"""The Django admin is for superusers only; coordinators and operators use the console."""
from django.contrib import admin

from .models import Commune, Epci, Membership, Organization, Partner, Site, Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "toll_free_number", "is_published", "is_demo"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["communes"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "is_active"]
    list_filter = ["territory"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "commune", "seveso", "is_active"]
    list_filter = ["seveso", "organization__territory"]
    autocomplete_fields = ["commune", "neighbouring_communes"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "postcodes", "department", "epci"]
    search_fields = ["name", "code", "postcodes"]


@admin.register(Epci)
class EpciAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["name", "code"]


admin.site.register(Membership)
admin.site.register(Partner)
