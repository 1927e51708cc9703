"""Work the task worker does for the phone line (queue "voice")."""
from django_tasks import task

from territories.models import Territory


@task(queue_name="voice")
def regenerate_bulletin(territory_id):
    from .services import regenerate_bulletin as regenerate

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is None:  # deleted since the change was queued
        return None
    return regenerate(territory).pk
