"""Template tags that put zones on pages through small included partials (templates/zones/),
so the pages that show them need one line each."""
import json

from django import template

from zones import geometry, services, words
from zones.models import Zone

register = template.Library()


def feature(zone, notice=None):
    """A GeoJSON Feature for maps (the properties a popup needs; text, never markup)."""
    properties = {"sentence": words.sentence(zone), "kinds": zone.kinds, "communes": zone.commune_names}
    if notice is not None:
        properties.update({"title": notice.title, "url": notice.get_absolute_url()})
    return {"type": "Feature", "geometry": zone.geometry, "properties": properties}


@register.simple_tag
def notice_zone(notice):
    """{"zone", "sentence", "feature"} of a published notice's current zone, or None."""
    if not getattr(notice, "pk", None) or isinstance(notice.pk, str):
        return None
    zone = services.current_zone(notice)
    if zone is None:
        return None
    return {"zone": zone, "sentence": words.sentence(zone), "feature": feature(zone)}


@register.simple_tag
def territory_zones(territory):
    """The current zones of a territory's notices under way, with their sentences."""
    zones = (Zone.objects.filter(is_current=True, notice__territory=territory).select_related("notice", "notice__territory")
             .order_by("notice__starts_at"))
    shown = [z for z in zones if z.notice.is_active]
    return {
        "zones": [{"zone": z, "notice": z.notice, "sentence": words.sentence(z)} for z in shown],
        "collection": {"type": "FeatureCollection", "features": [feature(z, z.notice) for z in shown]},
    }


class _Unsaved:
    """A zone computed for a preview, never stored: what words.sentence needs."""

    def __init__(self, data):
        self.__dict__.update(data)

    @property
    def commune_names(self):
        return [c["name"] for c in self.communes]


@register.simple_tag
def preview_zone(notice, form):
    """The zone an unsaved notice would get now (stored forecast only: no network in a
    request), and the communes it covers that the form does not list yet."""
    data = services.compute(notice)
    if data is None:
        return {"kinds": services.kinds_of(notice)}
    data.pop("_shape")
    zone = _Unsaved(data)
    chosen = {str(getattr(c, "pk", c)) for c in (form.cleaned_data.get("communes") or [])}
    return {
        "zone": zone,
        "sentence": words.sentence(zone),
        "feature": feature(zone),
        "missing": [c for c in zone.communes if c["code"] not in chosen],
        "kinds": zone.kinds,
    }


@register.filter
def geojson(value):
    """JSON for a data-geojson attribute (the template escapes it): pages carry no inline script."""
    return json.dumps(value, separators=(",", ":"), default=str)


@register.filter
def plume_kinds(kinds):
    return [k for k in kinds or [] if k in geometry.PLUME_KINDS]
