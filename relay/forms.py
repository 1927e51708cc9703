import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notices.models import Category
from riverains.collation import FrenchOrderIterator, french_sorted
from riverains.widgets import CommunePicker
from territories.models import Site

from .models import SOCIAL_CHANNELS, ChannelKind, Digest

PUBLIC_CHANNELS = [(k, label) for k, label in ChannelKind.choices if k != ChannelKind.WEBHOOK and k not in SOCIAL_CHANNELS]


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    iterator = FrenchOrderIterator  # Épouville before Yébleron

    def label_from_instance(self, commune):
        postcodes = ", ".join(commune.postcode_list)
        return f"{commune.name} ({postcodes})" if postcodes else commune.name


def folded(text):
    """Lower case, without accents, hyphens or apostrophes: "st-Etienne" finds "Saint-Étienne"
    only as far as the words typed, but "etretat" finds "Étretat". Same rule as commune-picker.js."""
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for mark in "-'’":
        text = text.replace(mark, " ")
    return " ".join(text.split())


def commune_matches(commune, query):
    """Whether a commune answers a search by name (anywhere in it) or postcode (its start)."""
    query = folded(query)
    if not query:
        return True
    if query.isdigit():
        return any(code.startswith(query) for code in commune.postcode_list)
    return query in folded(commune.name)


class PreferencesForm(forms.Form):
    communes = CommuneChoiceField(
        label=_("Communes"),
        queryset=None,
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs. Tapez le début du nom pour aller à une commune."),
        error_messages={"required": _("Choisissez au moins une commune."),
                        "invalid_choice": _("Choisissez des communes de la liste.")},
        # A search with suggestions and chips (commune-picker.js); without JavaScript this list,
        # narrowed by the GET search of relay/_commune_search.html.
        widget=CommunePicker(attrs={"size": 8}, search_input="relay-commune-query"),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Seulement ces sites (facultatif)"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez des sites de la liste.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Seulement ces catégories (facultatif)"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest = forms.ChoiceField(
        label=_("Rythme des e-mails"), choices=Digest.choices, initial=Digest.IMMEDIATE, required=False,
        widget=forms.RadioSelect,
    )
    quiet_hours = forms.BooleanField(
        label=_("Pas de SMS entre 22 h et 7 h, sauf information immédiate (par exemple un bruit fort la nuit)"),
        required=False, initial=True,
    )
    # Issue 16: the notice's structured summary in another language, beside the French text.
    summary_language = forms.ChoiceField(
        label=_("Résumé dans une autre langue (facultatif)"), required=False,
        choices=[("", _("Non merci"))] + list(settings.SUMMARY_LANGUAGES),
        error_messages={"invalid_choice": _("Choisissez une langue dans la liste.")},
        help_text=_("Chaque message portera aussi son résumé (catégorie, lieu, heures, que faire) dans cette langue. "
                    "Le texte de l'exploitant reste en français."),
    )

    def __init__(self, territory, *args, commune_search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = territory.communes.order_by("name")
        self.fields["sites"].queryset = Site.objects.public().filter(organization__territory=territory).order_by("name")
        self.commune_search = (commune_search or "").strip()[:100]
        self.commune_matches = None  # number of communes found, when searching
        if self.commune_search:
            self._narrow_communes()

    def _narrow_communes(self):
        """The search without JavaScript: list only the communes found, plus those already
        chosen (so that none is dropped); any commune of the territory is still accepted."""
        field = self.fields["communes"]
        chosen = {str(v) for v in (self["communes"].value() or [])}
        communes = french_sorted(field.queryset, key=field.label_from_instance)
        found = [c for c in communes if commune_matches(c, self.commune_search)]
        self.commune_matches = len(found)
        shown = [c for c in communes if c in found or str(c.pk) in chosen]
        field.widget.choices = [(c.pk, field.label_from_instance(c)) for c in shown]


class SubscribeForm(PreferencesForm):
    channel = forms.ChoiceField(
        label=_("Recevoir les messages par"), choices=PUBLIC_CHANNELS, widget=forms.RadioSelect, initial=ChannelKind.EMAIL,
        error_messages={"required": _("Choisissez un moyen de recevoir les messages."),
                        "invalid_choice": _("Choisissez un moyen de recevoir les messages.")},
    )
    address = forms.CharField(
        label=_("Adresse e-mail ou numéro de téléphone mobile"), max_length=254, required=False,
        help_text=_("Pour les notifications du navigateur, laissez vide : votre navigateur vous demandera l'autorisation."),
    )
    push_subscription = forms.CharField(required=False, widget=forms.HiddenInput)
    # Honeypot: hidden by CSS and labelled for screen readers as "leave empty"; bots fill it.
    website = forms.CharField(
        label=_("Laissez ce champ vide"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    field_order = ["channel", "address", "communes", "sites", "categories", "digest", "quiet_hours", "summary_language"]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code reçu par SMS (6 chiffres)"), max_length=12,
                           error_messages={"required": _("Saisissez le code reçu par SMS.")})
