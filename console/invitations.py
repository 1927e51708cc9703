"""Inviting someone into the console, and accepting: one function per action, as for notices."""
import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territories.models import Membership, Role

from .models import Invitation

logger = logging.getLogger(__name__)


def invite(actor, email, role, scope):
    """Create an invitation for `scope` (a territory for a coordinator, an organization for an
    operator) and e-mail its link. Returns (invitation, sent): the invitation is kept even when
    the mail server is down, so that the coordinator resends it instead of typing it again."""
    invitation = Invitation(email=email, role=role, invited_by=actor)
    if role == Role.COORDINATOR:
        invitation.territory = scope
    else:
        invitation.organization = scope
    token = invitation.new_token()
    invitation.save()
    return invitation, _send(invitation, token)


def resend(invitation):
    """A new link, valid a new week; the previous link stops working. True when the mail left."""
    token = invitation.new_token()
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    return _send(invitation, token)


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


def _send(invitation, token):
    link = settings.SITE_URL + reverse("console:invitation_accept", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": invitation.invited_by}
    subject = _("Invitation à publier sur Riverains — %(scope)s") % {"scope": invitation.scope}
    body = render_to_string("console/emails/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):
        # The mail server is down or refused: say so to the coordinator, keep the invitation.
        logger.warning("invitation %s: the e-mail could not be sent", invitation.pk, exc_info=True)
        return False
    return True
