"""What the public website stores itself: reports of accessibility problems (RGAA asks for a way
to tell the site's owner that something cannot be used)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from riverains.text import validate_multiline, validate_single_line

from territories.models import AccessibilityStatus

# Compliance of the platform's own pages (outside any territory), as found by the last audit.
SITE_ACCESSIBILITY_STATUS = AccessibilityStatus.PARTIAL

# Limits shared by the model and the form, so that the database never holds more than the form
# accepts.
MESSAGE_MAX = 2000
PAGE_MAX = 300


class AccessibilityFeedback(models.Model):
    message = models.TextField(_("problème rencontré"), max_length=MESSAGE_MAX, validators=[validate_multiline])
    page = models.CharField(_("page concernée"), max_length=PAGE_MAX, blank=True, validators=[validate_single_line])
    email = models.EmailField(_("adresse e-mail pour vous répondre"), blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    handled = models.BooleanField(_("traité"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signalement d'accessibilité")
        verbose_name_plural = _("signalements d'accessibilité")

    def __str__(self):
        return self.message[:60]
