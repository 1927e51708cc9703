"""`manage.py check --deploy`: production without a shared cache (REDIS_URL)."""
from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS = ("LocMemCache", "DummyCache")


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    """With several web processes (gunicorn's workers), a per-process cache means each one
    renders and keeps the public pages for itself, and keeps its own audience counters until it
    flushes them: a surge costs several times the work."""
    if settings.DEV:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if not backend.endswith(PER_PROCESS):
        return []
    return [Warning(
        "No shared cache: each web process caches the public pages and counts page views for itself.",
        hint="Set REDIS_URL (README, Configuration) so that every web process shares one cache.",
        id="riverains.W001",
    )]
