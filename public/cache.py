"""Caching of public reads (territory page, active-notices JSON, feeds).

A territory's *fingerprint* is read from the database at every request — one indexed aggregate —
and changes whenever a notice of the territory is written, or when the next scheduled start
passes. Responses are cached under that fingerprint, so every web process (with or without a
shared cache) stops serving a page the moment a publish commits: no invalidation message to lose.
The same fingerprint is the ETag, so browsers, reverse proxies and CDNs revalidate for a 304."""
import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from notices.models import Notice, Status
from territories.models import Territory


def fingerprint(territory):
    """(etag, last_modified) describing everything public about the territory's notices now."""
    now = timezone.now()
    agg = Notice.objects.filter(territory=territory).aggregate(
        last=Max("updated_at"),
        count=Count("id"),
        # When the next scheduled start passes this value changes, so a notice turns "active"
        # on every page at its start time even before the worker marks it ongoing.
        next_start=Min("starts_at", filter=Q(status=Status.SCHEDULED, starts_at__gt=now)),
    )
    # The day matters too: "today", "tomorrow" and the upcoming window move at midnight.
    day = timezone.localdate(now).isoformat()
    parts = [territory.pk, territory.updated_at, agg["last"], agg["count"], agg["next_start"], day]
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    last_modified = max(d for d in (territory.updated_at, agg["last"]) if d is not None)
    return digest, last_modified


def cached_territory_view(view):
    """Serve `view(request, territory, ...)` from the cache while the territory's fingerprint holds.

    The wrapped view receives the Territory object. Only GET/HEAD without a query string are
    cached (filters and pagination go straight to the view)."""

    @wraps(view)
    def wrapper(request, territory, *args, **kwargs):
        territory = get_object_or_404(Territory.objects.published(), slug=territory)
        if request.method not in ("GET", "HEAD"):
            return view(request, territory, *args, **kwargs)
        digest, last_modified = fingerprint(territory)
        etag = quote_etag(f"{digest}-{get_language()}")
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        else:
            key = f"page:{request.get_full_path()}:{get_language()}:{digest}"
            response = cache.get(key) if not request.GET else None
            if response is None:
                response = view(request, territory, *args, **kwargs)
                if hasattr(response, "render"):
                    response = response.render()
                if response.status_code == 200 and not request.GET:
                    cache.set(key, response, settings.PUBLIC_CACHE_SECONDS * 20)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        # The language is in the URL, so no Vary on Accept-Language. Browsers always revalidate
        # (a cheap 304); shared caches may hold the page a few seconds.
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PUBLIC_CACHE_SECONDS}, must-revalidate"
        return response

    return wrapper
