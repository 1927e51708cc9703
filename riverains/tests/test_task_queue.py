"""The task queue (issue 12, item 7): a burst of publishes queues one bulletin regeneration per
territory, and a task whose worker died is run again (riverains.queueing, riverains.taskworker).
(The relay sends nothing through it: its sender, run_relay, is the one sending path.)"""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from riverains.taskworker import MAX_RUNS, Worker, requeue_lost_tasks
from voice.tasks import regenerate_bulletin

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "relay", "voice"]}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (queueing), as a real commit would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def queue(settings):
    """The production queue (rows in the database, run by db_worker), not the tests' immediate one."""
    settings.TASKS = DATABASE_QUEUE
    settings.VOICE_REGENERATE_ON_CHANGE = True
    return DBTaskResult.objects


def regenerations(queue, territory, status=TaskResultStatus.READY):
    return queue.filter(task_path=regenerate_bulletin.module_path, status=status,
                        args_kwargs={"args": [territory.pk], "kwargs": {}}).count()


def test_a_burst_of_publishes_queues_one_bulletin_regeneration_per_territory(world, queue, committed):
    for i in range(20):
        with committed(execute=True):
            world.publish(title=f"Torchage n° {i}")
    with committed(execute=True):
        world.publish(site=world.site_c)
    assert regenerations(queue, world.x) == 1
    assert regenerations(queue, world.y) == 1


def test_a_publish_while_the_regeneration_runs_queues_the_next_one(world, queue, committed):
    """The running one may have read the notices before this publish: one more must follow."""
    with committed(execute=True):
        world.publish()
    queue.filter(task_path=regenerate_bulletin.module_path).update(status=TaskResultStatus.RUNNING)
    for title in ("Torchage prolongé", "Torchage prolongé encore"):
        with committed(execute=True):
            world.publish(title=title)
    assert regenerations(queue, world.x) == 1
    assert regenerations(queue, world.x, TaskResultStatus.RUNNING) == 1


def worker(**options):
    """Run in-process by tests that use transactional_db: the worker checks its connection as in
    production, which closes one left inside a test's transaction."""
    defaults = dict(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    return Worker(**{**defaults, **options})


def started(result, worker_id, seconds_ago):
    queue = DBTaskResult.objects.filter(pk=result.id)
    queue.update(status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=seconds_ago))
    row = queue.get()
    row.worker_ids = [*row.worker_ids, worker_id]
    row.save(update_fields=["worker_ids"])
    return row


def test_a_task_left_running_by_a_dead_worker_is_queued_again_and_a_live_one_s_is_not(world, queue, settings):
    settings.TASKS_RUNNING_TIMEOUT = 60
    lost = started(regenerate_bulletin.enqueue(world.x.pk), "dead-worker", seconds_ago=61)
    busy = started(regenerate_bulletin.enqueue(world.y.pk), "live-worker", seconds_ago=5)

    assert requeue_lost_tasks() == 1

    assert queue.get(pk=lost.pk).status == TaskResultStatus.READY
    assert queue.get(pk=busy.pk).status == TaskResultStatus.RUNNING


def test_a_task_that_keeps_killing_its_worker_is_given_up(world, queue, settings):
    settings.TASKS_RUNNING_TIMEOUT = 60
    result = regenerate_bulletin.enqueue(world.x.pk)
    for run in range(MAX_RUNS):
        row = started(result, f"worker-{run}", seconds_ago=61)
        requeue_lost_tasks()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "riverains.taskworker.WorkerLost"


def test_a_worker_restarted_with_the_same_id_runs_again_what_its_previous_life_left(transactional_db, world, queue,
                                                                                    settings):
    """systemd restarts riverains-worker@1 with the id it had: no need to wait for the timeout."""
    settings.TASKS_RUNNING_TIMEOUT = 600
    left = started(regenerate_bulletin.enqueue(world.x.pk), "host-1", seconds_ago=5)
    other = started(regenerate_bulletin.enqueue(world.y.pk), "host-2", seconds_ago=5)

    worker(worker_id="host-1", max_tasks=1).run()

    assert queue.get(pk=left.pk).status == TaskResultStatus.SUCCESSFUL
    assert queue.get(pk=other.pk).status == TaskResultStatus.RUNNING  # another worker's, alive
