"""The task worker (`manage.py db_worker`): django-tasks-db's, made fit to run unattended.

django-tasks-db 0.13 leaves three gaps (upstream issue RealOrangeOne/django-tasks#46):
- a query failing because the database went away (a PostgreSQL restart) ends the worker with a
  traceback: here it waits and reconnects (riverains.reconnect);
- a task whose worker died stays RUNNING for ever: here every worker, at start and every minute,
  and the scheduler (`requeue_lost_tasks`), put back in the queue the tasks RUNNING longer than
  TASKS_RUNNING_TIMEOUT (600 s, where every task of ours takes seconds), and the worker puts
  back at once its own tasks whose outcome it could not write;
- its SIGTERM handler may exit from inside a query: here SIGTERM lets the task in hand end and
  raises the process's stop flag (riverains.stopping), which long loops check.

A task is run at most MAX_RUNS times: one that keeps killing its worker ends FAILED."""
import logging
import random
import signal
from datetime import timedelta

from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import reconnect, stopping
from .env import env_int, setting

logger = logging.getLogger(__name__)
RECOVER_EVERY = timedelta(seconds=60)
MAX_RUNS = 5
# A task that failed only because the database went away is run again, not recorded as failed.
DATABASE_DOWN_PATHS = {f"{e.__module__}.{e.__qualname__}" for e in reconnect.DATABASE_DOWN}


def running_timeout():
    """Seconds after which a RUNNING task is deemed abandoned by a dead worker."""
    return setting("TASKS_RUNNING_TIMEOUT", env_int, 600)


def requeue_lost_tasks(now=None):
    """Tasks RUNNING for longer than the timeout go back to READY (or FAILED after MAX_RUNS)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=running_timeout())
    lost = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    return sum(requeue(task) for task in lost)


def requeue(task, why="its worker died", status=TaskResultStatus.RUNNING):
    """Back to READY, unless it has run MAX_RUNS times. The status condition leaves alone a task
    that has just finished, or that another worker has already put back."""
    same = DBTaskResult.objects.filter(pk=task.pk, status=status)
    if len(task.worker_ids) >= MAX_RUNS:
        same.update(status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                    exception_class_path="riverains.taskworker.WorkerLost",
                    traceback=f"Run {len(task.worker_ids)} times; {why} each time.")
        logger.error("task %s (%s) given up after %d runs: %s", task.pk, task.task_path, len(task.worker_ids), why)
        return 0
    changed = same.update(status=TaskResultStatus.READY, finished_at=None, exception_class_path="", traceback="")
    if changed:
        logger.warning("task %s (%s) queued again: %s", task.pk, task.task_path, why)
    return changed


class Worker(upstream.Worker):
    def __init__(self, **options):
        super().__init__(**options)
        self.unfinished = set()  # our tasks whose outcome a database outage kept us from writing
        self.next_recovery = timezone.now()
        self.looked_for_leftovers = False

    def shutdown(self, signum, frame):
        """Finish the task in hand (it is told to stop too) and leave with status 0; a second
        signal leaves at once. Never exits from inside a query, as the upstream handler may."""
        if not self.running:
            logger.warning("Received %s again: stopping now.", signal.strsignal(signum))
            self.reset_signals()
            raise SystemExit(1)
        logger.warning("Received %s: stopping after the task in hand.", signal.strsignal(signum))
        self.running = False
        stopping.request()

    def run(self):
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            stopping.sleep(random.random())  # several workers started together don't poll in step
        backoff = reconnect.Backoff(f"db_worker {self.worker_id}")
        while self.running:
            try:
                task_result, retrieved = self.turn()
            except reconnect.DATABASE_DOWN as error:
                if not backoff.wait(error):
                    return
                continue
            backoff.succeeded()
            if self.batch and retrieved and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and task_result is None:
                stopping.sleep(self.interval)

    def turn(self):
        self.recover_if_due()
        task_result, retrieved = self.claim_next()
        if task_result is not None:
            self.run_task(task_result)
        return task_result, retrieved

    def claim_next(self):
        """As upstream: the first ready task, locked, marked RUNNING with this worker's id."""
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
            except OperationalError as e:
                if is_locked_database_exception(e):  # SQLite busy: try again at the next turn
                    return None, False
                raise
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result, True

    def run_task(self, db_task_result):
        try:
            super().run_task(db_task_result)
        except reconnect.DATABASE_DOWN:
            # Its outcome could not be written: still RUNNING under our id, run again once back.
            self.unfinished.add(db_task_result.pk)
            raise
        if db_task_result.status == TaskResultStatus.FAILED and db_task_result.exception_class_path in DATABASE_DOWN_PATHS:
            requeue(db_task_result, "the database went away while it ran", status=TaskResultStatus.FAILED)

    def recover_if_due(self):
        """Our own tasks left RUNNING by a database outage, or by the previous life of this
        worker id (systemd restarts riverains-worker@N with the same id), at once; everyone's
        lost tasks at start and every RECOVER_EVERY."""
        if not self.looked_for_leftovers:
            for task in self.leftovers():
                requeue(task, "the previous process with this worker id died")
            self.looked_for_leftovers = True
        for task in DBTaskResult.objects.filter(pk__in=self.unfinished, status=TaskResultStatus.RUNNING):
            requeue(task, "the database went away while it ran")
        self.unfinished.clear()
        if timezone.now() >= self.next_recovery:
            requeue_lost_tasks()
            self.next_recovery = timezone.now() + RECOVER_EVERY

    def leftovers(self):
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        return [task for task in running if task.worker_ids and task.worker_ids[-1] == self.worker_id]
