"""Invitations: how a coordinator brings a new operator or co-coordinator into the console.

Only a hash of the token is stored, so that reading the database does not give a way in; the
link in the e-mail carries the token itself. Resending makes a new token: the old link dies."""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.models import Organization, Role, Territory

INVITATION_LIFETIME = timedelta(days=7)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_territories(self, territories):
        return self.filter(Q(territory__in=territories) | Q(organization__territory__in=territories))


class Invitation(models.Model):
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        constraints = [
            # Same shape as a Membership: a coordinator of a territory, an operator of an organization.
            models.CheckConstraint(
                condition=(
                    Q(role="coordinator", territory__isnull=False, organization__isnull=True)
                    | Q(role="operator", organization__isnull=False, territory__isnull=True)
                ),
                name="invitation_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.email} — {self.get_role_display()} — {self.scope}"

    @property
    def scope(self):
        return self.territory or self.organization

    @property
    def scope_territory(self):
        return self.territory or self.organization.territory

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    def new_token(self):
        """Give the invitation a fresh token and a fresh week; return the token for the link."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.sent_at = timezone.now()
        self.expires_at = self.sent_at + INVITATION_LIFETIME
        return token

    @classmethod
    def find(cls, token):
        return cls.objects.filter(token_hash=hash_token(token)).select_related("territory", "organization").first()
