"""Zones follow notices: each revision gets its zone at once from the stored forecast, then the
worker fetches a fresh forecast and redraws it if the wind moved it."""
import logging

from django.db import transaction
from django.dispatch import receiver

from notices.signals import revision_created

from . import services

logger = logging.getLogger(__name__)


@receiver(revision_created, dispatch_uid="zones.zone_for_revision")
def zone_for_revision(sender, notice, revision, **kwargs):
    services.zone_for_revision(notice, revision)
    if notice.status in services.CURRENT_STATUSES and services.kinds_of(notice):
        transaction.on_commit(lambda: _enqueue(notice.pk))


def _enqueue(notice_id):
    from .tasks import refresh_notice_zone

    try:
        refresh_notice_zone.enqueue(notice_id)
    except Exception:  # a broken queue must not hide the notice: the scheduler redraws hourly
        logger.exception("zones: could not enqueue the refresh of notice %s", notice_id)
