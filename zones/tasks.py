"""Background work of the zones app: the wind is fetched here, never in a web request."""
from django_tasks import task

from . import services


@task()
def refresh_notice_zone(notice_id):
    services.refresh_notice(notice_id)
