"""The console's navigation: every section a user may open, and only those.

Operators (rédacteurs) publish for their organization's sites: notices, their company and sites,
the episodes their sites were told of, the town-hall kit of their territory, API tokens. Coordinators (and the superuser) also have the
territory and its members, statistics, deliveries and webhooks, and the phone line; a network
coordinator who has no territory yet has the territories' page, to create one. Everyone has
their account and second factor. Each section is shown when the page it leads to has something
for the user, from the same `for_user` scopes the pages use."""
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notices.models import Notice
from reports.models import Episode
from territories.models import Organization, Role, Site, Territory
from territories.services import may_create_territories


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    # The url names (or their prefixes, ending in "_") of the pages that belong to the section.
    pages: tuple


SECTIONS = {
    "home": Section("home", _("Accueil"), "home", ("home",)),
    "notices": Section("notices", _("Messages"), "notice_list", ("notice_",)),
    "territory": Section("territory", _("Territoires et adhérents"), "manage", (
        "manage", "territory_", "partner_", "organization_", "invite", "membership_", "invitation_", "commune_search")),
    "organization": Section("organization", _("Votre entreprise"), "manage", ("manage", "organization_")),
    "sites": Section("sites", _("Sites"), "site_list", ("site_",)),
    "episodes": Section("episodes", _("Épisodes"), "reports_episodes", ("reports_",)),
    "kit": Section("kit", _("Kit pour les mairies"), "kit_index", ("kit_",)),
    "stats": Section("stats", _("Statistiques"), "stats_index", ("stats_",)),
    "relay": Section("relay", _("Envois et webhooks"), "relay_overview", ("relay_",)),
    "phone": Section("phone", _("Ligne téléphonique"), "voice_stats", ("voice_",)),
    "tokens": Section("tokens", _("Jetons d'API"), "token_list", ("token_",)),
    # Development and the demo only (console/urls.py routes it when DEMO_INBOX_DIR is set).
    "demo_inbox": Section("demo_inbox", _("Boîte de réception de la démo"), "demo_inbox", ("demo_",)),
    "two_factor": Section("two_factor", _("Double authentification"), "two_factor_setup", ("two_factor_",)),
    "password": Section("password", _("Mot de passe"), "password_change", ("password_change",)),
}


@dataclass
class Scope:
    """What the user's roles give them, counted once per request."""

    coordinates: bool
    creates_territories: bool  # a network coordinator (or the superuser), even before a first territory
    has_organizations: bool
    has_sites: bool
    has_notices: bool
    has_episodes: bool

    @classmethod
    def of(cls, user):
        coordinates = Territory.objects.for_user(user).exists()
        return cls(
            coordinates=coordinates,
            creates_territories=may_create_territories(user),
            has_organizations=coordinates or Organization.objects.for_user(user).exists(),
            has_sites=Site.objects.for_user(user).exists(),
            has_notices=Notice.objects.editable_by(user).exists(),
            has_episodes=coordinates or Episode.objects.for_user(user).exists(),
        )


def section_keys(scope):
    keys = ["home"]
    if scope.has_sites or scope.has_notices:
        keys.append("notices")
    if scope.coordinates or scope.creates_territories:
        keys.append("territory")
    elif scope.has_organizations:
        keys.append("organization")
    if scope.has_sites:
        keys.append("sites")
    if scope.has_episodes or scope.has_organizations:
        keys.append("episodes")
    if scope.has_organizations:  # coordinators, and operators for their territory (console.views.kit)
        keys.append("kit")
    if scope.coordinates:
        keys += ["stats", "relay", "phone"]
    if scope.has_organizations:
        keys.append("tokens")
    if scope.coordinates and settings.DEMO_INBOX_DIR:
        keys.append("demo_inbox")
    return keys + ["two_factor", "password"]


def scope_for(request):
    if not hasattr(request, "_console_scope"):
        request._console_scope = Scope.of(request.user)
    return request._console_scope


def _belongs(section, url_name):
    return any(url_name == page or (page.endswith("_") and url_name.startswith(page)) for page in section.pages)


def entries_for(request):
    """[(section, url, current)] for the navigation; `current` is "page" on the section's own
    page, "true" elsewhere in the section, "" outside it."""
    match = request.resolver_match
    url_name = match.url_name if match else ""
    entries = []
    for key in section_keys(scope_for(request)):
        section = SECTIONS[key]
        try:
            url = reverse(f"console:{section.url_name}")
        except NoReverseMatch:  # a section of a part not routed here (the demo inbox in production)
            continue
        current = "page" if request.path == url else ("true" if _belongs(section, url_name) else "")
        entries.append((section, url, current))
    return entries


ROLE_SHORT = {
    Role.COORDINATOR: pgettext_lazy("rôle", "coordinateur"),
    Role.OPERATOR: pgettext_lazy("rôle", "rédacteur"),
}


def role_labels(user):
    """The user's roles in French, short: "coordinateur · Seine-Estuaire", "rédacteur · Raffinerie…"."""
    labels = [pgettext_lazy("rôle", "administrateur")] if user.is_superuser else []
    memberships = user.memberships.select_related("territory", "organization").order_by("role", "pk")
    for membership in memberships:
        scope = membership.territory or membership.organization
        labels.append(f"{ROLE_SHORT.get(membership.role, membership.get_role_display())} · {scope}")
    return labels
