"""The territory's cap of confirmation SMS, and telling its coordinators when it is reached.

"SMS pumping": a script subscribes thousands of numbers that pay whoever runs them, and the
platform pays for every confirmation code. Numbers of the countries a territory does not serve
are refused outright (relay.addresses.check_sms_country); beyond that, at most
`Territory.sms_confirmations_per_hour` confirmation SMS leave per territory in an hour (counted
by relay.services when one is queued, across every process: riverains.ratelimit). Past the cap
new SMS subscriptions are refused with a French message that points to e-mail, which keeps
working, and the coordinators get one e-mail at the first refusal — then none for an hour,
however many refusals follow — through the outbox like every message (a staff alert: recorded,
retried, its error on the console's relay page). The console's territory page shows the count
(`sms_figures`)."""
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from riverains import ratelimit
from territories.models import Role

from . import transactional
from .models import ChannelKind, MessageKind

logger = logging.getLogger(__name__)

SMS_CAP_SCOPE = "relay.sms-cap"
SMS_CAP_SECONDS = 3600
REFUSED_SCOPE = "relay.sms-cap-refused"  # its window is the hour in which coordinators are told once


def sms_cap_refused(territory):
    """Record one refused SMS subscription; the first of its hour tells the coordinators. One
    transaction: if the alert cannot be queued, the refusal is not counted and the next one
    tries again."""
    with transaction.atomic():
        refused = ratelimit.hit(REFUSED_SCOPE, territory.pk, 1, SMS_CAP_SECONDS)
        logger.warning("relay: SMS confirmation cap reached for territory %s (%s refused this hour)",
                       territory.pk, refused.hits)
        if refused.hits == 1:
            tell_coordinators(territory)


@dataclass(frozen=True)
class SmsFigures:
    cap: int
    sent: int  # confirmation SMS queued in the current window
    window_ends_at: Optional[datetime]
    refused: int  # SMS subscriptions refused at the cap in the current hour of refusals
    refused_until: Optional[datetime]

    @property
    def reached(self):
        return self.refused > 0 or (self.cap is not None and self.sent >= self.cap)


def sms_figures(territory):
    sent = ratelimit.peek(SMS_CAP_SCOPE, territory.pk)
    refused = ratelimit.peek(REFUSED_SCOPE, territory.pk)
    return SmsFigures(
        cap=territory.sms_confirmations_per_hour,
        sent=min(sent.hits, territory.sms_confirmations_per_hour) if sent else 0,
        window_ends_at=sent.resets_at if sent else None,
        refused=refused.hits if refused else 0,
        refused_until=refused.resets_at if refused else None,
    )


def tell_coordinators(territory):
    """One staff alert per coordinator (the territory's contact address when it has none)."""
    coordinators = get_user_model().objects.filter(
        is_active=True, memberships__role=Role.COORDINATOR, memberships__territory=territory
    ).exclude(email="")
    recipients = sorted({u.email for u in coordinators}) or ([territory.contact_email] if territory.contact_email else [])
    if not recipients:
        logger.warning("relay: nobody to tell that territory %s reached its SMS cap", territory.pk)
        return
    figures = sms_figures(territory)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "territory": territory, "figures": figures,
            "until": timezone.localtime(figures.window_ends_at or timezone.now()).strftime("%H:%M"),
            "settings_url": settings.SITE_URL + reverse("console:territory_edit", args=[territory.slug]),
        }
        subject = _("Plafond de SMS de confirmation atteint — %(territory)s") % {"territory": territory.name}
        body = render_to_string("relay/email/sms_cap_reached.txt", context)
    for address in recipients:
        transactional.queue(MessageKind.STAFF_ALERT, ChannelKind.EMAIL, address=address, territory=territory,
                            payload={"subject": subject, "body": body})
