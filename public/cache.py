"""The territory pages' cache: a page is served from the cache while its territory's fingerprint
holds, with its ETag (a 304 on revalidation). The fingerprint, the cached answers and the
machine-readable reads live in notices.reads, which the API uses too; their names are
importable from here as well (feeds, commune pages, the podcast, the widget)."""
from functools import wraps

from django.conf import settings
from django.utils.http import quote_etag
from django.utils.translation import get_language

from notices.reads import (  # noqa: F401 (re-exported for the public views)
    cached_answer,
    fingerprint,
    invalidate,
    published_territory,
    replayable,
    serve_fingerprinted,
)
from riverains.http import conditional, shared_cache_control


def _page_variant(request):
    """What the cached copy of a page depends on besides the territory; None when it is not
    cached at all (a query string: filters and pagination go straight to the view)."""
    if request.method not in ("GET", "HEAD") or request.GET:
        return None
    return (request.path, get_language())


def cached_territory_view(view):
    """Serve `view(request, territory, ...)` from the cache while the territory's fingerprint holds.

    The wrapped view receives the Territory object. Only GET/HEAD without a query string are
    cached (filters and pagination go straight to the view)."""

    @wraps(view)
    def wrapper(request, territory, *args, **kwargs):
        variant = _page_variant(request)
        territory = published_territory(territory, answer=("page", variant) if variant else None)
        if request.method not in ("GET", "HEAD"):
            return view(request, territory, *args, **kwargs)
        digest, last_modified = fingerprint(territory)
        etag = quote_etag(f"{digest}-{get_language()}")
        # The page carries the ETag it was rendered under, so its live refresh (public-live.js)
        # asks /etat.json "changed since this?" and the very first poll can already get a 304.
        request.territory_etag = etag

        def render():
            response = view(request, territory, *args, **kwargs)
            return response.render() if hasattr(response, "render") else response

        def page():
            if variant is None:
                return render()
            return cached_answer(territory, "page", variant, digest, render,
                                 keep=lambda response: response.status_code == 200)

        # The language is in the URL, so no Vary on Accept-Language.
        response = conditional(request, page, etag=etag, last_modified=last_modified,
                               cache_control=shared_cache_control(settings.PUBLIC_CACHE_SECONDS))
        return replayable(response, territory) if variant is not None else response

    return wrapper
