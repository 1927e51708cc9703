"""The zone's shape in the API (/api/v1/): a GeoJSON Feature (RFC 7946, longitude/latitude)."""
from datetime import datetime
from typing import Any, Literal, Optional

from ninja import Field, Schema


class ZoneGeometry(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any] = Field(description="Longitude, latitude (WGS 84), anneaux fermés")


class ZoneCommune(Schema):
    code: str = Field(description="Code INSEE")
    name: str
    kinds: list[Literal["odour", "smoke", "noise", "light"]] = Field(description="Ce qui peut y être perçu")


class ZoneWind(Schema):
    from_degrees: float = Field(description="Direction moyenne d'où vient le vent, en degrés (0 = nord)")
    speed_kmh: float = Field(description="Vitesse moyenne prévue, km/h")
    calm: bool
    hours: int = Field(description="Heures de prévision utilisées")


class ZoneProperties(Schema):
    notice: int = Field(description="Identifiant du message")
    notice_url: str
    revision: int = Field(description="Version du message en vigueur quand la zone a été calculée")
    kinds: list[Literal["odour", "smoke", "noise", "light"]]
    communes: list[ZoneCommune]
    sentence: str = Field(description="La zone en mots, en français")
    valid_from: datetime
    valid_until: datetime
    computed_at: datetime
    area_km2: float
    wind: Optional[ZoneWind] = Field(None, description="Le vent prévu, quand il compte (odeur, fumée)")
    model_url: str = Field(description="Comment la zone est calculée (zone indicative, d'après la prévision de vent)")


class ZoneFeature(Schema):
    type: Literal["Feature"]
    geometry: ZoneGeometry
    properties: ZoneProperties


class ZoneCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[ZoneFeature]
