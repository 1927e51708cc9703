"""Who may see and change which rows: one primitive for every model's `for_user` queryset,
and the two kinds of actor that act on notices.

An actor is either a person (a User: operator, coordinator or superuser, through the console)
or an OrganizationActor (an API token, which acts for one organization like one of its
operators, but is nobody: the notices.permissions functions ask `isinstance`, not what the
object happens to have)."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinateur du territoire")
    OPERATOR = "operator", _("rédacteur de l'adhérent")


class OrganizationActor:
    """Mixin of what acts for one organization without being a person (api.models.ApiToken):
    it has `organization_id` and `created_by` (the person recorded as author), and answers
    `editable_sites()` and `editable_notices()`."""

    def editable_sites(self):
        raise NotImplementedError

    def editable_notices(self):
        raise NotImplementedError


def acts_for_organization(actor):
    return isinstance(actor, OrganizationActor)


def _path(prefix, field):
    return f"{prefix}__{field}" if prefix else field


def scoped(queryset, user, *, territory, organization=None, **operator_conditions):
    """The rows of `queryset` a user may see: none for an anonymous visitor, all for a
    superuser; else those under the territories they coordinate (`territory`: the path from a
    row to its territory, "" for a territory itself) and, when `organization` is given (the path
    to the row's organization), under the organizations they operate for, where
    `operator_conditions` also hold (a deactivated member no longer publishes)."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    allowed = Q(**{_path(territory, "memberships__user"): user, _path(territory, "memberships__role"): Role.COORDINATOR})
    if organization is not None:
        allowed |= Q(
            **{_path(organization, "memberships__user"): user, _path(organization, "memberships__role"): Role.OPERATOR},
            **operator_conditions,
        )
    return queryset.filter(allowed).distinct()
