"""Background work of the reports app: nothing is e-mailed from a web request."""
from django_tasks import task

from . import notify


@task()
def notify_episode(episode_id):
    notify.episode_opened(episode_id)


@task()
def tell_reporters_explained(notice_id, report_ids):
    notify.reporters_explained(notice_id, report_ids)


@task()
def tell_reporters_closed(episode_id):
    notify.reporters_closed(episode_id)
