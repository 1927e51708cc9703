"""Serve a territory's machine-readable reads (active-notices JSON, feeds) from its fingerprint.

These are what everyone hits during a surge. public.cache.fingerprint(territory) changes the
moment a notice of the territory is written, so a body cached under it is never stale; the
same fingerprint is the ETag, so clients and proxies revalidate for a cheap 304 (two small
queries: the territory and the fingerprint)."""
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, quote_etag

from public.cache import fingerprint


def serve_fingerprinted(request, territory, kind, variant, render, content_type, headers=None):
    """Answer with `render()` (bytes or str), cached per (territory fingerprint, kind, variant).

    `variant` says what else shapes the body (normalised filters, a notice and revision);
    conditional requests with a matching If-None-Match get a 304."""
    digest, last_modified = fingerprint(territory)
    etag = quote_etag(f"{kind}-{digest}")
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        variant_key = hashlib.blake2b(repr(variant).encode(), digest_size=12).hexdigest()
        key = f"{kind}:{territory.pk}:{digest}:{variant_key}"
        body = cache.get(key)
        if body is None:
            body = render()
            body = body.encode() if isinstance(body, str) else body
            cache.set(key, body, settings.PUBLIC_CACHE_SECONDS * 20)
        response = HttpResponse(body, content_type=content_type)
        for name, value in (headers or {}).items():
            response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    # Browsers always revalidate (a cheap 304); shared caches may hold the body a few seconds.
    response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PUBLIC_CACHE_SECONDS}, must-revalidate"
    return response
