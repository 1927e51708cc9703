"""Management pages: a territory's settings, communes and partners; its member organizations, their
sites; who has a role in it, and invitations.

Scoping: what a user may *see* comes from the models' `for_user` querysets (anything else is a 404);
what a user may *change* is everything in a territory they coordinate (anything they can see but
not change is a 403). Operators see their own organization and sites and change nothing here."""
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territories import services as territory_services
from relay.alerts import sms_figures
from territories.access import console_login_required
from territories.models import Commune, Epci, Membership, Organization, Partner, Site, Territory

from .. import invitations, launch
from ..forms.manage import (
    AccessibilityForm,
    CommuneChoiceForm,
    EpciChoiceForm,
    InvitationForm,
    NewTerritoryForm,
    OrganizationForm,
    PartnerForm,
    SiteForm,
    TerritoryForm,
    TerritorySmsForm,
)
from ..models import Invitation

SEARCH_LIMIT = 20


# Scoping -------------------------------------------------------------------------------------


def managed_territories(user):
    return Territory.objects.for_user(user)


def _territory(user, slug):
    return get_object_or_404(managed_territories(user), slug=slug)


def _require_manager(user, territory):
    if not managed_territories(user).filter(pk=territory.pk).exists():
        raise PermissionDenied(_("Seule la coordination du territoire peut modifier ceci."))


def _organization(user, pk, change=False):
    organization = get_object_or_404(Organization.objects.for_user(user).select_related("territory"), pk=pk)
    if change:
        _require_manager(user, organization.territory)
    return organization


def _site(user, pk, change=False):
    site = get_object_or_404(Site.objects.for_user(user).select_related("organization__territory", "commune"), pk=pk)
    if change:
        _require_manager(user, site.organization.territory)
    return site


def _membership(user, pk):
    territories = managed_territories(user)
    scoped = Membership.objects.filter(Q(territory__in=territories) | Q(organization__territory__in=territories))
    return get_object_or_404(scoped.select_related("user", "territory", "organization__territory"), pk=pk)


def _invitation(user, pk):
    return get_object_or_404(Invitation.objects.for_territories(managed_territories(user)), pk=pk)


# Overview ------------------------------------------------------------------------------------


@console_login_required
def index(request):
    organizations = (
        Organization.objects.for_user(request.user)
        .select_related("territory")
        .annotate(site_count=Count("sites", distinct=True))
        .order_by("territory__name", "name")
    )
    context = {
        "territories": managed_territories(request.user),
        "organizations": organizations,
        "may_create_territories": territory_services.may_create_territories(request.user),
    }
    return render(request, "console/manage/index.html", context)


# Territory -----------------------------------------------------------------------------------


@console_login_required
def territory_create(request):
    """A new territory, for a network coordinator or a superuser; it stays unpublished until its
    checklist is done. Next step: the communes it covers."""
    if not territory_services.may_create_territories(request.user):
        raise PermissionDenied(_("Seule une coordination de réseau peut créer un territoire."))
    form = NewTerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        territory = territory_services.create_territory(request.user, form.save(commit=False))
        messages.success(request, _(
            "Territoire créé : %(name)s. Il n'est pas encore visible du public. Étape suivante : les communes couvertes."
        ) % {"name": territory.name})
        return redirect("console:territory_communes", slug=territory.slug)
    return render(request, "console/manage/territory_new.html", {"form": form})


@console_login_required
def territory_edit(request, slug):
    territory = _territory(request.user, slug)
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les réglages du territoire sont enregistrés."))
        return redirect("console:territory_edit", slug=territory.slug)
    return _territory_page(request, territory, form, PartnerForm())


def _territory_page(request, territory, form, partner_form, status=200, accessibility_form=None, publish_error=None,
                    sms_form=None):
    steps = launch.checklist(territory)
    context = {
        "territory": territory,
        "form": form,
        "partners": territory.partners.all(),
        "partner_form": partner_form,
        "organizations": territory.organizations.annotate(site_count=Count("sites")),
        "steps": steps,
        "ready": all(step.done for step in steps),
        "accessibility_form": accessibility_form or AccessibilityForm(instance=territory),
        "publish_error": publish_error,
        "sms_form": sms_form or TerritorySmsForm(instance=territory),
        "sms": sms_figures(territory),
    }
    return render(request, "console/manage/territory.html", context, status=status)


