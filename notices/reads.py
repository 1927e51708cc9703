"""Caching of public reads (territory pages, active-notices JSON, feeds, widget), shared by the
public website (public.cache adds the pages' decorator) and the API, which is why it lives
below both of them.

A territory's *fingerprint* changes whenever a notice of the territory is written, when the
territory or one of its sites changes, when the next scheduled start passes and at midnight.
Responses are cached under it, and it is the ETag, so browsers, reverse proxies and CDNs
revalidate for a 304 (riverains.http.conditional: If-None-Match, weak or strong, and
If-Modified-Since).

Where the fingerprint comes from depends on the cache:
- per-process memory (the default, one web process): computed from the database at each
  request — one indexed aggregate — so nothing can go stale, with no invalidation to lose;
- a shared cache (REDIS_URL, several web processes): kept in the cache under a per-territory
  version number that every change increments *after commit*. A request reads the version
  before it reads the database, so a value computed from a state older than a change is filed
  under a version nobody reads any more: no stale page after a publish, and a cache hit costs
  two cache reads instead of two SQL queries.
"""
import hashlib
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import quote_etag

from notices.models import Notice, Status
from riverains import replay
from riverains.http import conditional, shared_cache_control
from territories.models import Territory

# Entries live this long at most even if no change comes (keeps memory bounded).
STATE_TIMEOUT = 600


def _version_key(slug):
    return f"territory-version:{slug}"


def invalidate(territory_id):
    """Called after commit whenever something public about the territory changed."""
    if not settings.SHARED_CACHE:
        return
    slug = Territory.objects.filter(pk=territory_id).values_list("slug", flat=True).first()
    if slug is None:
        return
    key = _version_key(slug)
    # add() then incr(): incr on a missing key raises; add is a no-op when the key exists.
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between the two calls
        cache.set(key, 1, None)


def _answer_key(territory_key, version, kind, variant):
    variant_key = hashlib.blake2b(repr(variant).encode(), digest_size=12).hexdigest()
    return f"answer:{kind}:{territory_key}:{version}:{variant_key}"


def published_territory(slug, answer=None):
    """The published territory with this slug, or Http404.

    With a shared cache, two cache round trips: the version, then the territory, its
    fingerprint and, when `answer` names it (kind, variant), the cached answer the request
    will want, together (kept on the object for fingerprint() and cached_answer() below): a
    surge's cache hit costs two round trips, not three."""
    if not settings.SHARED_CACHE:
        territory = Territory.objects.published().filter(slug=slug).first()
        if territory is None:
            raise Http404("territory")
        return territory
    version = cache.get(_version_key(slug), 0)  # read before the database: see above
    keys = {"territory": f"territory:{slug}:{version}", "state": f"fingerprint:{slug}:{version}"}
    if answer is not None:
        keys["answer"] = _answer_key(slug, version, *answer)
    found = cache.get_many(keys.values())
    territory = found.get(keys["territory"])
    if territory is None:
        territory = Territory.objects.published().filter(slug=slug).first()
        if territory is None:
            raise Http404("territory")
        # Short life: on the very first read a change could land between the query and here.
        cache.set(keys["territory"], territory, settings.PUBLIC_CACHE_SECONDS * 6)
    territory._fingerprint = (version, found.get(keys["state"]))
    territory._answers = {keys["answer"]: found.get(keys["answer"])} if answer is not None else {}
    return territory


def fingerprint(territory):
    """(digest, last_modified) describing everything public about the territory now."""
    if not settings.SHARED_CACHE:
        return _compute(territory)[:2]
    version, state = getattr(territory, "_fingerprint", (None, None))
    if version is None:
        version = cache.get(_version_key(territory.slug), 0)  # read before the database: see above
        state = cache.get(f"fingerprint:{territory.slug}:{version}")
    if state is None or state[2] <= timezone.now():
        state = _compute(territory)
        cache.set(f"fingerprint:{territory.slug}:{version}", state, STATE_TIMEOUT)
    territory._fingerprint = (version, state)
    return state[:2]


