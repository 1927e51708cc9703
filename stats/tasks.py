"""The same flush as a django-tasks task, for deployments that schedule work through the queue."""
from django_tasks import task

from . import counting


@task()
def flush_page_views():
    return counting.flush()
