"""Reports inside a current notice's zone: the notice ranks higher, and the answer says why.
Called by reports.matching for each notice that already explains a report."""
import shapely.geometry
from django.utils.translation import gettext as _

from . import geometry
from .services import current_zone

# What a resident reports (reports.models.ReportKind values) → the zone's kinds that explain it.
ZONE_KINDS = {
    "odour": {geometry.ODOUR},
    "smoke_steam": {geometry.SMOKE},
    "flame": {geometry.LIGHT, geometry.SMOKE},
    "light": {geometry.LIGHT},
    "noise": {geometry.NOISE},
    "vibration": {geometry.NOISE},
    "other": set(geometry.KINDS),
}


def reason(kind):
    return {
        geometry.ODOUR: _("vous êtes dans la zone où l'odeur est attendue avec le vent actuel"),
        geometry.SMOKE: _("vous êtes dans la zone où la fumée ou la vapeur est attendue avec le vent actuel"),
        geometry.NOISE: _("vous êtes dans la zone où le bruit peut s'entendre"),
        geometry.LIGHT: _("vous êtes dans la zone d'où la lueur de la torche peut se voir"),
    }[kind]


def inside(notice, report):
    """The sentence saying why, when the report is inside the notice's current zone for what it
    reports (its position, or else its commune), else None."""
    zone = current_zone(notice)
    if zone is None:
        return None
    kinds = [k for k in zone.kinds if k in ZONE_KINDS.get(report.kind, set())]
    for kind in kinds:
        part = zone.parts.get(kind)
        if report.latitude is not None and report.longitude is not None and part:
            point = shapely.geometry.Point(float(report.longitude), float(report.latitude))
            if shapely.geometry.shape(part).covers(point):
                return reason(kind)
        elif report.commune_id and any(c["code"] == report.commune_id and kind in c["kinds"] for c in zone.communes):
            return reason(kind)
    return None
