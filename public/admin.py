from django.contrib import admin

from .models import AccessibilityFeedback


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page", "email", "handled"]
    list_filter = ["handled"]
    readonly_fields = ["message", "page", "email", "created_at"]
