"""Perception zones: the tunable ranges of a territory, the wind forecast kept per site, and
the zones computed for notices (immutable rows: a revision keeps the zone it was published with).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models import Notice, Revision
from territories.models import Site, Territory

from .geometry import Ranges


class ZoneSettings(models.Model):
    """A territory's ranges and whether subscribers are told when the zone reaches their commune.
    Its own table (not fields on Territory) so that the zones app owns its migrations."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="zone_settings")
    odour_km = models.FloatField(_("portée d'une odeur (km)"), default=Ranges.odour_km)
    smoke_km = models.FloatField(_("portée d'une fumée ou vapeur (km)"), default=Ranges.smoke_km)
    noise_km = models.FloatField(_("portée d'un bruit (km)"), default=Ranges.noise_km)
    light_day_km = models.FloatField(_("portée de la lueur d'une torche le jour (km)"), default=Ranges.light_day_km)
    light_night_km = models.FloatField(_("portée de la lueur d'une torche la nuit (km)"), default=Ranges.light_night_km)
    tell_odour = models.BooleanField(_("prévenir les abonnés atteints par une odeur"), default=True)
    tell_smoke = models.BooleanField(_("prévenir les abonnés atteints par une fumée"), default=True)
    tell_noise = models.BooleanField(_("prévenir les abonnés atteints par un bruit"), default=False)
    tell_light = models.BooleanField(_("prévenir les abonnés atteints par une lueur"), default=False)

    class Meta:
        verbose_name = _("réglages des zones de perception")
        verbose_name_plural = _("réglages des zones de perception")

    def __str__(self):
        return str(self.territory)

    @classmethod
    def for_territory(cls, territory_id):
        """The stored settings, or the defaults (unsaved) when the territory has none."""
        return cls.objects.filter(territory_id=territory_id).first() or cls(territory_id=territory_id)

    @property
    def ranges(self):
        return Ranges(odour_km=self.odour_km, smoke_km=self.smoke_km, noise_km=self.noise_km,
                      light_day_km=self.light_day_km, light_night_km=self.light_night_km)

    @property
    def told_kinds(self):
        return {kind for kind in ("odour", "smoke", "noise", "light") if getattr(self, f"tell_{kind}")}


class WindForecast(models.Model):
    """The last hourly wind forecast fetched for a site (by the worker or the scheduler)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="wind_forecast")
    fetched_at = models.DateTimeField()
    hours = models.JSONField(default=list, help_text="[[ISO time UTC, from degrees, speed km/h], …]")

    class Meta:
        verbose_name = _("prévision de vent")


class ZoneReason(models.TextChoices):
    REVISION = "revision", _("publication de la version")
    WIND = "wind", _("changement de la prévision de vent")


class Zone(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="zones")
    # The revision current when it was computed; reason=revision marks the one it was published with.
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="zones")
    reason = models.CharField(max_length=10, choices=ZoneReason.choices)
    is_current = models.BooleanField(default=True)
    computed_at = models.DateTimeField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    kinds = models.JSONField(default=list)
    geometry = models.JSONField(help_text="GeoJSON geometry, longitude/latitude (WGS 84)")
    parts = models.JSONField(default=dict, help_text="{kind: GeoJSON geometry}: the zone of each kind of perception")
    area_km2 = models.FloatField()
    communes = models.JSONField(default=list, help_text="[{code, name, kinds}] of the territory's communes it covers")
    wind = models.JSONField(null=True, blank=True, help_text="summary of the forecast used (zones.geometry.summary)")

    class Meta:
        ordering = ["notice", "-computed_at", "-pk"]
        verbose_name = _("zone de perception possible")
        verbose_name_plural = _("zones de perception possible")
        indexes = [models.Index(fields=["notice", "is_current"])]
        constraints = [
            # Only one zone per revision is the one it was published with.
            models.UniqueConstraint(fields=["revision"], condition=models.Q(reason="revision"), name="one_published_zone_per_revision"),
        ]

    def __str__(self):
        return f"zone n{self.notice_id} r{self.revision_id} {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def commune_names(self):
        return [c["name"] for c in self.communes]
