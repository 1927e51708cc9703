"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django builds a new redis.Redis client for every cache call; with redis-py 5+ that costs about
0.3 ms (it rebuilds its table of response callbacks each time) — more than the round trip
itself, and the public read path makes several calls per request. A redis.Redis client is
thread-safe and only borrows connections from its pool, so one per pool is enough."""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient
