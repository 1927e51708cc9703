"""Work the task worker does for the phone line (queue "voice")."""
from django_tasks import task

from riverains.queueing import BULK, enqueue_once
from territories.models import Territory


# Bulk: any other task queued meanwhile goes first (riverains.queueing).
@task(queue_name="voice", priority=BULK)
def regenerate_bulletin(territory_id):
    from .services import regenerate_bulletin as regenerate

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:  # deleted since the change was queued
        return None
    return regenerate(territory).pk


def queue_regeneration(territory_id):
    """One regeneration waiting per territory at most: it reads every notice when it runs, so
    200 publishes in a row need one, not 200 (each takes about half a second of speech synthesis)."""
    return enqueue_once(regenerate_bulletin, territory_id)
