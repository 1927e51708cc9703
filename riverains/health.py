"""Health check for load balancers and monitoring: is the database answering, is the worker
keeping up with the queue? 200 when both are fine, 503 with the reason otherwise."""
from datetime import timedelta

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

# A task ready for longer than this means no worker is running, or it is overwhelmed.
QUEUE_LAG_LIMIT = timedelta(minutes=2)


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,), ""
    except Exception as e:  # any driver error means "not fine"; the reason goes to the monitor
        return False, f"{type(e).__name__}: {e}"[:200]


def queue_lag():
    """Age of the oldest task waiting for a worker (zero when the queue is empty)."""
    from django_tasks_db.models import DBTaskResult

    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return timezone.now() - oldest if oldest else timedelta(0)


@never_cache
def health(request):
    db_ok, db_error = database_ok()
    checks = {"database": "ok" if db_ok else db_error}
    healthy = db_ok
    if db_ok:
        lag = queue_lag()
        checks["queue_lag_seconds"] = round(lag.total_seconds(), 1)
        checks["worker"] = "ok" if lag <= QUEUE_LAG_LIMIT else "late"
        healthy = lag <= QUEUE_LAG_LIMIT
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
