"""Residents' reports (signalements), the notices that explain them, and episodes: clusters of
reports that no notice explains. Reports are only written by `reports.services`.

Privacy: the comment, the e-mail address and the exact position are never shown publicly; the
network address is kept only as a salted HMAC (to count different people and rate-limit), and
the e-mail address is erased once the outcome is sent or after a few days."""
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from territories.models import Commune, Site, Territory
from territories.scoping import scoped


class ReportKind(models.TextChoices):
    ODOUR = "odour", _("Odeur")
    NOISE = "noise", _("Bruit")
    SMOKE_STEAM = "smoke_steam", _("Fumée ou vapeur")
    FLAME = "flame", _("Flamme, torchage")
    LIGHT = "light", _("Lumière, lueur")
    VIBRATION = "vibration", _("Vibration")
    OTHER = "other", _("Autre")


class Intensity(models.IntegerChoices):
    VERY_WEAK = 1, _("Très faible")
    WEAK = 2, _("Faible")
    DISTINCT = 3, _("Nette")
    STRONG = 4, _("Forte")
    EXTREME = 5, _("Extrêmement forte")


class OdourDescriptor(models.TextChoices):
    # Families close to the reference odour wheel that trained resident "noses" use around
    # Normandy's industrial sites, worded the way residents say them.
    SULPHUR = "sulphur", _("Œuf pourri, soufre")
    FUEL = "fuel", _("Gaz, carburant, hydrocarbure")
    BURNT = "burnt", _("Brûlé")
    CHEMICAL = "chemical", _("Chimique, solvant")
    AMMONIA = "ammonia", _("Ammoniac")
    SEWAGE = "sewage", _("Égout, eaux usées")
    OTHER = "other", _("Autre odeur")


class ReportSettings(models.Model):
    """Per-territory thresholds; a territory without a row uses the defaults below."""

    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="report_settings")
    episode_min_people = models.PositiveSmallIntegerField(
        _("personnes différentes pour ouvrir un épisode"), default=3
    )
    episode_window_minutes = models.PositiveSmallIntegerField(_("fenêtre de temps (minutes)"), default=60)
    episode_radius_km = models.FloatField(_("rayon (km)"), default=2.0)
    area_radius_km = models.FloatField(
        _("zone acceptée autour des sites (km)"), default=20.0,
        help_text=_("Un signalement plus loin que cela de tout site du territoire est refusé."),
    )
    sites_to_notify = models.PositiveSmallIntegerField(_("sites prévenus par épisode"), default=3)

    class Meta:
        verbose_name = _("réglages des signalements")

    def __str__(self):
        return str(self.territory)

    @classmethod
    def for_territory(cls, territory):
        """The territory's rules, or the defaults. No query when the territory was read with them
        (select_related("report_settings"), as the report form reads it)."""
        try:
            return territory.report_settings
        except cls.DoesNotExist:
            return cls(territory=territory)


class EpisodeStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    EXPLAINED = "explained", _("expliqué")
    CLOSED = "closed", _("clos")


class EpisodeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Coordinators see their territory's episodes; operators those their sites were told of."""
        return scoped(self, user, territory="territory", organization="notified_sites__organization")


class Episode(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="episodes")
    opened_at = models.DateTimeField(_("ouvert le"))
    last_report_at = models.DateTimeField(_("dernier signalement"))
    cells = models.JSONField(_("cellules H3"), default=list)
    status = models.CharField(_("état"), max_length=10, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN)
    explaining_notice = models.ForeignKey(
        Notice, on_delete=models.SET_NULL, null=True, blank=True, related_name="episodes",
        verbose_name=_("message explicatif"),
    )
    public_explanation = models.TextField(_("explication publique"), max_length=1000, blank=True)
    report_count = models.PositiveIntegerField(_("signalements"), default=0)
    notified_sites = models.ManyToManyField(Site, blank=True, related_name="episodes", verbose_name=_("sites prévenus"))
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("épisode")
        indexes = [models.Index(fields=["territory", "status", "last_report_at"])]

    def __str__(self):
        return f"{self.territory} — {self.opened_at:%Y-%m-%d %H:%M}"


def new_token():
    return secrets.token_urlsafe(16)


class Report(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("ce que vous percevez"), max_length=12, choices=ReportKind.choices)
    intensity = models.PositiveSmallIntegerField(_("intensité"), choices=Intensity.choices)
    descriptors = models.JSONField(_("type d'odeur"), default=list, blank=True)
    observed_at = models.DateTimeField(_("perçu à"))
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    h3_cell = models.CharField(max_length=16, blank=True, db_index=True)
    comment = models.TextField(_("commentaire"), max_length=500, blank=True)  # never published
    email = models.EmailField(_("e-mail"), blank=True)  # erased once told, or after a few days
    network_hash = models.CharField(max_length=64)  # HMAC of the address, never the address
    device_hash = models.CharField(max_length=64, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token)  # the answer page's address
    explained = models.BooleanField(default=False)
    matched_notices = models.ManyToManyField(Notice, through="ReportMatch", related_name="reports")
    episode = models.ForeignKey(Episode, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_at"]
        verbose_name = _("signalement")
        indexes = [
            models.Index(fields=["territory", "explained", "observed_at"]),
            models.Index(fields=["territory", "observed_at"]),
            # The reports episode detection waits on (reports.episodes._look_around): unexplained
            # and in no episode yet. A few rows even while a crowd joins an episode, where the
            # index above holds the whole crowd.
            models.Index(fields=["territory", "observed_at"], condition=models.Q(explained=False, episode=None),
                         name="reports_report_waiting"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.observed_at:%Y-%m-%d %H:%M}"

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None

    def get_descriptors_display(self):
        labels = dict(OdourDescriptor.choices)
        return [labels[d] for d in self.descriptors if d in labels]


class ReportMatch(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="matches")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="report_matches")
    score = models.FloatField()
    why = models.CharField(max_length=300)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["report", "notice"], name="unique_report_match")]
