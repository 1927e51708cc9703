"""Geography helpers: where France is, and distances on the ground."""
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bounding boxes (south, west, north, east) of metropolitan France and the overseas departments.
FRANCE_BOXES = [
    (41.3, -5.3, 51.2, 9.7),  # métropole et Corse
    (15.8, -61.9, 16.6, -60.9),  # Guadeloupe
    (14.3, -61.3, 14.9, -60.8),  # Martinique
    (2.1, -54.7, 5.8, -51.6),  # Guyane
    (-21.4, 55.2, -20.8, 55.9),  # La Réunion
    (-13.1, 44.9, -12.6, 45.3),  # Mayotte
]


def in_france(latitude, longitude):
    lat, lon = float(latitude), float(longitude)
    return any(s <= lat <= n and w <= lon <= e for s, w, n, e in FRANCE_BOXES)


def validate_in_france(latitude, longitude):
    if latitude is None or longitude is None:
        return
    if not in_france(latitude, longitude):
        raise ValidationError(
            _("Ces coordonnées (%(lat)s, %(lon)s) sont hors de France. Vérifiez la latitude et la longitude."),
            code="outside_france",
            params={"lat": latitude, "lon": longitude},
        )


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine), good to a few metres at the scale of a territory."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
