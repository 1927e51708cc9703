"""Inviting someone into the console, and accepting: one function per action, as for notices.

The invitation e-mail goes through the relay's outbox like every message a person receives: the
request only records it; the relay's sender sends it, retries while the mail server is down, and
the coordinator's list of invitations says where it stands (`with_sending`)."""
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relay import transactional
from relay.channels.base import PermanentError
from relay.models import ChannelKind, Delivery, DeliveryStatus, MessageKind
from territories.models import Membership, Role

from .models import Invitation


@transaction.atomic
def invite(actor, email, role, scope):
    """Create an invitation for `scope` (a territory for a coordinator, an organization for an
    operator) and queue its e-mail."""
    invitation = Invitation(email=email, role=role, invited_by=actor)
    if role == Role.COORDINATOR:
        invitation.territory = scope
    else:
        invitation.organization = scope
    invitation.new_token()  # the link's token is made again when the e-mail leaves (build_email)
    invitation.save()
    _queue(invitation)
    return invitation


@transaction.atomic
def resend(invitation):
    """A new e-mail with a new link, valid a new week; the previous link stops working now."""
    Delivery.objects.filter(
        kind=MessageKind.INVITATION, reference=invitation.pk, status=DeliveryStatus.PENDING
    ).delete()  # an e-mail still waiting would only carry a link that no longer works
    invitation.new_token()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _queue(invitation)


def revoke(invitation):
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def accept(invitation, user):
    """Give `user` the invited role and spend the invitation (single use)."""
    # Lock the row so that two tabs accepting at once make one membership, not two.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        return None
    membership, _created = Membership.objects.get_or_create(
        user=user, role=invitation.role, territory=invitation.territory, organization=invitation.organization
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def with_sending(invitations):
    """The invitations with their latest e-mail's outbox state: sending_status (pending, sending,
    sent, failed), sending_error, sending_attempts, sending_next (when it is tried again) and
    sending_sent (when it left)."""
    latest = Delivery.objects.filter(kind=MessageKind.INVITATION, reference=OuterRef("pk")).order_by("-pk")
    return invitations.annotate(**{
        f"sending_{name}": Subquery(latest.values(field)[:1])
        for name, field in [("status", "status"), ("error", "last_error"), ("attempts", "attempts"),
                            ("next", "next_attempt_at"), ("sent", "sent_at")]
    })


def _queue(invitation):
    transactional.queue(
        MessageKind.INVITATION, ChannelKind.EMAIL, address=invitation.email,
        territory=invitation.scope_territory, reference=invitation.pk,
    )


@transactional.builds(MessageKind.INVITATION)
def build_email(delivery):
    """The invitation e-mail, with a link made now: its token's hash replaces the one stored, so
    the outbox never holds a working link and only the latest e-mail's link works."""
    invitation = Invitation.objects.select_related("territory", "organization", "invited_by").filter(
        pk=delivery.reference).first()
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        raise PermanentError("invitation annulée ou déjà acceptée : rien à envoyer")
    token = invitation.new_token()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    link = settings.SITE_URL + reverse("console:invitation_accept", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invitation.invited_by}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Invitation à publier sur Riverains — %(scope)s") % {"scope": invitation.scope}
        body = render_to_string("console/emails/invitation.txt", context)
    return transactional.email(delivery, subject, body)
