"""The bulletin follows the notices: every committed change queues its regeneration."""
import logging

from django.db import transaction

from . import conf

logger = logging.getLogger(__name__)


def queue_bulletin(sender, notice, **kwargs):
    """notice_changed is sent after commit (publish, update, end, cancel, withdraw, and the
    scheduler's start_due), so the worker will read the committed notices."""
    if not conf.regenerate_on_change():
        return
    from .tasks import regenerate_bulletin

    # on_commit runs at once outside a transaction, and after the outer one inside it.
    transaction.on_commit(lambda: regenerate_bulletin.enqueue(notice.territory_id))
