"""The phone line of a territory: its voice settings, the bulletins generated for it, and the
calls it received (statistics only: a caller's number is never stored in clear)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from riverains.text import validate_single_line

from territories.models import Territory


class Engine(models.TextChoices):
    AUTO = "auto", _("automatique (Piper si un modèle est configuré, sinon eSpeak)")
    ESPEAK = "espeak", _("eSpeak NG")
    PIPER = "piper", _("Piper")


class VoiceSettings(models.Model):
    territory = models.OneToOneField(Territory, on_delete=models.CASCADE, related_name="voice_settings")
    engine = models.CharField(_("moteur de synthèse vocale"), max_length=10, choices=Engine.choices, default=Engine.AUTO)
    piper_model = models.CharField(
        _("modèle Piper"), max_length=500, blank=True,
        help_text=_("Chemin d'un fichier .onnx sur le serveur ; vide : le modèle par défaut (PIPER_MODEL)."),
    )
    greeting = models.CharField(
        _("message d'accueil"), max_length=300, blank=True, validators=[validate_single_line],
        help_text=_("Remplace la phrase d'accueil du numéro vert ; vide : « Bienvenue sur la ligne d'information … »."),
    )

    class Meta:
        verbose_name = _("réglages du numéro vert")
        verbose_name_plural = _("réglages du numéro vert")

    def __str__(self):
        return str(self.territory)


class Bulletin(models.Model):
    """One generation of a territory's spoken bulletin. The audio files on disk are those of
    the latest row; older rows are kept a little while as a history."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="bulletins")
    text = models.TextField(_("texte"))
    sections = models.JSONField(default=dict, help_text="Text of each part the phone menu plays: intro, current, planned, info.")
    engine = models.CharField(max_length=10)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the text and engine.")
    files = models.JSONField(default=dict, help_text="File name → {sha256, duration, bytes}.")
    clips = models.JSONField(default=dict, help_text="Notice id → SHA-256 of its clip text.")
    generated_at = models.DateTimeField(auto_now_add=True, db_index=True)
    generation_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = _("bulletin vocal")
        verbose_name_plural = _("bulletins vocaux")

    def __str__(self):
        return f"{self.territory} {self.generated_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration(self):
        return (self.files.get("bulletin.wav") or {}).get("duration", 0)


class Call(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="calls")
    call_sid = models.CharField(max_length=64, unique=True, help_text="The provider's call identifier.")
    caller_hash = models.CharField(max_length=64, blank=True, help_text="HMAC-SHA256 of the caller's number, never the number.")
    started_at = models.DateTimeField(db_index=True)
    duration = models.PositiveIntegerField(_("durée (secondes)"), null=True, blank=True)
    choices = models.JSONField(_("choix du menu"), default=list)
    status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        indexes = [models.Index(fields=["territory", "started_at"])]

    def __str__(self):
        return f"{self.territory} {self.started_at:%Y-%m-%d %H:%M}"
