from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def test_health_is_ok_with_a_database_and_an_empty_queue(client, db):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_reports_a_worker_that_does_not_keep_up(client, db):
    DBTaskResult.objects.create(
        task_path="notices.tasks.nothing", args_kwargs={"args": [], "kwargs": {}}, queue_name="default",
        backend_name="default", run_after=timezone.now() - timedelta(minutes=10),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json()["worker"] == "late"
