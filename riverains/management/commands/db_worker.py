"""`manage.py db_worker`: django-tasks-db's command, same options, with riverains.taskworker's
Worker (reconnects after a database restart, runs again the tasks of a dead worker, stops
within seconds of SIGTERM). It replaces the upstream command because the `riverains` app comes
before `django_tasks_db` in INSTALLED_APPS, so that every deployment and bin/demo get it under
the name they already use."""
import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from riverains.taskworker import Worker


class Command(upstream.Command):
    help = "Run a database background worker (reconnects after a database restart, reruns lost tasks)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Upstream reloads on code changes when DEBUG is on; its reloader's parent process dies on
        # SIGTERM and leaves the worker running. Only on request here (--reload).
        parser.set_defaults(reload=False)

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options):
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise upstream.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                        startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded)
        if not reload:
            worker.configure_signals()
            worker.run()
        else:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child runs tasks
            run_with_reloader(worker.run)
