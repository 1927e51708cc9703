"""{% console_nav %}: the console's navigation for the signed-in user (console.navigation)."""
from django import template

from console import navigation

register = template.Library()


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context):
    request = context["request"]
    return {
        "entries": navigation.entries_for(request),
        "roles": navigation.role_labels(request.user),
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
    }
