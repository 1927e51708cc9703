"""Forms of the console's notices. They only parse what was typed: the rules (scope, dates,
text limits, communes of the territory) live in notices.services, whose ValidationError is put
back onto the fields with `add_service_errors`, so that the operator sees every problem at once."""
from datetime import timedelta

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices import readability, services
from notices.catalog import placeholders_in, template_for, what_to_do_for
from notices.models import Category, Explainer, Kind, Perception
from relay.forms import commune_matches
from riverains.collation import FrenchOrderIterator, french_sorted
from riverains.forms import add_service_errors
from riverains.widgets import CommunePicker
from territories.models import Commune, Site
from zones.shapes import centre

OTHER, UNKNOWN = "other", "unknown"
SEARCH_COMMUNES = "communes"  # the action of the communes search button (works without JavaScript)
COMMUNE_SEARCH_NAME = "communes_q"
COMMUNE_SEARCH_ID = "notice-commune-query"
DURATIONS = [
    ("30", _("30 min")),
    ("60", _("1 h")),
    ("120", _("2 h")),
    ("240", _("4 h")),
    ("480", _("8 h")),
    ("1440", _("24 h")),
    (OTHER, _("Autre : j'indique la fin prévue")),
    (UNKNOWN, _("Fin pas encore connue")),
]
TEXT_FIELDS = ["title", "body", "impact", "what_to_do"]


class DateTimeWidget(forms.SplitDateTimeWidget):
    """Native date and time pickers; values are read in the server's zone, Europe/Paris."""

    def __init__(self, attrs=None):
        super().__init__(
            # Each input needs its own name (WCAG 1.3.1, 4.1.2): the legend names only the pair.
            date_attrs={"type": "date", "aria-label": _("Date")}, time_attrs={"type": "time", "aria-label": _("Heure")},
            date_format="%Y-%m-%d", time_format="%H:%M",
        )


def date_time_field(label, **kwargs):
    return forms.SplitDateTimeField(label=label, widget=DateTimeWidget, required=False, **kwargs)


class CommuneChoiceField(forms.ModelMultipleChoiceField):
    iterator = FrenchOrderIterator  # Épouville before Yébleron

    def label_from_instance(self, commune):
        postcodes = ", ".join(commune.postcode_list)
        return f"{commune.name} ({postcodes})" if postcodes else commune.name


class ServiceErrorsForm(forms.Form):
    """A form whose data a service validates: its messages land next to the fields."""

    # The service's name for a field, when the form calls it otherwise.
    service_field_names = {}

    def add_service_errors(self, error):
        add_service_errors(self, error, self.service_field_names)


def next_full_hour(now):
    return timezone.localtime(now).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def duration_choice(starts_at, expected_end_at):
    """The duration select's value that gives back this end."""
    if expected_end_at is None:
        return UNKNOWN
    minutes = (expected_end_at - starts_at).total_seconds() / 60
    return next((value for value, _label in DURATIONS if value == str(int(minutes)) and minutes.is_integer()), OTHER)


