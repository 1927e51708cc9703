"""Bulk work waits behind the rest (issue 12, item 7): bulletin regenerations are queued at
BULK priority (riverains.queueing), so whatever is queued after them, of ordinary priority, is
run first by db_worker."""
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from riverains.taskworker import Worker
from stats.tasks import flush_page_views
from voice.tasks import regenerate_bulletin


# Transactional: the worker checks its connection as in production, which closes one left
# inside a test's transaction.
def test_ordinary_work_is_run_before_bulletins_queued_ahead_of_it(transactional_db, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "voice"]}}
    bulletins = [regenerate_bulletin.enqueue(territory.pk) for territory in (world.x, world.y)]
    other = flush_page_views.enqueue()

    Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False, max_tasks=1,
           worker_id="test-worker", excluded_queue_names=[]).run()

    assert DBTaskResult.objects.get(pk=other.id).status == TaskResultStatus.SUCCESSFUL
    assert {DBTaskResult.objects.get(pk=b.id).status for b in bulletins} == {TaskResultStatus.READY}
