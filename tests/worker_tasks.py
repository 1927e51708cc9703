"""A task for the worker tests: notes each run in a file; its first run takes its time, so that a
test can stop the worker (or the database) meanwhile and see whether it is run again."""
import time
from pathlib import Path

from django_tasks import task


@task()
def record_run(path, first_run_seconds):
    runs = Path(path)
    first = not runs.exists()
    with runs.open("a", encoding="utf-8") as f:
        f.write("run\n")
    if first:
        time.sleep(first_run_seconds)
    return "done"
