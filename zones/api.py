"""The zone as the API gives it (shapes in zones/schemas.py): French, absolute URLs, so that a
cached body is right for every client."""
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from . import words
from .models import Zone


def _url(name, *args):
    with translation.override("fr"):
        return settings.SITE_URL + reverse(name, args=args)


def feature(zone, notice):
    """A GeoJSON Feature of a stored zone (None stays None)."""
    if zone is None:
        return None
    with translation.override("fr"):
        sentence = words.sentence(zone)
    wind = zone.wind
    return {
        "type": "Feature",
        "geometry": zone.geometry,
        "properties": {
            "notice": notice.pk,
            "notice_url": _url("public:notice", notice.territory.slug, notice.pk),
            "revision": zone.revision.number,
            "kinds": zone.kinds,
            "communes": [{"code": c["code"], "name": c["name"], "kinds": c["kinds"]} for c in zone.communes],
            "sentence": sentence,
            "valid_from": timezone.localtime(zone.valid_from),
            "valid_until": timezone.localtime(zone.valid_until),
            "computed_at": timezone.localtime(zone.computed_at),
            "area_km2": zone.area_km2,
            "wind": {"from_degrees": wind["from"], "speed_kmh": wind["speed_kmh"], "calm": wind["calm"],
                     "hours": wind["hours"]} if wind else None,
            "model_url": _url("zones:model"),
        },
    }


def current_zones_prefetch():
    """For Prefetch("zones", …, to_attr="current_zones") on notice querysets."""
    return Zone.objects.filter(is_current=True).select_related("revision")


def territory_collection(territory):
    """The current zones of the territory's notices under way: one FeatureCollection."""
    zones = (Zone.objects.filter(is_current=True, notice__territory=territory)
             .select_related("notice__territory", "revision").order_by("notice__starts_at", "notice_id"))
    return {"type": "FeatureCollection", "features": [feature(z, z.notice) for z in zones if z.notice.is_active]}
