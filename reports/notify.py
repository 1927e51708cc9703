"""E-mails of the reports app: a new episode to the coordinators and the sites most likely
concerned; the outcome to the residents who asked for it, after which their address is erased.

They go through the relay's outbox (relay.transactional), written when decided: each recipient
gets a recorded delivery, retried while the mail server is down, its error visible in the
console."""
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notices.models import Notice
from relay import transactional
from relay.models import ChannelKind, MessageKind
from territories.models import Role

from . import episodes
from .models import Episode, Report, ReportSettings

logger = logging.getLogger(__name__)
# A site farther than this from the reports is not told, unless no site is nearer.
NOTIFY_MAX_KM = 15.0


def episode_opened(episode_id):
    episode = Episode.objects.select_related("territory").get(pk=episode_id)
    rules = ReportSettings.for_territory(episode.territory)
    ranked, blowing = episodes.sites_concerned(episode)
    chosen = [t for t in ranked if t[1] is None or t[1] <= NOTIFY_MAX_KM][: rules.sites_to_notify] or ranked[:1]
    episode.notified_sites.set([site for site, _d, _u in chosen])
    users = get_user_model().objects.filter(is_active=True)
    coordinators = users.filter(memberships__role=Role.COORDINATOR, memberships__territory=episode.territory)
    operators = users.filter(
        memberships__role=Role.OPERATOR, memberships__organization__in={s.organization_id for s, _d, _u in chosen}
    )
    recipients = sorted({u.email for u in [*coordinators, *operators] if u.email})
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "episode": episode, "sites": chosen, "wind": blowing,
            "kinds": sorted({r.get_kind_display() for r in episode.reports.all()}),
            "url": settings.SITE_URL + reverse("console:reports_episode", args=[episode.pk]),
        }
        subject = _("Épisode de signalements non expliqués — %(territory)s") % {"territory": episode.territory.name}
        body = render_to_string("reports/email/episode_opened.txt", context)
    with transaction.atomic():
        for address in recipients:  # one row each: one refused address does not hold up the others
            transactional.queue(
                MessageKind.STAFF_ALERT, ChannelKind.EMAIL, address=address, territory=episode.territory,
                reference=episode.pk, payload={"subject": subject, "body": body},
            )


def reporters_explained(notice_id, report_ids):
    notice = Notice.objects.select_related("territory").get(pk=notice_id)
    url = settings.SITE_URL + notice.get_absolute_url()
    for report in Report.objects.filter(pk__in=report_ids).exclude(email=""):
        _tell(report, "reports/email/explained.txt", {"notice": notice, "url": url, "report": report})


def reporters_closed(episode_id):
    episode = Episode.objects.select_related("territory").get(pk=episode_id)
    for report in episode.reports.exclude(email=""):
        _tell(report, "reports/email/closed.txt", {"episode": episode, "report": report})


@transaction.atomic
def _tell(report, template, context):
    """One e-mail; the address moves from the report to the outbox row, which forgets it once the
    e-mail has left (relay.sender): it was given for this answer only."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Votre signalement du %(date)s") % {"date": timezone.localtime(report.observed_at).strftime("%d/%m/%Y")}
        body = render_to_string(template, context)
    transactional.queue(
        MessageKind.REPORT_ANSWER, ChannelKind.EMAIL, address=report.email, territory=report.territory,
        reference=report.pk, payload={"subject": subject, "body": body},
    )
    Report.objects.filter(pk=report.pk).update(email="")
