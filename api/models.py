"""API tokens: how an operator's own systems publish for its organization.

A token acts for one organization, like an operator who may touch only that organization's
active sites: an OrganizationActor (territories.scoping), which notices.permissions recognises
by its type; it asks it `editable_sites()` / `editable_notices()` and records `created_by` as
the author of what it publishes.

Only a SHA-256 hash of the token is stored, so that reading the database gives no way in; the
clear token is shown once, when it is created. A short prefix stays visible so that people can
tell their tokens apart."""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from territories.models import Organization, Site
from territories.scoping import OrganizationActor

TOKEN_SCHEME = "rvr_"  # makes a leaked token recognisable by secret scanners
PREFIX_LENGTH = len(TOKEN_SCHEME) + 8
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(clear):
    return hashlib.sha256(clear.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, organization__is_active=True)

    def for_user(self, user):
        """Tokens a user may see and revoke: those of the organizations they may manage."""
        return self.filter(organization__in=Organization.objects.for_user(user))


class ApiToken(OrganizationActor, models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("adhérent")
    )
    name = models.CharField(_("nom"), max_length=100, help_text=_("Par exemple : « Supervision de l'unité 3 »."))
    prefix = models.CharField(_("début du jeton"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, organization, name, created_by):
        """Create a token; returns (token, clear value). The clear value is never stored."""
        clear = TOKEN_SCHEME + secrets.token_urlsafe(32)
        token = cls.objects.create(
            organization=organization, name=name, created_by=created_by,
            prefix=clear[:PREFIX_LENGTH], key_hash=hash_token(clear),
        )
        return token, clear

    @classmethod
    def authenticate(cls, clear):
        """The usable token matching a clear value, or None; notes when it was last used."""
        if not clear:
            return None
        token = cls.objects.usable().select_related("organization", "created_by").filter(key_hash=hash_token(clear)).first()
        if token is not None:
            token.touch()
        return token

    def touch(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    # --- the actor interface of notices.permissions -----------------------------------------

    def editable_sites(self):
        """The organization's active sites (none once the membership has ended)."""
        return Site.objects.filter(organization=self.organization_id, organization__is_active=True, is_active=True)

    def editable_notices(self):
        return Notice.objects.filter(site__in=self.editable_sites())


class IdempotentWrite(models.Model):
    """A write of the API sent with an `Idempotency-Key` header, and the answer it got.

    Stored in the write's own transaction (api.idempotency), so that it exists exactly when the
    write does: a client that lost the answer (a 503, a cut connection) and retries with the
    same key gets this answer again, and the write is not made twice. Kept 24 hours
    (`manage.py purge_idempotency_keys`, run by the scheduler)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path and the body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="api_idempotent_write_key")]

    def __str__(self):
        return f"{self.organization_id}:{self.key}"