@console_login_required
@require_POST
def territory_accessibility(request, slug):
    """The coordinator confirms the RGAA status the accessibility statement shows (checklist)."""
    territory = _territory(request.user, slug)
    form = AccessibilityForm(request.POST, instance=territory)
    if not form.is_valid():
        return _territory_page(request, territory, TerritoryForm(instance=territory), PartnerForm(), status=400,
                               accessibility_form=form)
    launch.confirm_accessibility(territory, form.cleaned_data["accessibility_status"])
    messages.success(request, _("État de conformité confirmé : %(status)s.") % {
        "status": territory.get_accessibility_status_display()})
    return redirect("console:territory_edit", slug=territory.slug)


@console_login_required
@require_POST
def territory_sms(request, slug):
    """Which countries' numbers may subscribe by SMS, and the hourly cap of confirmation SMS."""
    territory = _territory(request.user, slug)
    form = TerritorySmsForm(request.POST, instance=territory)
    if not form.is_valid():
        return _territory_page(request, territory, TerritoryForm(instance=territory), PartnerForm(), status=400,
                               sms_form=form)
    form.save()
    messages.success(request, _("Les réglages des abonnements par SMS sont enregistrés."))
    return redirect("console:territory_edit", slug=territory.slug)


@console_login_required
@require_POST
def territory_publish(request, slug):
    """Put the territory on the public site, once its checklist is done."""
    territory = _territory(request.user, slug)
    try:
        launch.publish_territory(request.user, territory)
    except ValidationError as error:
        return _territory_page(request, territory, TerritoryForm(instance=territory), PartnerForm(), status=400,
                               publish_error=error.messages[0])
    messages.success(request, _("Le territoire %(name)s est publié : sa page est ouverte au public.") % {
        "name": territory.name})
    return redirect("console:territory_edit", slug=territory.slug)


@console_login_required
@require_POST
def partner_add(request, slug):
    territory = _territory(request.user, slug)
    form = PartnerForm(request.POST, instance=Partner(territory=territory))
    if form.is_valid():
        form.save()
        messages.success(request, _("Partenaire ajouté."))
        return redirect("console:territory_edit", slug=territory.slug)
    return _territory_page(request, territory, TerritoryForm(instance=territory), form, status=400)


@console_login_required
@require_POST
def partner_remove(request, slug, pk):
    territory = _territory(request.user, slug)
    partner = get_object_or_404(territory.partners, pk=pk)
    partner.delete()
    messages.success(request, _("Partenaire retiré : %(name)s.") % {"name": partner.name})
    return redirect("console:territory_edit", slug=territory.slug)


# Communes covered ----------------------------------------------------------------------------


# People type "etretat" or "saint etienne" for "Étretat" and "Saint-Étienne".
LOOSE_GROUPS = ["aàâä", "eéèêë", "iîï", "oôö", "uùûü", "cç", "yÿ", "'’", "- "]
LOOSE_CHARACTERS = {ch: group for group in LOOSE_GROUPS for ch in group}


def loose_pattern(query):
    """A case-insensitive regular expression matching the query whatever its accents and hyphens."""
    return "".join(
        f"[{LOOSE_CHARACTERS[ch]}]" if ch in LOOSE_CHARACTERS else re.escape(ch) for ch in query.lower()
    )


def search_communes(query, limit=SEARCH_LIMIT):
    """Communes whose name contains the query, or whose postcode starts with it."""
    query = " ".join(query.split())
    if len(query) < 2:
        return Commune.objects.none()
    if query.isdigit():
        matches = Commune.objects.filter(Q(postcodes__startswith=query) | Q(postcodes__contains=f" {query}"))
    else:
        matches = Commune.objects.filter(name__iregex=loose_pattern(query))
    return matches.select_related("epci").order_by("-population", "name")[:limit]