class NoticeForm(ServiceErrorsForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), empty_label=None)
    category = forms.ChoiceField(label=_("Catégorie"), choices=Category.choices)
    kind = forms.ChoiceField(
        label=_("Nature"),
        choices=[(Kind.PLANNED, _("Opération prévue")), (Kind.OBSERVED, _("Événement constaté, déjà en cours"))],
        widget=forms.RadioSelect,
    )
    perceptions = forms.MultipleChoiceField(
        label=_("Ce que les riverains perçoivent"), choices=Perception.choices, widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    starts_at = date_time_field(_("Début"), help_text=_("Date, puis heure (heure de Paris)."))
    duration = forms.ChoiceField(label=_("Durée estimée"), choices=DURATIONS)
    expected_end_at = date_time_field(
        _("Fin prévue"), help_text=_("Seulement si vous avez choisi « Autre » comme durée. Heure de Paris.")
    )
    title = forms.CharField(label=_("Titre"), required=False, help_text=_("120 caractères au plus."))
    what_to_do = forms.CharField(
        label=_("Que dois-je faire ?"), required=False, max_length=200,
        help_text=_("Une phrase simple, montrée en premier partout (page, e-mail, SMS, téléphone). "
                    "Laissée vide : celle de la catégorie, par exemple « Rien : ce n'est pas une alerte. »"),
    )
    body = forms.CharField(
        label=_("Texte"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Quoi, où, quand, jusqu'à quand. Remplacez les passages entre crochets."),
    )
    impact = forms.CharField(
        label=_("Incidence pour les riverains (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    communes = CommuneChoiceField(
        label=_("Communes choisies"), queryset=Commune.objects.none(), required=False,
        # Only for the plain select: commune-picker.js hides it with the select.
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
        # A search with suggestions and removable chips (static/js/commune-picker.js); without
        # JavaScript a multiple select, which the search button of _notice_fields.html narrows.
        widget=CommunePicker(attrs={"size": 8}, search_input=COMMUNE_SEARCH_ID),
    )
    explainer = forms.ModelChoiceField(
        label=_("Fiche « comprendre » liée (facultatif)"), queryset=Explainer.objects.all(), required=False,
        empty_label=_("Aucune"),
    )
    immediate = forms.BooleanField(
        label=_("Information immédiate"), required=False,
        help_text=_("À diffuser même la nuit, par exemple un bruit fort : les SMS partent aussi pendant les heures de silence."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.for_user(user).filter(is_active=True).select_related("organization__territory")
        self.fields["site"].queryset = sites
        self.fields["communes"].queryset = self._communes_of(sites)
        # The communes search without JavaScript: the whole form comes back, narrowed to what was found.
        self.commune_search = ""
        self.commune_matches = None
        if self.is_searching_communes:
            self.commune_search = " ".join(str(self.data.get(COMMUNE_SEARCH_NAME, "")).split())[:100]
            self._narrow_communes()

    @property
    def is_searching_communes(self):
        return self.is_bound and self.data.get("action") == SEARCH_COMMUNES

    def _narrow_communes(self):
        """List the communes found and those already chosen (so that none is dropped); any
        commune of the territory is still accepted."""
        if not self.commune_search:
            return
        field = self.fields["communes"]
        chosen = {str(value) for value in (self["communes"].value() or [])}
        communes = french_sorted(field.queryset, key=field.label_from_instance)
        found = {c.pk for c in communes if commune_matches(c, self.commune_search)}
        self.commune_matches = len(found)
        field.widget.choices = [(c.pk, field.label_from_instance(c)) for c in communes if c.pk in found or c.pk in chosen]

    def without_errors(self):
        """The form as typed, with no error shown: a communes search is not a failed submission."""
        self._errors = ErrorDict()
        self.cleaned_data = {}
        return self

    def site_locations(self):
        """Where each site is, for the small map next to the communes."""
        return {
            str(site.pk): {"lat": float(site.latitude), "lon": float(site.longitude), "name": site.name}
            for site in self.fields["site"].queryset
        }

    def commune_locations(self):
        """Where each commune offered is (its centre), so the small map shows the chosen ones."""
        places = {}
        for commune in self.fields["communes"].queryset:
            found = centre(commune.code)
            if found:
                places[commune.pk] = {"lat": found[0], "lon": found[1], "name": commune.name}
        return places

    def _communes_of(self, sites):
        """The communes of the chosen site's territory, or of all the user's territories."""
        site = self._chosen_site(sites)
        territories = [site.organization.territory_id] if site else sites.values("organization__territory")
        return Commune.objects.filter(territories__in=territories).distinct().order_by("name")

    def _chosen_site(self, sites):
        value = self.data.get("site") if self.is_bound else self.initial.get("site")
        value = getattr(value, "pk", value)
        return sites.filter(pk=value).first() if str(value or "").isdigit() else None

    @property
    def is_draft(self):
        return self.data.get("action") == "draft"

    def clean(self):
        data = super().clean()
        data["expected_end_at"] = self._expected_end(data)
        if not self.is_draft:
            self._refuse_placeholders(data)
        return data

    def _expected_end(self, data):
        duration, starts_at = data.get("duration"), data.get("starts_at")
        if duration == OTHER:
            if not data.get("expected_end_at") and "expected_end_at" not in self.errors:
                self.add_error("expected_end_at", _("Indiquez la date et l'heure de fin prévue, ou choisissez une durée."))
            return data.get("expected_end_at")
        if duration in (None, UNKNOWN) or starts_at is None:
            return None
        return starts_at + timedelta(minutes=int(duration))

    def _refuse_placeholders(self, data):
        for name in TEXT_FIELDS:
            left = placeholders_in(data.get(name))
            if left:
                self.add_error(name, _("Remplacez ou supprimez les passages entre crochets : %(passages)s.")
                               % {"passages": " ".join(left)})

    def readability(self):
        """Suggestions for a plainer text (the preview shows them; they never block publishing)."""
        return readability.check(getattr(self, "cleaned_data", {}))

    def notice_fields(self):
        """The fields notices.services expects, from the cleaned data."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in services.FIELDS}
        fields["communes"] = list(data.get("communes") or [])
        fields["perceptions"] = list(data.get("perceptions") or [])
        for name in TEXT_FIELDS:
            fields[name] = data.get(name) or ""
        return fields

    def starts_later(self):
        """Whether "Publier" will in fact schedule the notice: its start is in the future."""
        cleaned = getattr(self, "cleaned_data", {})
        starts_at = cleaned.get("starts_at") if "starts_at" in cleaned else self.initial.get("starts_at")
        return bool(starts_at and starts_at > timezone.now())


def initial_from_template(category, site, now=None):
    """The form's values for a new notice of this category on this site."""
    template = template_for(category)
    now = now or timezone.now()
    starts_at = now.replace(second=0, microsecond=0) if template.kind == Kind.OBSERVED else next_full_hour(now)
    minutes = int(template.duration.total_seconds() // 60) if template.duration else None
    return {
        "site": site,
        "category": template.category,
        "kind": template.kind,
        "perceptions": list(template.perceptions),
        "starts_at": starts_at,
        "duration": str(minutes) if minutes else UNKNOWN,
        "title": str(template.title),
        "body": str(template.body),
        "impact": str(template.impact),
        "what_to_do": what_to_do_for(template.category),
        "communes": list(site.neighbouring_communes.all()),
        "explainer": template.explainer(),
        "immediate": template.immediate,
    }


def initial_for_a_test(initial):
    """The go-live checklist's test notice: plainly a test, to publish then withdraw."""
    return {
        **initial,
        "title": str(_("Message d'essai — n'en tenez pas compte")),
        "body": str(_(
            "Ceci est un message d'essai, publié pendant la mise en service de Riverains sur ce territoire. "
            "Il ne correspond à aucune opération et sera retiré dans quelques minutes."
        )),
        "impact": str(_("Aucune.")),
        "immediate": False,
    }


def initial_from_notice(notice):
    """The form's values for an existing notice (draft to finish, update, correction)."""
    initial = {name: getattr(notice, name) for name in services.FIELDS if name != "communes"}
    initial["communes"] = list(notice.communes.all())
    initial["duration"] = duration_choice(notice.starts_at, notice.expected_end_at)
    return initial


class ChooseTemplateForm(forms.Form):
    """Step one of a new notice: which site, and what kind of event (picks the template)."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), empty_label=None)
    categorie = forms.ChoiceField(label=_("Que se passe-t-il ?"), choices=Category.choices, widget=forms.RadioSelect)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_user(user).filter(is_active=True)


class NoticeRevisionForm(NoticeForm):
    """Update of a published notice, or a coordinator's correction: a new public revision."""

    change_note = forms.CharField(
        label=_("Ce qui a changé"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Public : une phrase, par exemple « Fin prévue repoussée à 18 h »."),
    )
    notify = forms.BooleanField(label=_("Prévenir les abonnés"), required=False, initial=True)

    def __init__(self, user, *args, correcting=False, **kwargs):
        super().__init__(user, *args, **kwargs)
        if correcting:
            self.fields["change_note"].label = _("Motif public de la correction")
            self.fields["change_note"].help_text = _("Il est affiché avec le message corrigé.")


class EndForm(ServiceErrorsForm):
    prefix = "end"  # three action forms share the detail page: keep their field ids apart
    ended_at = date_time_field(_("Fin effective"), help_text=_("Heure de Paris. Laissez maintenant si c'est fini à l'instant."))
    note = forms.CharField(
        label=_("Note (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Publique, par exemple « Le redémarrage est terminé »."),
    )
    service_field_names = {"change_note": "note"}


class CancelForm(ServiceErrorsForm):
    prefix = "cancel"
    reason = forms.CharField(
        label=_("Motif (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Public, par exemple « Opération reportée à une date ultérieure »."),
    )


class WithdrawForm(ServiceErrorsForm):
    prefix = "withdraw"
    reason = forms.CharField(
        label=_("Motif public du retrait"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Affiché à la place du message."),
    )
    confirm = forms.BooleanField(
        label=_("Je confirme le retrait de ce message."),
        error_messages={"required": _("Cochez la case pour confirmer le retrait.")},
    )
    service_field_names = {"change_note": "reason"}


def now_initial():
    return {"ended_at": timezone.localtime().replace(second=0, microsecond=0)}
