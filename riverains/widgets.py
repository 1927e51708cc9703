"""Form widgets that several apps share (public forms, the console).

CommunePicker: choosing communes with a thumb. Without JavaScript it is a plain <select>
(multiple or not), which phones show as a native checklist and which a GET search can narrow
(relay/_commune_search.html); static/js/commune-picker.js turns it into a search field with
suggestions ("harf" → Harfleur) and the chosen communes as removable chips, every target at
least 44 px, while the <select> stays in the form and is what gets submitted.

    from riverains.widgets import CommunePicker
    communes = forms.ModelMultipleChoiceField(queryset=..., widget=CommunePicker)
    # in the template: {{ form.media }} (or <script src="{% static 'js/commune-picker.js' %}" defer>)

`search_input="some-id"` reuses an existing search field (with its own label) instead of making
one. Options' labels should read "Name (postcodes)": the postcodes are searched too. The
sentences the script speaks or shows come from here, translated in the page's language."""
from django import forms
from django.utils.translation import gettext as _


def picker_attrs(search_input=""):
    attrs = {
        "data-commune-picker": "",
        "data-picker-label": _("Chercher une commune (nom ou code postal)"),
        "data-picker-hint": _("Tapez le début du nom ou du code postal, puis choisissez dans la liste."),
        "data-picker-chosen": _("Communes choisies"),
        "data-picker-remove": _("Retirer %(name)s"),
        "data-picker-added": _("%(name)s ajoutée."),
        "data-picker-removed": _("%(name)s retirée."),
        "data-picker-one": _("1 commune correspond."),
        "data-picker-many": _("%(count)s communes correspondent."),
        "data-picker-nothing": _("Aucune commune ne correspond. Essayez le début du nom ou le code postal."),
    }
    if search_input:
        attrs["data-picker-search"] = search_input
    return attrs


class _PickerMixin:
    def __init__(self, attrs=None, choices=(), search_input=""):
        super().__init__(attrs, choices)
        self.search_input = search_input

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Built at render time so that the sentences are in the page's language.
        context["widget"]["attrs"].update(picker_attrs(self.search_input))
        return context

    class Media:
        js = ("js/commune-picker.js",)


class CommunePicker(_PickerMixin, forms.SelectMultiple):
    """Several communes (chips)."""


class SingleCommunePicker(_PickerMixin, forms.Select):
    """One commune: choosing another replaces it."""
