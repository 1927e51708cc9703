from django.contrib import admin

from .models import Bulletin, Call, VoiceSettings


@admin.register(VoiceSettings)
class VoiceSettingsAdmin(admin.ModelAdmin):
    list_display = ["territory", "engine", "piper_model"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["territory", "generated_at", "engine", "generation_seconds"]
    list_filter = ["territory"]
    readonly_fields = [f.name for f in Bulletin._meta.fields]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["territory", "started_at", "duration", "choices"]
    list_filter = ["territory"]
    readonly_fields = [f.name for f in Call._meta.fields]
