"""Notices (messages) that sites publish, their immutable public revisions, and explainers.

A published notice is never edited in place: `notices.services` changes it and writes a
Revision in the same transaction. Nothing here should be saved directly by views."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy as _

from riverains.text import validate_multiline, validate_single_line

from territories.models import Commune, Site, Territory
from territories.scoping import scoped


class Category(models.TextChoices):
    FLARING = "torchage", _("Torchage")
    STEAM = "vapeur", _("Vapeur ou fumée")
    ODOUR = "odeur", _("Odeur")
    NOISE = "bruit", _("Bruit")
    DRILL = "exercice", _("Exercice")
    SIREN_TEST = "essai_sirene", _("Essai de sirène")
    MAINTENANCE = "maintenance", _("Maintenance, arrêt ou redémarrage")
    WORKS = "travaux", _("Travaux")
    INCIDENT = "incident", _("Incident")
    OTHER = "autre", _("Autre")


# The "Que dois-je faire ?" line a notice gets when the operator writes none: short, plain,
# shown first on every channel. Most notices ask nothing; saying so first is what residents
# looking at a flare want to know. Stored in French on the notice (the operator may change it);
# while it is still one of these, the other languages' summaries show its translation.
NOTHING_TO_DO = _("Rien : ce n'est pas une alerte.")
WHAT_TO_DO = {
    Category.FLARING: NOTHING_TO_DO,
    Category.STEAM: NOTHING_TO_DO,
    Category.ODOUR: _("Rien : ce n'est pas une alerte. Si l'odeur vous gêne, vous pouvez la signaler."),
    Category.NOISE: NOTHING_TO_DO,
    Category.DRILL: _("Rien : c'est un exercice, pas une alerte."),
    Category.SIREN_TEST: _("Rien : c'est un essai. Si la sirène sonne à un autre moment, mettez-vous à l'abri."),
    Category.MAINTENANCE: NOTHING_TO_DO,
    Category.WORKS: NOTHING_TO_DO,
    Category.INCIDENT: _("Rien pour l'instant. Si la sirène sonne, mettez-vous à l'abri et écoutez la radio."),
    Category.OTHER: NOTHING_TO_DO,
}
WHAT_TO_DO_LIMIT = 200


def what_to_do_for(category):
    """The default "Que dois-je faire ?" line of a category, in French (what the notice stores,
    whatever the language of the operator's console)."""
    with translation.override("fr"):
        return str(WHAT_TO_DO.get(category, NOTHING_TO_DO))


def translatable_what_to_do(text):
    """The translatable default that `text` (a French line stored on a notice) is, or None when
    the operator wrote their own line: free text is never machine-translated."""
    with translation.override("fr"):
        defaults = {str(line): line for line in WHAT_TO_DO.values()}
    return defaults.get((text or "").strip())


class Perception(models.TextChoices):
    VISIBLE = "visible", _("visible")
    AUDIBLE = "audible", _("audible")
    OLFACTORY = "olfactory", _("odeur perceptible")


class Kind(models.TextChoices):
    PLANNED = "planned", _("prévu")
    OBSERVED = "observed", _("constaté")


class Status(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    SCHEDULED = "scheduled", _("programmé")
    ONGOING = "ongoing", _("en cours")
    ENDED = "ended", _("terminé")
    CANCELLED = "cancelled", _("annulé")


PUBLISHED_STATUSES = [Status.SCHEDULED, Status.ONGOING, Status.ENDED, Status.CANCELLED]
# Planned operations are shown on the territory page this long before they start.
UPCOMING_WINDOW = timedelta(days=7)


class Explainer(models.Model):
    """A plain-language page on a normal industrial practice ("what is flaring?")."""

    slug = models.SlugField(_("identifiant"), unique=True)
    title = models.CharField(_("titre"), max_length=160, validators=[validate_single_line])
    summary = models.CharField(_("résumé"), max_length=300, validators=[validate_single_line])
    body = models.TextField(_("texte"), help_text=_("Paragraphes séparés par une ligne vide."), validators=[validate_multiline])
    # English pages (/en/…) show these when written, else the French text (see _localized).
    title_en = models.CharField(_("titre en anglais"), max_length=160, blank=True, validators=[validate_single_line])
    summary_en = models.CharField(_("résumé en anglais"), max_length=300, blank=True, validators=[validate_single_line])
    body_en = models.TextField(_("texte en anglais"), blank=True, help_text=_("Paragraphes séparés par une ligne vide."),
                               validators=[validate_multiline])
    categories = models.JSONField(_("catégories liées"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("fiche « comprendre »")
        verbose_name_plural = _("fiches « comprendre »")

    def __str__(self):
        return self.localized_title  # also the choice label in the console's notice form

    def get_absolute_url(self):
        return reverse("public:explainer", args=[self.slug])

    @property
    def paragraphs(self):
        return split_paragraphs(self.body)

    def _localized(self, field):
        """(text, is_french_fallback) for the active language.

        English pages show the English text where it is written and the French one otherwise:
        a resident is better served by French than by an empty page. French shown on a
        non-French page is flagged so templates mark it lang="fr", and screen readers read it
        with a French voice (and English text with an English one)."""
        language = get_language() or settings.LANGUAGE_CODE
        english = getattr(self, f"{field}_en") if language.startswith("en") else ""
        if english.strip():
            return english, False
        return getattr(self, field), not language.startswith("fr")

    @property
    def localized_title(self):
        return self._localized("title")[0]

    @property
    def localized_summary(self):
        return self._localized("summary")[0]

    @property
    def localized_paragraphs(self):
        return split_paragraphs(self._localized("body")[0])

    # True when a non-French page shows the French text: the template adds lang="fr".
    @property
    def title_in_french(self):
        return self._localized("title")[1]

    @property
    def summary_in_french(self):
        return self._localized("summary")[1]

    @property
    def body_in_french(self):
        return self._localized("body")[1]


def split_paragraphs(text):
    """Explainer texts are plain text, paragraphs separated by a blank line (typed in the
    admin, whose text areas send \\r\\n line ends)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


class NoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status__in=PUBLISHED_STATUSES)

    def active(self, now=None):
        """Happening now: ongoing, or scheduled whose start has passed but the worker has not
        yet turned ongoing (residents must not wait for the worker to see it)."""
        now = now or timezone.now()
        return self.filter(Q(status=Status.ONGOING) | Q(status=Status.SCHEDULED, starts_at__lte=now))

    def upcoming(self, now=None, window=UPCOMING_WINDOW):
        now = now or timezone.now()
        return self.filter(status=Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + window)

    def ended(self):
        return self.filter(status__in=[Status.ENDED, Status.CANCELLED])

    def overdue(self, now=None):
        """Ongoing notices past their expected end: the operator should end or extend them."""
        now = now or timezone.now()
        return self.filter(status=Status.ONGOING, expected_end_at__lt=now)

    def editable_by(self, user):
        """Notices a user may change: their organization's (operator), their territory's
        (coordinator), all (superuser)."""
        return scoped(self, user, territory="territory", organization="site__organization",
                      site__organization__is_active=True)

    def for_organization(self, organization):
        return self.filter(site__organization=organization)


class Notice(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="notices", editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="notices", verbose_name=_("site"))
    category = models.CharField(_("catégorie"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.PLANNED)
    perceptions = models.JSONField(_("perceptions"), default=list, help_text=_("visible, audible, olfactory"))
    starts_at = models.DateTimeField(_("début"))
    expected_end_at = models.DateTimeField(_("fin prévue"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin effective"), null=True, blank=True)
    # notices.services checks these too, with the same messages (its forms are not model forms).
    title = models.CharField(_("titre"), max_length=120, validators=[validate_single_line])
    body = models.TextField(_("texte"), max_length=2000, validators=[validate_multiline])
    impact = models.TextField(_("incidence pour les riverains"), max_length=600, blank=True, validators=[validate_multiline])
    # "Que dois-je faire ?": one plain line shown first on every channel; notices.services fills
    # it from the category (notices.catalog.WHAT_TO_DO) when the operator leaves it empty.
    what_to_do = models.CharField(_("que dois-je faire ?"), max_length=200, blank=True, validators=[validate_single_line])
    communes = models.ManyToManyField(Commune, verbose_name=_("communes concernées"), related_name="notices")
    explainer = models.ForeignKey(
        Explainer, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices", verbose_name=_("fiche « comprendre »")
    )
    immediate = models.BooleanField(
        _("information immédiate"),
        default=False,
        help_text=_("À diffuser même la nuit (par exemple un bruit fort) : ignore les heures de silence des SMS."),
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    public_reason = models.CharField(_("motif public"), max_length=300, blank=True, validators=[validate_multiline])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["territory", "status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:notice", args=[self.territory.slug, self.pk])

    @property
    def is_published(self):
        return self.status in PUBLISHED_STATUSES

    @property
    def is_active(self):
        return self.status == Status.ONGOING or (self.status == Status.SCHEDULED and self.starts_at <= timezone.now())

    @property
    def display_status(self):
        """What a resident should read: a scheduled notice whose start has passed is under way."""
        return Status.ONGOING if self.is_active else Status(self.status)

    @property
    def is_overdue(self):
        return self.status == Status.ONGOING and self.expected_end_at and self.expected_end_at < timezone.now()

    @property
    def end_for_display(self):
        return self.ended_at or self.expected_end_at

    def get_perceptions_display(self):
        labels = dict(Perception.choices)
        return [labels[p] for p in self.perceptions if p in labels]

    @property
    def what_to_do_line(self):
        """The line to show: the notice's own, or its category's default (notices saved before
        the line existed)."""
        return self.what_to_do or what_to_do_for(self.category)

    @property
    def what_to_do_localized(self):
        """(line, is_french) for the active language: a category default is translated, a line the
        operator wrote stays French (templates then mark it lang="fr")."""
        line = self.what_to_do_line
        default = translatable_what_to_do(line)
        if default is None:
            return line, True
        return str(default), (get_language() or settings.LANGUAGE_CODE).startswith("fr")

    @property
    def latest_revision(self):
        return self.revisions.order_by("-number").first()


class RevisionAction(models.TextChoices):
    PUBLISHED = "published", _("publication")
    UPDATED = "updated", _("mise à jour")
    STARTED = "started", _("début")
    ENDED = "ended", _("fin")
    CANCELLED = "cancelled", _("annulation")
    CORRECTED = "corrected", _("correction par le coordinateur")
    WITHDRAWN = "withdrawn", _("retrait par le coordinateur")


class Revision(models.Model):
    """One published state of a notice, frozen: the public history, CAP references, relay."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=RevisionAction.choices)
    change_note = models.CharField(_("ce qui a changé"), max_length=300, blank=True, validators=[validate_multiline])
    status = models.CharField(max_length=10, choices=Status.choices)
    snapshot = models.JSONField(help_text="Public fields of the notice at this revision.")
    notify = models.BooleanField(default=True, help_text="Whether subscribers are told of this revision.")
    source = models.CharField(max_length=20, default="console", help_text="console, api or scheduler")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["notice", "number"]
        constraints = [models.UniqueConstraint(fields=["notice", "number"], name="unique_revision_number")]

    def __str__(self):
        return f"{self.notice_id} v{self.number}"