def search_epcis(query, limit=SEARCH_LIMIT):
    query = " ".join(query.split())
    if len(query) < 2 or query.isdigit():
        return Epci.objects.none()
    matches = Epci.objects.filter(name__iregex=loose_pattern(query))
    return matches.annotate(commune_count=Count("communes")).order_by("name")[:limit]


@console_login_required
def commune_search(request):
    """JSON for the communes picker (static/js/console-communes.js)."""
    query = request.GET.get("q", "")
    communes = [
        {"code": c.code, "name": c.name, "label": c.label, "postcodes": c.postcode_list, "epci": c.epci_id or ""}
        for c in search_communes(query)
    ]
    epcis = [{"code": e.code, "name": e.name, "communes": e.commune_count} for e in search_epcis(query)]
    return JsonResponse({"communes": communes, "epcis": epcis})


@console_login_required
def territory_communes(request, slug):
    """The communes a territory covers; without JavaScript, a search here lists what can be added."""
    territory = _territory(request.user, slug)
    if request.method == "POST":
        return _change_communes(request, territory)
    query = request.GET.get("q", "")
    context = {
        "territory": territory,
        "communes": territory.communes.select_related("epci"),
        "query": query,
        "found_communes": search_communes(query),
        "found_epcis": search_epcis(query),
    }
    return render(request, "console/manage/communes.html", context)


def _change_communes(request, territory):
    action = request.POST.get("action")
    handler = {"add": _add_commune, "remove": _remove_commune, "add_epci": _add_epci}.get(action)
    if handler is None:
        messages.error(request, _("Action inconnue."))
    else:
        handler(request, territory)
    return redirect("console:territory_communes", slug=territory.slug)


def _add_commune(request, territory):
    form = CommuneChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["commune"][0])
        return
    territory.communes.add(form.cleaned_data["commune"])
    messages.success(request, _("Commune ajoutée : %(name)s.") % {"name": form.cleaned_data["commune"].label})


def _remove_commune(request, territory):
    form = CommuneChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["commune"][0])
        return
    commune = form.cleaned_data["commune"]
    if Site.objects.filter(organization__territory=territory, commune=commune).exists():
        messages.error(request, _("%(name)s accueille un site du territoire : elle ne peut pas être retirée.")
                       % {"name": commune.name})
        return
    territory.communes.remove(commune)
    messages.success(request, _("Commune retirée : %(name)s.") % {"name": commune.label})


def _add_epci(request, territory):
    form = EpciChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["epci"][0])
        return
    epci = form.cleaned_data["epci"]
    communes = list(epci.communes.all())
    territory.communes.add(*communes)
    messages.success(request, _("%(count)s communes de %(epci)s sont couvertes.") % {"count": len(communes), "epci": epci})


# Organizations -------------------------------------------------------------------------------


@console_login_required
def organization_create(request, slug):
    territory = _territory(request.user, slug)
    form = OrganizationForm(request.POST or None, territory=territory, instance=Organization(territory=territory))
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        messages.success(request, _("Adhérent créé : %(name)s.") % {"name": organization.name})
        return redirect("console:organization_detail", pk=organization.pk)
    return render(request, "console/manage/organization_form.html", {"territory": territory, "form": form})


@console_login_required
def organization_detail(request, pk):
    organization = _organization(request.user, pk)
    context = {
        "organization": organization,
        "sites": organization.sites.select_related("commune"),
        "members": organization.memberships.select_related("user").order_by("user__username"),
        "can_manage": managed_territories(request.user).filter(pk=organization.territory_id).exists(),
    }
    return render(request, "console/manage/organization.html", context)


