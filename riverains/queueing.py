"""How work waits in the task queue: priorities, and work that need not wait twice.

django-tasks-db's workers take the READY task of highest priority first, then the oldest. Bulk
work whose every run redoes everything (a territory's spoken bulletin) goes after the rest, and
is queued at most once while it waits: 200 publishes in a row queue one regeneration per
territory, not 200 ahead of everything else."""
import zlib

from django.db import connections
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, normalize_json
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

BULK = -50  # work redone in full at each run, where minutes late do no harm: bulletins


def enqueue_once(task, *args):
    """Queue `task(*args)` unless the same call is already waiting (READY: not yet started — a
    running one may have read the data before the change that asks for a new run). Returns the
    new result, or None when one was waiting. Backends other than the database queue as usual."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return task.enqueue(*args)
    using = DBTaskResult.objects.db
    # SQLite: an exclusive transaction; PostgreSQL: a lock on this very call. Either way two
    # publishes at the same moment cannot both find nothing waiting and both queue.
    with exclusive_transaction(using):
        _lock(using, task.module_path, args)
        waiting = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path,
            args_kwargs=normalize_json({"args": list(args), "kwargs": {}}),
        )
        if waiting.exists():
            return None
        return task.enqueue(*args)


def _lock(using, task_path, args):
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = zlib.crc32(repr((task_path, args)).encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
