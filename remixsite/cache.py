"""Django's Redis cache backend, keeping one redis-py client per connection pool.

Django wraps the pooled connections in a new `redis.Redis` for every cache call. With redis-py 8
that construction costs about 60 µs, most of a loopback round trip, and a signed-in page makes at
least two cache calls (session and user). Django's cache handler already gives each thread its own
backend instance, so each thread keeps its own clients; the pools are unchanged."""
from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
