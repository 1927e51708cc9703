"""Audience counts, one row per (day, territory, kind): no address, no browser, no cookie.

Rows are written only by `stats.counting.flush()`, which moves the counters the public read path
keeps in the cache; the web request itself never writes to the database."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from territories.models import Territory


class AudienceKind(models.TextChoices):
    PAGE = "page", _("pages du territoire")
    NOTICE = "notice", _("pages de message")
    FEED = "feed", _("flux (Atom, CAP, iCalendar, CSV)")
    API = "api", _("API")
    WIDGET = "widget", _("widget")


class DailyCount(models.Model):
    day = models.DateField(_("jour"))  # Europe/Paris calendar day
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="daily_counts")
    kind = models.CharField(_("type"), max_length=10, choices=AudienceKind.choices)
    count = models.PositiveIntegerField(_("consultations"), default=0)

    class Meta:
        ordering = ["day", "territory", "kind"]
        verbose_name = _("consultations du jour")
        verbose_name_plural = _("consultations par jour")
        constraints = [models.UniqueConstraint(fields=["day", "territory", "kind"], name="unique_daily_count")]

    def __str__(self):
        return f"{self.day} {self.territory_id} {self.kind}: {self.count}"
