"""Forms of the management pages: territory settings, partners, members, sites, invitations."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from riverains.collation import FrenchOrderIterator
from riverains.widgets import CommunePicker
from territories.models import Commune, Epci, Membership, Organization, Partner, Role, Site, Territory
from zones.shapes import centre

from ..models import Invitation


def https_by_default(field, **kwargs):
    """Model form fields, with web addresses typed without a scheme read as https://."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class TerritoryForm(forms.ModelForm):
    class Meta:
        model = Territory
        fields = [
            "name", "presentation", "toll_free_number", "contact_email", "contact_phone", "coordinator_name",
            "siren_advice", "require_two_factor", "accessibility_status",
        ]
        widgets = {"presentation": forms.Textarea(attrs={"rows": 5}), "siren_advice": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "require_two_factor": _(
                "Chaque coordinateur et chaque rédacteur des adhérents devra utiliser une application "
                "d'authentification (code à 6 chiffres) pour se connecter."
            ),
        }


class NewTerritoryForm(forms.ModelForm):
    """The first step of a new territory; the rest (communes, members, sites) has its own pages."""

    class Meta:
        model = Territory
        fields = ["name", "slug", "coordinator_name", "toll_free_number", "contact_email"]
        labels = {"slug": _("Adresse de la page publique"), "coordinator_name": _("Structure coordinatrice")}
        help_texts = {
            "name": _("Tel que les riverains le connaissent, par exemple « Estuaire de la Seine »."),
            "slug": _("La fin de l'adresse : lettres minuscules, chiffres et tirets. Laissez vide pour la déduire du nom."),
            "coordinator_name": _("Par exemple « CCI Seine Estuaire »."),
            "toll_free_number": _("Facultatif pour l'instant, nécessaire pour publier. Par exemple 0 800 123 456."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["coordinator_name"].required = True

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name") or "")[:60].strip("-")
        if not slug:
            raise ValidationError(_("Donnez un nom au territoire pour en déduire l'adresse."))
        if Territory.objects.filter(slug=slug).exists():
            raise ValidationError(_("L'adresse « %(slug)s » est déjà prise : choisissez-en une autre."), params={"slug": slug})
        return slug


class AccessibilityForm(forms.ModelForm):
    """The coordinator confirms the conformity status the public accessibility statement shows."""

    prefix = "accessibilite"

    class Meta:
        model = Territory
        fields = ["accessibility_status"]
        labels = {"accessibility_status": _("État de conformité au RGAA de ce territoire")}
        widgets = {"accessibility_status": forms.RadioSelect}


class TerritorySmsForm(forms.ModelForm):
    """SMS subscriptions: the countries whose numbers may subscribe, and the hourly cap of
    confirmation SMS (see relay.alerts)."""

    prefix = "sms"

    class Meta:
        model = Territory
        fields = ["sms_countries", "sms_confirmations_per_hour"]

    def clean_sms_countries(self):
        # "33, 0032 +41" is "+33 +32 +41": separators, missing plus signs and 00 forgiven.
        codes = []
        for code in self.cleaned_data["sms_countries"].replace(",", " ").replace(";", " ").split():
            code = "+" + code[2:] if code.startswith("00") else code if code.startswith("+") else "+" + code
            codes.append(code)
        return " ".join(dict.fromkeys(codes))


class PartnerForm(forms.ModelForm):
    # Shares the territory page with the settings form: both have a "name" field.
    prefix = "partenaire"

    class Meta:
        model = Partner
        fields = ["name", "url", "description"]
        formfield_callback = https_by_default


class CommuneChoiceForm(forms.Form):
    """One commune to add to or remove from a territory, by its INSEE code."""

    commune = forms.ModelChoiceField(
        queryset=Commune.objects.all(),
        to_field_name="code",
        error_messages={"invalid_choice": _("Cette commune n'existe pas dans le référentiel.")},
    )


class EpciChoiceForm(forms.Form):
    epci = forms.ModelChoiceField(
        queryset=Epci.objects.all(),
        error_messages={"invalid_choice": _("Cet EPCI n'existe pas dans le référentiel.")},
    )


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "website"]
        formfield_callback = https_by_default

    def __init__(self, *args, territory, **kwargs):
        self.territory = territory
        super().__init__(*args, **kwargs)

    def clean_name(self):
        # The (territory, name) constraint is not checked by the model form: territory is not a field.
        name = self.cleaned_data["name"].strip()
        others = Organization.objects.filter(territory=self.territory, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Un adhérent porte déjà ce nom dans ce territoire."))
        return name


def _coordinate_message(limit, example):
    return gettext("Saisissez un nombre décimal entre -%(limit)s et %(limit)s, par exemple %(example)s.") % {
        "limit": limit, "example": example,
    }


coordinate_message = lazy(_coordinate_message, str)  # in the language of the request, not of the import


class CoordinateField(forms.DecimalField):
    """A latitude or longitude, typed with a comma or a point, kept to 5 decimals (about a metre).

    The input is a text input with inputmode="decimal" (a numeric keypad on phones) and a pattern,
    rather than type="number": a number input drops "49,487" silently in browsers set to English,
    and the server could then only say that the field is empty."""

    def __init__(self, *, limit, example, **kwargs):
        message = coordinate_message(limit, example)
        errors = {"invalid": message, "max_value": message, "min_value": message}
        super().__init__(max_value=limit, min_value=-limit, error_messages=errors, **kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({
            "inputmode": "decimal", "pattern": r"-?[0-9]{1,3}([.,][0-9]+)?", "autocomplete": "off",
            "spellcheck": "false",
        })

    def widget_attrs(self, widget):
        # DecimalField would add step/min/max, which mean nothing on a text input.
        attrs = super().widget_attrs(widget)
        for name in ("step", "min", "max"):
            attrs.pop(name, None)
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class SiteForm(forms.ModelForm):
    latitude = CoordinateField(label=_("Latitude"), limit=90, example="49,48700",
                               help_text=_("En degrés décimaux, par exemple 49,48700."))
    longitude = CoordinateField(label=_("Longitude"), limit=180, example="0,23500",
                                help_text=_("En degrés décimaux, par exemple 0,23500."))

    class Meta:
        model = Site
        fields = ["name", "slug", "commune", "latitude", "longitude", "seveso", "description", "neighbouring_communes"]
        widgets = {
            # A search with removable chips (static/js/commune-picker.js); a plain select without it.
            "neighbouring_communes": CommunePicker(attrs={"size": 8}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"slug": _("Utilisé dans l'adresse de la page du site. Laissez vide pour le déduire du nom.")}

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        # Site.clean() (run by the model form) refuses coordinates outside France.
        self.instance.organization = organization
        communes = organization.territory.communes.all()
        self.fields["commune"].iterator = FrenchOrderIterator  # Épouville among the E, not after Yébleron
        self.fields["commune"].queryset = communes  # (after the iterator: setting it refreshes the choices)
        self.fields["neighbouring_communes"].queryset = communes
        # "Name (postcode)", in French order: the picker searches names and postcodes.
        self.fields["neighbouring_communes"].label_from_instance = lambda commune: commune.label
        self.fields["neighbouring_communes"].iterator = FrenchOrderIterator
        self.fields["slug"].required = False
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["data-coordinate"] = name

    def commune_locations(self):
        """Each commune's centre, so the map goes to the commune chosen before the site is clicked."""
        places = {}
        for commune in self.fields["commune"].queryset:
            found = centre(commune.code)
            if found:
                places[commune.pk] = [found[0], found[1]]
        return places

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name") or "")[:80].strip("-")
        if not slug:
            raise ValidationError(_("Donnez un nom au site pour en déduire l'identifiant."))
        others = Site.objects.filter(organization=self.organization, slug=slug).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Un autre site de cet adhérent a déjà l'identifiant « %(slug)s »."), params={"slug": slug})
        return slug


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne invitée"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, widget=forms.RadioSelect, initial=Role.OPERATOR)
    organization = forms.ModelChoiceField(
        label=_("Adhérent"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Pour un rédacteur : l'adhérent pour lequel il publiera."),
    )

    def __init__(self, *args, territory, **kwargs):
        self.territory = territory
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = territory.organizations.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        role, organization, email = cleaned.get("role"), cleaned.get("organization"), cleaned.get("email")
        if role == Role.OPERATOR and organization is None:
            self.add_error("organization", _("Choisissez l'adhérent pour lequel ce rédacteur publiera."))
            return cleaned
        if role == Role.COORDINATOR:
            cleaned["organization"] = None
        if email and role and not self.errors:
            self._check_not_already_there(email, role, cleaned.get("organization"))
        return cleaned

    @property
    def scope(self):
        return self.cleaned_data["organization"] or self.territory

    def _check_not_already_there(self, email, role, organization):
        scope = {"organization": organization} if role == Role.OPERATOR else {"territory": self.territory}
        users = get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        if Membership.objects.filter(user__in=users, role=role, **scope).exists():
            raise ValidationError(_("Cette personne a déjà ce rôle."))
        if Invitation.objects.pending().filter(email__iexact=email, role=role, **scope).exists():
            raise ValidationError(_("Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis la liste."))
