from django.contrib import admin

from .models import WindForecast, Zone, ZoneSettings


@admin.register(ZoneSettings)
class ZoneSettingsAdmin(admin.ModelAdmin):
    list_display = ["territory", "odour_km", "smoke_km", "noise_km", "light_day_km", "light_night_km",
                    "tell_odour", "tell_smoke", "tell_noise", "tell_light"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["notice", "revision", "reason", "is_current", "computed_at", "area_km2"]
    list_filter = ["is_current", "reason"]
    readonly_fields = [f.name for f in Zone._meta.fields]


@admin.register(WindForecast)
class WindForecastAdmin(admin.ModelAdmin):
    list_display = ["site", "fetched_at"]
