"""Conditional GET, once for every read that carries a validator: territory pages, the API's
cached reads, feeds, the widget and the spoken bulletins.

Django's own conditional-request support (django.utils.cache.get_conditional_response, the
code behind @condition) decides, as RFC 9110 says:
- If-None-Match is compared weakly, so W/"…" matches "…": the shipped nginx gzips pages, JSON
  and feeds and marks their ETag weak, and a client revalidating through it sends that back;
- If-Modified-Since gives a 304 when the resource has not changed since, and is ignored when
  If-None-Match is present (the ETag is the finer validator);
- If-Match / If-Unmodified-Since that fail give a 412.

The body is produced only when no 304 (or 412) is due: `respond` is called lazily, so a
revalidation costs what computing the validators costs, nothing more."""
import time
from datetime import timedelta

from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

# Last-Modified counts whole seconds, so two versions written within one second share it, and a
# client holding the first would get a 304 for the second: a notice missed. A date is only sent
# once no other version can share it any more, i.e. some time after the change (RFC 9110
# 8.8.2.2 counts 60 s; it also covers a publishing transaction that commits late). Until then
# the ETag alone validates, which every browser and the shipped nginx send anyway.
SETTLED = timedelta(seconds=60)


# How long after its expiry the shipped nginx may still hand a copy to the crowd while one
# request revalidates it (stale-while-revalidate, which bounds what nginx's `use_stale updating`
# would leave unbounded).
STALE_WHILE_REVALIDATE = 1


def proxy_expiry(started):
    """X-Accel-Expires for an answer whose validators were read just before `started` (epoch
    seconds): nginx holds the copy as fresh until the end of that second, then for
    STALE_WHILE_REVALIDATE more second(s) serves it only while one request revalidates it, so
    the shipped micro-cache (deploy/nginx/riverains.conf) never serves it more than 2 s after the
    database said it was current, whatever the answer took. An absolute time ("@…") rather than
    a number of seconds: nginx would count those from when the answer reached it, adding the
    answer's own time. nginx reads this header before Cache-Control and never passes it on;
    other shared caches (a CDN) still follow s-maxage. Assumes nginx and the application share a
    clock (same host, as shipped, or NTP)."""
    return f"@{int(started)}"


def timestamp(moment):
    """Whole seconds since the epoch (the precision of Last-Modified), or None for a change too
    recent to be told apart from the next one (see SETTLED)."""
    if moment is None or timezone.now() - moment < SETTLED:
        return None
    return int(moment.timestamp())


def conditional(request, respond, *, etag, last_modified=None, cache_control=None):
    """The answer to `request` for a resource whose current validators are `etag` (quoted, as
    quote_etag makes it) and `last_modified` (an aware datetime, or None to send none; a
    change less than SETTLED ago sends none either).

    `respond()` makes the full response; it is called only when the request's conditions do
    not already settle the answer. ETag, Last-Modified and `cache_control` (keyword arguments
    of patch_cache_control) go on every answer, 304 included, so that caches refresh their copy's
    headers on a revalidation; a public one also gets X-Accel-Expires (see proxy_expiry). Error
    responses from `respond()` are returned as they are."""
    started = time.time()
    seconds = timestamp(last_modified)
    response = get_conditional_response(request, etag=etag, last_modified=seconds)
    if response is None:
        response = respond()
        if not 200 <= response.status_code < 300:
            return response
    if response.status_code in (200, 206, 304):
        response["ETag"] = etag
        if seconds is not None:
            response["Last-Modified"] = http_date(seconds)
        if cache_control:
            patch_cache_control(response, **cache_control)
            if cache_control.get("public"):
                response["X-Accel-Expires"] = proxy_expiry(started)
    return response


def shared_cache_control(seconds):
    """What public reads say to caches: browsers always revalidate (a cheap 304), shared caches
    (a CDN) may keep a copy `seconds` seconds (the shipped nginx: see proxy_expiry), and serve
    it a second longer while they revalidate it."""
    return {"public": True, "max_age": 0, "s_maxage": seconds, "must_revalidate": True,
            "stale_while_revalidate": STALE_WHILE_REVALIDATE}
