"""A cache that never takes the site down: Redis errors degrade to "not cached".

``ResilientRedisCache`` is Django's Redis backend (``CACHES`` uses it when
``REDIS_URL`` is set). When Redis is down or slow, reads miss, writes are dropped
and the page is served uncached. The outage is logged once per process (and the
recovery once), not on every request, and for ``RETRY_SECONDS`` after a failure
the cache is skipped altogether so requests do not each wait for a timeout.

Other code may ask ``cache_is_up()`` (e.g. ``/healthz``), and wrap its own calls
to a non-default cache with ``degrade(default)``.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("cms.cache")

CACHE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
RETRY_SECONDS = 10.0


class _Outage:
    """Process-wide state of the cache connection (Django builds one cache object per thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since = None
        self.retry_at = 0.0

    def skip(self):
        """Whether to skip the cache for now: it failed less than RETRY_SECONDS ago."""
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error):
        with self.lock:
            first = self.down_since is None
            now = time.monotonic()
            if first:
                self.down_since = now
            self.retry_at = now + RETRY_SECONDS
        if first:
            logger.error("Cache unavailable, serving pages uncached until it is back: %s", error)

    def succeeded(self):
        if self.down_since is None:
            return
        with self.lock:
            was_down, self.down_since = self.down_since, None
        if was_down is not None:
            logger.warning("Cache available again after %.0f s", time.monotonic() - was_down)

    def reset(self):
        """Forget any outage (for tests)."""
        with self.lock:
            self.down_since = None
            self.retry_at = 0.0


outage = _Outage()


def cache_is_up():
    """False while the cache is known to be down (since its last failure, until a call succeeds)."""
    return outage.down_since is None


def degrade(default=None):
    """Decorator: run a cache call, or return ``default`` (logging the outage once) when the cache is down."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            if outage.skip():
                return default() if callable(default) else default
            try:
                result = method(*args, **kwargs)
            except CACHE_ERRORS as error:
                outage.failed(error)
                return default() if callable(default) else default
            outage.succeeded()
            return result

        return wrapper

    return decorate


def _missing_for_incr():
    raise ValueError("cache unavailable")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; when Redis fails, reads miss and writes are dropped (see module docstring)."""

    @degrade(default=False)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return degrade(default)(super().get)(key, default, version)

    @degrade(default=None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @degrade(default=False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @degrade(default=False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @degrade(default=dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @degrade(default=False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @degrade(default=_missing_for_incr)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @degrade(default=list)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @degrade(default=None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @degrade(default=False)
    def clear(self):
        return super().clear()
