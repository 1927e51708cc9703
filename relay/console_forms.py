"""Forms of the coordinators' relay pages: partners' webhooks and the territory's social accounts."""
from django import forms
from django.utils.translation import gettext_lazy as _

from riverains.text import validate_single_line
from territories.models import Commune, Territory


class TerritoryChoiceMixin:
    def _territories(self, user):
        territories = Territory.objects.for_user(user).order_by("name")
        self.fields["territory"].queryset = territories
        if len(territories) == 1:
            self.fields["territory"].initial = territories[0]
        return territories


class WebhookForm(TerritoryChoiceMixin, forms.Form):
    territory = forms.ModelChoiceField(
        queryset=Territory.objects.none(), label=_("Territoire"),
        error_messages={"required": _("Choisissez un territoire."),
                        "invalid_choice": _("Choisissez un des territoires que vous coordonnez.")},
    )
    url = forms.CharField(
        label=_("Adresse du webhook"), max_length=1000,
        help_text=_("L'adresse https:// du partenaire qui recevra chaque message en JSON, signé (Standard Webhooks)."),
        error_messages={"required": _("Saisissez l'adresse du webhook.")},
    )
    label = forms.CharField(
        label=_("Description"), max_length=200, validators=[validate_single_line],
        help_text=_("Le partenaire et l'usage, par exemple « Site de la ville d'Harfleur »."),
        error_messages={"required": _("Décrivez ce webhook (le partenaire, l'usage).")},
    )
    communes = forms.ModelMultipleChoiceField(
        queryset=Commune.objects.none(), label=_("Seulement ces communes (facultatif)"), required=False,
        help_text=_("Sans choix, le webhook reçoit les messages de tout le territoire."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Choisissez des communes de la liste.")},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territories = self._territories(user)
        self.fields["communes"].queryset = Commune.objects.filter(territories__in=territories).distinct().order_by("name")


class SocialAccountForm(TerritoryChoiceMixin, forms.Form):
    """A territory's Mastodon or Bluesky account; both sit on one page, told apart by their prefix."""

    territory = WebhookForm.base_fields["territory"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)  # Django's forms take `prefix` from the class attribute
        self._territories(user)


class MastodonForm(SocialAccountForm):
    prefix = "mastodon"
    address = forms.CharField(
        label=_("Adresse de l'instance"), max_length=1000,
        help_text=_("Par exemple https://mastodon.social (le serveur où le compte du territoire est ouvert)."),
        error_messages={"required": _("Saisissez l'adresse de l'instance Mastodon.")},
    )
    secret = forms.CharField(
        label=_("Jeton d'accès"), max_length=500, widget=forms.PasswordInput(render_value=False),
        help_text=_("Préférences → Développement → Nouvelle application, avec le droit write:statuses. Il ne sera plus affiché."),
        error_messages={"required": _("Saisissez le jeton d'accès.")},
    )


class BlueskyForm(SocialAccountForm):
    prefix = "bluesky"
    address = forms.CharField(
        label=_("Identifiant Bluesky"), max_length=253,
        help_text=_("Par exemple ville.bsky.social."),
        error_messages={"required": _("Saisissez l'identifiant Bluesky.")},
    )
    secret = forms.CharField(
        label=_("Mot de passe d'application"), max_length=500, widget=forms.PasswordInput(render_value=False),
        help_text=_("Réglages → Confidentialité et sécurité → Mots de passe d'application ; jamais le mot de passe du compte. Il ne sera plus affiché."),
        error_messages={"required": _("Saisissez le mot de passe d'application.")},
    )


SOCIAL_FORMS = {"mastodon": MastodonForm, "bluesky": BlueskyForm}
