"""A Redis cache backend that never takes the site down with it.

Django's ``RedisCache`` raises when Redis is unreachable, which would turn every
cached page into a 500. ``ResilientRedisCache`` treats an unreachable Redis as an
empty cache: reads miss, writes are dropped, and the page is rendered from the
database. It logs once when Redis goes away and once when it comes back, and for
``RETRY_SECONDS`` after a failure it does not try again, so readers do not each
wait for a connection timeout while Redis is down.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("vetted.cache")

RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache backend; an unreachable Redis behaves as an empty cache."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._is_down = False
        self._lock = threading.Lock()

    @property
    def is_down(self):
        """Whether the last attempt to reach Redis failed (and we are waiting before retrying)."""
        return self._is_down

    def _guard(self, operation, default, *args, **kwargs):
        if self._is_down and time.monotonic() < self._down_until:
            return default
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            with self._lock:
                self._down_until = time.monotonic() + RETRY_SECONDS
                if not self._is_down:
                    self._is_down = True
                    logger.warning("Redis is unreachable (%s); serving pages uncached until it answers again", error)
            return default
        if self._is_down:
            with self._lock:
                if self._is_down:
                    self._is_down = False
                    logger.info("Redis answers again; page caching resumed")
        return result

    def add(self, key, value, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return self._guard(super().add, False, key, value, version=version, **kwargs)

    def get(self, key, default=None, version=None):
        return self._guard(super().get, default, key, default, version=version)

    def set(self, key, value, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return self._guard(super().set, None, key, value, version=version, **kwargs)

    def touch(self, key, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return self._guard(super().touch, False, key, version=version, **kwargs)

    def delete(self, key, version=None):
        return self._guard(super().delete, False, key, version=version)

    def get_many(self, keys, version=None):
        return self._guard(super().get_many, {}, keys, version=version)

    def has_key(self, key, version=None):
        return self._guard(super().has_key, False, key, version=version)

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError, as the cache API promises; only
        # an unreachable Redis is swallowed (and reported as None).
        return self._guard(super().incr, None, key, delta, version=version)

    def set_many(self, data, timeout=..., version=None):
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return self._guard(super().set_many, list(data), data, version=version, **kwargs)

    def delete_many(self, keys, version=None):
        return self._guard(super().delete_many, None, keys, version=version)

    def clear(self):
        return self._guard(super().clear, False)
