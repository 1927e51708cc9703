"""Putting a new territory on the air: the go-live checklist and the "publish the territory" step.

The checklist lives in the console, not in territories, because one of its items (a test notice
published then withdrawn) is about notices, which territories must not import."""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import Revision, RevisionAction
from territories import services
from territories.models import Membership, Role, Site, Territory


@dataclass
class Step:
    key: str
    label: str
    done: bool
    detail: str
    action_label: str = ""
    action_url: str = ""


def checklist(territory):
    """What a territory needs before residents see it, in the order a coordinator does it."""
    communes = territory.communes.count()
    sites = Site.objects.filter(organization__territory=territory, organization__is_active=True, is_active=True)
    site_count = sites.count()
    operators = Membership.objects.filter(role=Role.OPERATOR, organization__territory=territory)
    signed_in = operators.filter(user__last_login__isnull=False).count()
    test_withdrawn = Revision.objects.filter(notice__territory=territory, action=RevisionAction.WITHDRAWN).exists()
    slug = territory.slug
    invite_url = reverse("console:invite", args=[slug])
    organization = territory.organizations.filter(is_active=True).order_by("pk").first()
    if organization:
        invite_url += f"?adherent={organization.pk}"
    test_url = ""
    if site_count:
        test_url = reverse("console:notice_create") + f"?site={sites.first().pk}&categorie=autre&essai=1"
    return [
        Step("communes", _("Des communes couvertes"), communes > 0,
             _("%(count)s commune(s) couverte(s).") % {"count": communes},
             _("Choisir les communes"), reverse("console:territory_communes", args=[slug])),
        Step("site", _("Un site industriel"), site_count > 0,
             _("%(count)s site(s) actif(s).") % {"count": site_count},
             _("Ajouter un adhérent et son site"), reverse("console:organization_create", args=[slug])),
        Step("operator", _("Un rédacteur qui s'est déjà connecté"), signed_in > 0,
             _("%(signed)s rédacteur(s) connecté(s) sur %(count)s.") % {"signed": signed_in, "count": operators.count()},
             _("Inviter un rédacteur"), invite_url),
        Step("phone", _("Le numéro vert de la ligne téléphonique"), bool(territory.toll_free_number),
             territory.toll_free_number or _("Pas encore de numéro."),
             _("Renseigner le numéro"), reverse("console:territory_edit", args=[slug]) + "#reglages"),
        Step("accessibility", _("L'état de conformité de la déclaration d'accessibilité"),
             territory.accessibility_confirmed_at is not None,
             territory.get_accessibility_status_display(),
             _("Confirmer l'état de conformité"), "#accessibilite"),
        Step("test_notice", _("Un message d'essai publié puis retiré"), test_withdrawn,
             _("Fait.") if test_withdrawn else _("Publiez un message d'essai, vérifiez-le, puis retirez-le."),
             _("Publier un message d'essai"), test_url),
    ]


def missing(territory):
    return [step for step in checklist(territory) if not step.done]


def confirm_accessibility(territory, status):
    territory.accessibility_status = status
    territory.accessibility_confirmed_at = timezone.now()
    territory.save(update_fields=["accessibility_status", "accessibility_confirmed_at", "updated_at"])


def publish_territory(actor, territory):
    """Put the territory on the public site once every step of the checklist is done."""
    if not Territory.objects.for_user(actor).filter(pk=territory.pk).exists():
        raise PermissionDenied(_("Seule la coordination du territoire peut le publier."))
    left = missing(territory)
    if left:
        raise ValidationError(
            _("Le territoire ne peut pas encore être publié. Il reste : %(steps)s.")
            % {"steps": " ; ".join(step.label for step in left)}
        )
    return services.set_published(territory, True)
