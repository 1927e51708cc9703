"""Who may act on which site and notice. An actor is a User (console) or an OrganizationActor
(an API token, which acts for one organization; territories.scoping); both answer the same two
questions."""
from territories.models import Role, Site
from territories.scoping import acts_for_organization

from .models import Notice


def sites_for(actor):
    if acts_for_organization(actor):
        return actor.editable_sites()
    return Site.objects.for_user(actor)


def notices_for(actor):
    if acts_for_organization(actor):
        return actor.editable_notices()
    return Notice.objects.editable_by(actor)


def is_coordinator_of(actor, territory):
    """Coordinators (and superusers) may correct and withdraw any notice of their territory."""
    if acts_for_organization(actor) or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return actor.memberships.filter(role=Role.COORDINATOR, territory=territory).exists()


def user_for(actor):
    """The person to record as author: the user, or whoever created the API token."""
    return actor.created_by if acts_for_organization(actor) else actor
