"""The bulletin follows the notices: every committed change queues its regeneration, unless one
is already waiting for that territory (voice.tasks.queue_regeneration)."""
import logging

from django.db import transaction
from django.dispatch import receiver

from notices.signals import notice_changed

from . import conf

logger = logging.getLogger(__name__)


@receiver(notice_changed, dispatch_uid="voice.queue_bulletin")
def queue_bulletin(sender, notice, **kwargs):
    """notice_changed is sent after commit (publish, update, end, cancel, withdraw, and the
    scheduler's start_due), so the worker will read the committed notices."""
    if not conf.regenerate_on_change():
        return
    from .tasks import queue_regeneration

    # on_commit runs at once outside a transaction, and after the outer one inside it. Robust:
    # the notice is stored; a queue that fails now must not turn that into an error (the
    # scheduler's regenerate_bulletins catches up within five minutes).
    transaction.on_commit(lambda: queue_regeneration(notice.territory_id), robust=True)
