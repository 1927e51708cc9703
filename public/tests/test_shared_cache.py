"""The shared-cache path (REDIS_URL in production): fingerprints kept in the cache under a
version that each change increments after commit. Here the per-process memory cache stands in
for Redis: the mechanism is the same."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from notices import services
from notices.models import Notice
from notices import reads as public_cache


@pytest.fixture
def shared_cache(settings):
    settings.SHARED_CACHE = True
    cache.clear()
    yield
    cache.clear()


def territory_url(world):
    return reverse("public:territory", args=[world.x.slug])


def test_a_cache_hit_asks_the_database_nothing(client, world, shared_cache, django_assert_num_queries):
    client.get(territory_url(world))
    with django_assert_num_queries(0):
        response = client.get(territory_url(world))
    assert response.status_code == 200


def test_a_publish_shows_at_once_even_from_the_cache(client, world, shared_cache, django_capture_on_commit_callbacks):
    first = client.get(territory_url(world))
    with django_capture_on_commit_callbacks(execute=True):
        world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=1), title="Torchage imprévu")
    second = client.get(territory_url(world), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Torchage imprévu" in second.content.decode()


def test_an_end_shows_at_once_in_the_api_too(client, world, shared_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=5))
    url = f"/api/v1/territories/{world.x.slug}/notices?status=active"
    assert client.get(url).json()["count"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.end(world.operator_a, notice)
    assert client.get(url).json()["count"] == 0


def test_a_scheduled_notice_appears_at_its_start_without_any_write(client, world, shared_cache):
    notice = world.publish(starts_at=timezone.now() + timedelta(hours=1), title="Essai programmé")
    public_cache.invalidate(world.x.pk)  # a clean start: nothing cached from the publish
    before = client.get(territory_url(world))
    assert "Essai programmé" not in before.content.decode().split('id="a-venir"')[0]
    # The start passes; the worker has not run yet (status still scheduled), nothing was written.
    Notice.objects.filter(pk=notice.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    state = cache.get(f"fingerprint:{world.x.slug}:{cache.get(public_cache._version_key(world.x.slug), 0)}")
    assert state is not None and state[2] <= timezone.now() + timedelta(hours=1)
    # Simulate the clock passing the cached validity limit.
    cache.set(f"fingerprint:{world.x.slug}:{cache.get(public_cache._version_key(world.x.slug), 0)}",
              (*state[:2], timezone.now() - timedelta(seconds=1)))
    after = client.get(territory_url(world))
    assert "Essai programmé" in after.content.decode().split('id="a-venir"')[0]


def test_editing_a_site_shows_at_once_from_the_cache(client, world, shared_cache, django_capture_on_commit_callbacks):
    url = world.site_a.get_absolute_url()
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        world.site_a.description = "Présentation corrigée"
        world.site_a.save()
    assert "Présentation corrigée" in client.get(url).content.decode()


def test_the_redis_backend_reuses_one_client(settings):
    """riverains.cache keeps one Redis client per pool instead of one per call."""
    from riverains.cache import ReusingClient

    client = ReusingClient(["redis://127.0.0.1:6379/15"])
    assert client.get_client() is client.get_client()
    assert client.get_client(write=True) is client.get_client()


@pytest.mark.parametrize("url", ["/seine-estuaire/", "/api/v1/territories/seine-estuaire/notices?status=active"])
def test_a_cache_hit_costs_two_cache_round_trips(client, world, shared_cache, django_assert_num_queries, monkeypatch, url):
    """The territory's version, then the territory, its fingerprint and the answer itself in one
    get_many: what a surge's every request costs (the JSON bytes and the page alike)."""
    world.publish(kind="observed", starts_at=timezone.now() - timedelta(minutes=1), title="Torchage")
    public_cache.invalidate(world.x.pk)
    first = client.get(url)
    calls, inside = [], []

    def counted(name, real):
        def call(*args, **kwargs):
            if not inside:  # the memory backend's get_many calls get for each key; Redis sends one MGET
                calls.append(name)
            inside.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()
        return call

    for name in ("get", "get_many", "set", "set_many", "add", "incr"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert calls == ["get", "get_many"]
