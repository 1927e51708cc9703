"""Territories, the member organizations and their sites, the communes they cover, and who may
act on them. Row scoping lives in one place per model (`for_user`), as NetBox does with
`restrict()`: every view, API endpoint and service asks the same question the same way, and
every `for_user` is the same primitive (territories.scoping.scoped) given the model's paths."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riverains.text import validate_multiline, validate_single_line

from .geo import validate_in_france
from .scoping import Role, scoped

# Paths that a territory slug must never shadow.
RESERVED_SLUGS = {
    "admin", "api", "console", "static", "media", "en", "fr", "comprendre", "accessibilite",
    "i18n", "sante", "health", "robots.txt", "favicon.ico", "sw.js", "manifest.webmanifest",
    "voix", "relais", "signalements", "widget",
    "nouveau",  # the console's /gestion/territoires/nouveau/
}

french_phone = RegexValidator(
    r"^(\+33 ?[1-9]|0 ?[1-9])([ .]?\d{2}){4}$",
    _("Saisissez un numéro de téléphone français, par exemple 0 800 123 456 ou 02 35 00 00 00."),
)


# Where the mobile numbers that may subscribe by SMS come from, by calling code: France (+33),
# its overseas departments (+262 La Réunion and Mayotte, +590 Guadeloupe, Saint-Martin and
# Saint-Barthélemy, +594 Guyane, +596 Martinique: residents keep these numbers when they move)
# and the neighbours whose frontier workers and residents live near French sites (Belgium,
# Switzerland, Germany, Luxembourg, Monaco, Italy, Spain, Andorra). "SMS pumping" has a platform
# send confirmation codes to numbers that pay whoever runs them, mostly far away: the rest of
# the world is refused unless the coordinator adds it.
DEFAULT_SMS_COUNTRIES = "+33 +262 +590 +594 +596 +32 +41 +49 +352 +377 +39 +34 +376"
DEFAULT_SMS_CONFIRMATIONS_PER_HOUR = 50
CALLING_CODE = RegexValidator(r"^\+[1-9]\d{0,4}$")


def validate_calling_codes(value):
    codes = value.split()
    wrong = [code for code in codes if not CALLING_CODE.regex.match(code)]
    if wrong:
        raise ValidationError(
            _("Indicatif non reconnu : %(codes)s. Écrivez les indicatifs séparés par des espaces, par exemple +33 +32 +41."),
            params={"codes": " ".join(wrong[:5])[:100]},
        )


def validate_slug_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("« %(slug)s » est réservé, choisissez un autre identifiant."), params={"slug": value})


class Epci(models.Model):
    """Établissement public de coopération intercommunale (from INSEE via Etalab)."""

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200, db_index=True)
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True, help_text=_("séparés par des espaces"))
    department = models.CharField(_("département"), max_length=3)
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.name

    @property
    def postcode_list(self):
        return self.postcodes.split()

    @property
    def label(self):
        """Name with the first postcode, to tell apart the many French communes sharing a name."""
        first = self.postcode_list[:1]
        return f"{self.name} ({first[0]})" if first else self.name


class AccessibilityStatus(models.TextChoices):
    # Wording imposed by the RGAA for the accessibility statement.
    NONE = "non_conforme", _("non conforme")
    PARTIAL = "partiellement_conforme", _("partiellement conforme")
    FULL = "totalement_conforme", _("totalement conforme")


class TerritoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_user(self, user):
        """Territories a user may manage: a coordinator's own, every one for a superuser."""
        return scoped(self, user, territory="")


class Territory(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True, validators=[validate_slug_not_reserved])
    name = models.CharField(_("nom"), max_length=120, validators=[validate_single_line])
    presentation = models.TextField(_("présentation"), blank=True, max_length=3000, validators=[validate_multiline])
    toll_free_number = models.CharField(_("numéro vert"), max_length=20, blank=True, validators=[french_phone])
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True, validators=[french_phone])
    coordinator_name = models.CharField(_("structure coordinatrice"), max_length=200, blank=True, validators=[validate_single_line])
    siren_advice = models.TextField(
        _("conduite à tenir si la sirène retentit"),
        max_length=1000,
        validators=[validate_multiline],
        # France Bleu became « ici » in January 2025: the station residents are told to tune to.
        default=(
            "Si la sirène retentit : mettez-vous à l'abri dans le bâtiment le plus proche, fermez portes et "
            "fenêtres, écoutez la radio (ici, l'ex-France Bleu, ou France Info), ne téléphonez pas et n'allez "
            "pas chercher vos enfants à l'école."
        ),
    )
    communes = models.ManyToManyField(Commune, verbose_name=_("communes couvertes"), related_name="territories", blank=True)
    is_published = models.BooleanField(_("publié"), default=True)
    is_demo = models.BooleanField(_("démonstration"), default=False)
    require_two_factor = models.BooleanField(_("double authentification obligatoire"), default=False)
    accessibility_status = models.CharField(
        _("conformité RGAA"), max_length=30, choices=AccessibilityStatus.choices, default=AccessibilityStatus.PARTIAL
    )
    # The status above is a default until the coordinator confirms it: the public accessibility
    # statement lists it for every published territory (go-live checklist).
    accessibility_confirmed_at = models.DateTimeField(_("état de conformité confirmé le"), null=True, blank=True)
    sms_countries = models.CharField(
        _("indicatifs autorisés pour les abonnements par SMS"), max_length=200, blank=True, default=DEFAULT_SMS_COUNTRIES,
        validators=[validate_calling_codes],
        help_text=_("Séparés par des espaces. Les numéros des autres pays ne peuvent pas s'abonner par SMS : c'est "
                    "une protection contre la fraude aux SMS (envois de codes vers des numéros surtaxés). "
                    "Par défaut : la France, ses départements d'outre-mer et les pays voisins."),
    )
    sms_confirmations_per_hour = models.PositiveIntegerField(
        _("SMS de confirmation par heure, au plus"), default=DEFAULT_SMS_CONFIRMATIONS_PER_HOUR,
        validators=[MaxValueValidator(10_000)],
        help_text=_("Au-delà, les nouveaux abonnements par SMS sont refusés pendant l'heure (l'e-mail reste possible) "
                    "et la coordination est prévenue par e-mail."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:territory", args=[self.slug])

    @property
    def sms_calling_codes(self):
        return self.sms_countries.split()


class Partner(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    url = models.URLField(_("site web"), blank=True)
    description = models.CharField(_("rôle"), max_length=300, blank=True, validators=[validate_single_line])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partenaire")

    def __str__(self):
        return self.name


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        """A coordinator's territory's organizations, an operator's own."""
        return scoped(self, user, territory="territory", organization="")


class Organization(models.Model):
    """A member company (adhérent)."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    website = models.URLField(_("site web"), blank=True)
    is_active = models.BooleanField(_("adhésion active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("adhérent")
        verbose_name_plural = _("adhérents")
        constraints = [models.UniqueConstraint(fields=["territory", "name"], name="unique_organization_name")]

    def __str__(self):
        return self.name


class Seveso(models.TextChoices):
    HIGH = "seuil_haut", _("Seveso seuil haut")
    LOW = "seuil_bas", _("Seveso seuil bas")
    NONE = "non_seveso", _("non Seveso")


class SiteQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_active=True, organization__territory__is_published=True)

    def for_user(self, user):
        """Sites a user may publish for: an operator's organization's, a coordinator's territory's."""
        # A deactivated member (organization or site) no longer publishes.
        return scoped(self, user, territory="organization__territory", organization="organization",
                      organization__is_active=True, is_active=True)


class Site(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("identifiant"), max_length=80)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="sites", verbose_name=_("commune"))
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    seveso = models.CharField(_("statut Seveso"), max_length=12, choices=Seveso.choices, default=Seveso.NONE)
    description = models.TextField(_("présentation publique"), blank=True, max_length=3000, validators=[validate_multiline])
    neighbouring_communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes voisines"),
        related_name="neighbouring_sites",
        blank=True,
        help_text=_("Zone proposée par défaut pour les messages de ce site."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("site industriel")
        verbose_name_plural = _("sites industriels")
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="unique_site_slug")]

    def __str__(self):
        return self.name

    @property
    def territory(self):
        return self.organization.territory

    def clean(self):
        validate_in_france(self.latitude, self.longitude)

    def get_absolute_url(self):
        return reverse("public:site", args=[self.organization.territory.slug, self.pk, self.slug])


class Membership(models.Model):
    """A user's role: coordinator of a territory, or operator for an organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rôle")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="coordinator", territory__isnull=False, organization__isnull=True)
                    | Q(role="operator", organization__isnull=False, territory__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(fields=["user", "territory"], name="unique_coordinator", condition=Q(role="coordinator")),
            models.UniqueConstraint(fields=["user", "organization"], name="unique_operator", condition=Q(role="operator")),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.territory or self.organization}"
