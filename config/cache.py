"""The Redis cache, degrading to "no cache" while Redis cannot be reached.

Django's own RedisCache raises redis' ConnectionError from every call when the server is down, so
an unreachable Redis would turn every page that touches the cache (allauth's rate limits on the
log-in page, cached pages, the market charts) into a 500. This backend answers as an empty cache
instead: a read is a miss, a write is dropped, and the error is logged. After a connection error
or a timeout it does not ask Redis again for `pause_after_error` seconds (default 5), so a dead or
silent server costs one short timeout (`socket_connect_timeout`/`socket_timeout` in OPTIONS,
settings.REDIS_TIMEOUT) every few seconds per process, not one per call.

While Redis is down, allauth's rate limits are not enforced (every count starts empty, and its lock
taken with `add` is granted): log-in keeps working rather than refusing everyone. `/readyz` still
reports the cache as failed, through `ping()`, which raises.

`caches_from_environment` makes settings.CACHES["default"] from the environment: REDIS_URL, else
CACHE_URL (any cache django-environ knows; a redis:// one gets this backend too), else local memory.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

PAUSE_AFTER_ERROR_SECONDS = 5.0
DJANGO_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def caches_from_environment(env) -> dict:
    """The default cache's settings from a django-environ Env (REDIS_URL wins over CACHE_URL)."""
    url = env.str("REDIS_URL", default="") or env.str("CACHE_URL", default="") or "locmemcache://"
    config = env.cache_url_config(url)
    if config["BACKEND"] == DJANGO_REDIS_CACHE:
        timeout = env.float("REDIS_TIMEOUT", default=0.5)
        config["BACKEND"] = f"{__name__}.FaultTolerantRedisCache"
        config.setdefault("OPTIONS", {}).update(socket_connect_timeout=timeout, socket_timeout=timeout)
    # Sites (or test runs) sharing one Redis keep apart by a prefix of their own.
    config["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
    return config


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.pause_after_error = float(options.pop("pause_after_error", PAUSE_AFTER_ERROR_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._unreachable_until = 0.0

    # --- the safety net ------------------------------------------------------------------------

    def _tolerate(self, fallback, method, *args, **kwargs):
        """`method(*args, **kwargs)`, or `fallback` when Redis fails (or failed moments ago)."""
        if time.monotonic() < self._unreachable_until:
            return fallback
        try:
            return method(*args, **kwargs)
        except RedisError as error:
            if isinstance(error, RedisConnectionError | RedisTimeoutError):
                self._unreachable_until = time.monotonic() + self.pause_after_error
                logger.warning(
                    "The cache (Redis) cannot be reached (%s); serving without it for %.0f s.",
                    error,
                    self.pause_after_error,
                )
            else:
                logger.warning("The cache (Redis) refused %s: %s", method.__name__, error)
            return fallback

    def ping(self) -> None:
        """Ask Redis directly, raising its error: for the readiness probe, which must see failures."""
        self._cache.get_client(write=True).ping()
        self._unreachable_until = 0.0

    # --- every BaseCache operation RedisCache implements -----------------------------------------

    def get(self, key, default=None, version=None):
        return self._tolerate(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerate({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._tolerate(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerate(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that failed to be inserted.
        return self._tolerate(list(data), super().set_many, data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as if stored: a lock taken with add() (allauth's rate limits take one) must let the
        # caller through rather than make it wait for a lock no one holds, then refuse it.
        return self._tolerate(True, super().add, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._tolerate(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._tolerate(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._tolerate(None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found.")  # a miss, as BaseCache.incr says for one
        return result

    def clear(self):
        return self._tolerate(False, super().clear)