def _compute(territory):
    """(digest, last_modified, valid_until) from the database."""
    now = timezone.now()
    agg = Notice.objects.filter(territory=territory).aggregate(
        last=Max("updated_at"),
        count=Count("id"),
        # When the next scheduled start passes this value changes, so a notice turns "active"
        # on every page at its start time even before the worker marks it ongoing.
        next_start=Min("starts_at", filter=Q(status=Status.SCHEDULED, starts_at__gt=now)),
        last_start=Max("starts_at", filter=Q(status=Status.SCHEDULED, starts_at__lte=now)),
    )
    # The day matters too: "today", "tomorrow" and the upcoming window move at midnight.
    today = timezone.localdate(now)
    parts = [territory.pk, territory.updated_at, agg["last"], agg["count"], agg["next_start"], today.isoformat()]
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    # Last-Modified moves whenever the digest does, since If-Modified-Since alone may get a 304:
    # a write, but also a scheduled start passing (the notice turns active with no write yet)
    # and midnight.
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    last_modified = max(d for d in (territory.updated_at, agg["last"], agg["last_start"], day_start) if d is not None)
    midnight = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    valid_until = min(d for d in (agg["next_start"], midnight) if d is not None)
    return digest, last_modified, valid_until


def cached_answer(territory, kind, variant, digest, make, keep=lambda answer: True):
    """What `make()` answers for (kind, variant) while the territory's state is `digest`: from the
    cache when it holds one made under that state, else made now and kept if `keep(answer)`.

    With a shared cache it is filed under the territory's version (so published_territory can
    fetch it in the round trip it makes anyway) together with the digest it was made under,
    which must still be the current one: the digest also moves without a version change (a
    scheduled start passing, midnight). In per-process memory the digest is the version."""
    if settings.SHARED_CACHE:
        key = _answer_key(territory.slug, territory._fingerprint[0], kind, variant)
    else:
        key = _answer_key(territory.pk, digest, kind, variant)
    prefetched = getattr(territory, "_answers", {})
    stored = prefetched[key] if key in prefetched else cache.get(key)
    if stored is not None and stored[0] == digest:
        return stored[1]
    answer = make()
    if keep(answer):
        cache.set(key, (digest, answer), settings.PUBLIC_CACHE_SECONDS * 20)
    return answer


def serve_fingerprinted(request, territory, kind, variant, render, content_type, headers=None):
    """The machine-readable reads (active-notices JSON, feeds): answer with `render()` (bytes or
    str), cached per (territory fingerprint, kind, variant).

    These are what everyone hits during a surge. The fingerprint changes the moment a notice of
    the territory is written, so a body cached under it is never stale; it is also the ETag, so
    clients and proxies revalidate for a cheap 304. `variant` says what else shapes the body
    (normalised filters, a notice and revision); a caller that names (kind, variant) to
    published_territory saves a cache round trip."""
    digest, last_modified = fingerprint(territory)

    def rendered():
        content = render()
        return content.encode() if isinstance(content, str) else content

    def body():
        content = cached_answer(territory, kind, variant, digest, rendered)
        response = HttpResponse(content, content_type=content_type)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    response = conditional(request, body, etag=quote_etag(f"{kind}-{digest}"), last_modified=last_modified,
                           cache_control=shared_cache_control(settings.PUBLIC_CACHE_SECONDS))
    return replayable(response, territory)


def replayable(response, territory):
    """Let the web process replay a complete answer about `territory` without Django while the
    territory's version holds (riverains.replay): only with a shared cache, where the version is
    what every change bumps after commit."""
    if settings.SHARED_CACHE and response.status_code == 200:
        version, state = territory._fingerprint
        replay.mark(response, version_key=_version_key(territory.slug), version=version,
                    valid_until=state[2], last_modified=state[1])
    return response
