"""Creating a territory, and who may: one function per action, as for notices.

A *network coordinator* (e.g. a regional chamber of commerce that runs several territories) is a
user with Django's own `territories.add_territory` permission, given by a superuser in the admin
by putting them in the group NETWORK_GROUP. Creating a territory makes them its coordinator, so
that every other rule (scoping, invitations, publishing) is the one of an ordinary coordinator:
their network is the territories they coordinate. A superuser may create territories too."""
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership, Role, Territory

NETWORK_GROUP = "Coordination de réseau de territoires"  # also in migration 0003
CREATE_PERMISSION = "territories.add_territory"


def may_create_territories(user):
    return user.is_authenticated and user.is_active and user.has_perm(CREATE_PERMISSION)


def network_group():
    """The group of network coordinators (made by a migration; made again if it was deleted)."""
    group, created = Group.objects.get_or_create(name=NETWORK_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="territories", codename="add_territory"))
    return group


def grant_network_coordination(user):
    user.groups.add(network_group())


@transaction.atomic
def create_territory(actor, territory, communes=()):
    """Save a new territory, unpublished, with `actor` as its coordinator (a superuser needs no
    role: they see every territory). The territory stays off the public site until published."""
    if not may_create_territories(actor):
        raise PermissionDenied(_("Seule une coordination de réseau peut créer un territoire."))
    territory.is_published = False
    territory.full_clean()
    territory.save()
    territory.communes.add(*communes)
    if not actor.is_superuser:
        Membership.objects.create(user=actor, role=Role.COORDINATOR, territory=territory)
    return territory


def set_published(territory, published):
    """Put a territory on the public site or take it off (the checklist is the console's)."""
    territory.is_published = published
    territory.save(update_fields=["is_published", "updated_at"])
    return territory
