"""Forms of the public website: history filters (GET) and the accessibility report (POST)."""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notices.models import Category
from riverains.collation import FrenchOrderIterator
from territories.models import Commune, Site

from .models import MESSAGE_MAX, PAGE_MAX, AccessibilityFeedback


DATE_ERROR = _("Date non valide : écrivez-la par exemple 14/11/2026.")


class HistoryFilterForm(forms.Form):
    """Filters of a territory's history; every field is optional, bad values get French errors."""

    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("Tous"),
        error_messages={"invalid_choice": _("Ce site n'existe pas sur ce territoire : choisissez-en un dans la liste.")},
    )
    category = forms.ChoiceField(
        label=_("Catégorie"), required=False,
        error_messages={"invalid_choice": _("Catégorie inconnue : choisissez-en une dans la liste.")},
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.none(), required=False, empty_label=_("Toutes"),
        error_messages={"invalid_choice": _("Cette commune n'est pas sur ce territoire : choisissez-en une dans la liste.")},
    )
    start = forms.DateField(
        label=_("À partir du"), required=False, error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Jusqu'au"), required=False, error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, territory, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.public().filter(organization__territory=territory)
        self.fields["commune"].iterator = FrenchOrderIterator  # Épouville before Yébleron (set before the queryset)
        self.fields["commune"].queryset = territory.communes.all()
        self.fields["category"].choices = [("", _("Toutes"))] + list(Category.choices)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("La date de fin doit être après la date de début."))
        return data

    def filter(self, notices):
        """Apply the valid filters to a queryset of notices."""
        data = self.cleaned_data
        if data.get("site"):
            notices = notices.filter(site=data["site"])
        if data.get("category"):
            notices = notices.filter(category=data["category"])
        if data.get("commune"):
            commune = data["commune"]
            notices = notices.filter(Q(communes=commune) | Q(site__commune=commune)).distinct()
        if data.get("start"):
            notices = notices.filter(starts_at__date__gte=data["start"])
        if data.get("end"):
            notices = notices.filter(starts_at__date__lte=data["end"])
        return notices


class AccessibilityFeedbackForm(forms.ModelForm):
    # Left empty by people (it is hidden from view); robots that fill every field give
    # themselves away.
    website = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = AccessibilityFeedback
        fields = ["message", "page", "email"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX}),
            "page": forms.TextInput(attrs={"maxlength": PAGE_MAX}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "message": _("Décrivez ce que vous cherchiez à faire et ce qui vous en a empêché (2 000 caractères au plus)."),
            "page": _("Facultatif : l'adresse ou le nom de la page."),
            "email": _("Facultatif : seulement si vous souhaitez une réponse."),
        }

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Ce champ doit rester vide."))
        return ""

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Décrivez le problème rencontré."))
        return message
