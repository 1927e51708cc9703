from django.conf import settings

from territories.models import AccessibilityStatus

from .models import SITE_ACCESSIBILITY_STATUS


def site(request):
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "SITE_ACCESSIBILITY_LABEL": AccessibilityStatus(SITE_ACCESSIBILITY_STATUS).label,
    }