@console_login_required
def organization_edit(request, pk):
    organization = _organization(request.user, pk, change=True)
    form = OrganizationForm(request.POST or None, territory=organization.territory, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Adhérent enregistré."))
        return redirect("console:organization_detail", pk=organization.pk)
    context = {"territory": organization.territory, "organization": organization, "form": form}
    return render(request, "console/manage/organization_form.html", context)


@console_login_required
@require_POST
def organization_set_active(request, pk):
    """Deactivate a member (it stays in the history) or reactivate it."""
    organization = _organization(request.user, pk, change=True)
    organization.is_active = request.POST.get("active") == "1"
    organization.save(update_fields=["is_active"])
    if organization.is_active:
        messages.success(request, _("L'adhésion de %(name)s est réactivée.") % {"name": organization.name})
    else:
        messages.success(request, _("L'adhésion de %(name)s est désactivée.") % {"name": organization.name})
    return redirect("console:organization_detail", pk=organization.pk)


# Sites ---------------------------------------------------------------------------------------


@console_login_required
def site_create(request, pk):
    organization = _organization(request.user, pk, change=True)
    form = SiteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        site = form.save()
        messages.success(request, _("Site créé : %(name)s.") % {"name": site.name})
        return redirect("console:site_detail", pk=site.pk)
    return render(request, "console/manage/site_form.html", {"organization": organization, "form": form})


@console_login_required
def site_detail(request, pk):
    site = _site(request.user, pk)
    context = {
        "site": site,
        "neighbours": site.neighbouring_communes.all(),
        "can_manage": managed_territories(request.user).filter(pk=site.organization.territory_id).exists(),
    }
    return render(request, "console/manage/site.html", context)


@console_login_required
def site_edit(request, pk):
    site = _site(request.user, pk, change=True)
    form = SiteForm(request.POST or None, organization=site.organization, instance=site)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Site enregistré."))
        return redirect("console:site_detail", pk=site.pk)
    context = {"organization": site.organization, "site": site, "form": form}
    return render(request, "console/manage/site_form.html", context)


# Users and invitations -----------------------------------------------------------------------


@console_login_required
def territory_users(request, slug):
    territory = _territory(request.user, slug)
    members = (
        Membership.objects.filter(Q(territory=territory) | Q(organization__territory=territory))
        .select_related("user", "organization")
        .order_by("role", "organization__name", "user__username")
    )
    pending = invitations.with_sending(Invitation.objects.for_territories([territory]).pending().select_related("organization"))
    context = {"territory": territory, "members": members, "invitations": pending}
    return render(request, "console/manage/users.html", context)


@console_login_required
def invite(request, slug):
    territory = _territory(request.user, slug)
    form = InvitationForm(request.POST or None, territory=territory, initial=_invite_initial(request, territory))
    if request.method == "POST" and form.is_valid():
        invitations.invite(request.user, form.cleaned_data["email"], form.cleaned_data["role"], form.scope)
        messages.success(request, _(
            "Invitation enregistrée : l'e-mail part vers %(email)s dans un instant. Son état s'affiche ci-dessous."
        ) % {"email": form.cleaned_data["email"]})
        return redirect("console:territory_users", slug=territory.slug)
    return render(request, "console/manage/invite.html", {"territory": territory, "form": form})


def _invite_initial(request, territory):
    organization = territory.organizations.filter(pk=request.GET.get("adherent") or None).first()
    return {"organization": organization} if organization else {}


@console_login_required
@require_POST
def invitation_resend(request, pk):
    invitation = _invitation(request.user, pk)
    if invitation.accepted_at or invitation.revoked_at:
        messages.error(request, _("Cette invitation a déjà été utilisée ou annulée."))
    else:
        invitations.resend(invitation)
        messages.success(request, _("Nouvelle invitation en route vers %(email)s, valable 7 jours ; le lien précédent ne fonctionne plus.") % {"email": invitation.email})
    return redirect("console:territory_users", slug=invitation.scope_territory.slug)


@console_login_required
@require_POST
def invitation_cancel(request, pk):
    invitation = _invitation(request.user, pk)
    invitations.revoke(invitation)
    messages.success(request, _("Invitation annulée."))
    return redirect("console:territory_users", slug=invitation.scope_territory.slug)


@console_login_required
@require_POST
def membership_revoke(request, pk):
    membership = _membership(request.user, pk)
    territory = membership.territory or membership.organization.territory
    if membership.user_id == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas retirer votre propre rôle ; demandez-le à un autre coordinateur."))
    else:
        membership.delete()
        messages.success(request, _("Rôle retiré : %(user)s n'est plus %(role)s.")
                         % {"user": membership.user.get_username(), "role": membership.get_role_display()})
    return redirect("console:territory_users", slug=territory.slug)
