"""Django's Redis cache, made to survive Redis being away.

The cache only speeds things up (thumbnail names, rate-limit counters), so
while Redis is down or restarting a page must still render: a read is a
miss, a write is dropped, ``incr`` answers as for a missing key (callers of
``incr`` already handle that), and each failure is logged. Connecting and
reading time out quickly, so a Redis that hangs cannot hold a request.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _down(operation: str, error: Exception) -> None:
    logger.warning("cache %s skipped, Redis unavailable: %s", operation, error)


class ForgivingRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis (copying its table of reply parsers) for every
        # command; one client per connection pool serves them all (it is thread-safe,
        # taking a connection from the pool for each command).
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except REDIS_DOWN as error:
            _down("add", error)
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except REDIS_DOWN as error:
            _down("get", error)
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except REDIS_DOWN as error:
            _down("set", error)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except REDIS_DOWN as error:
            _down("touch", error)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except REDIS_DOWN as error:
            _down("delete", error)
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except REDIS_DOWN as error:
            _down("get_many", error)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except REDIS_DOWN as error:
            _down("has_key", error)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except REDIS_DOWN as error:
            _down("incr", error)
            raise ValueError(f"Key '{key}' not found (Redis unavailable)") from error

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except REDIS_DOWN as error:
            _down("set_many", error)

    def delete_many(self, keys):
        try:
            return super().delete_many(keys)
        except REDIS_DOWN as error:
            _down("delete_many", error)
            return 0

    def clear(self):
        try:
            return super().clear()
        except REDIS_DOWN as error:
            _down("clear", error)
            return False


class ForgivingRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that treats an absent Redis as a miss."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
