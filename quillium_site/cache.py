"""The cache over Redis, made to outlive Redis restarts: Django's RedisCache raises on every call while Redis is
away, which made every page a 500. Here a read while Redis is away is a miss and a write is skipped (all the site
caches can be recomputed from PostgreSQL), and only counters, which can't be made up, raise `CacheUnavailable` so
their caller decides (the sign-in throttle fails closed). Short socket timeouts keep a hung Redis from holding
requests."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("quillium.cache")

WARN_EVERY_SECONDS = 30.0
DEFAULT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}


class CacheUnavailable(Exception):
    """The cache couldn't count (Redis is down or not answering)."""


def _quiet(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The Redis cache's method, answering `fallback(*args)` (a miss, a skipped write) while Redis is away."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def quiet(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                self._unavailable(error)
                return fallback(*args, **kwargs)

        return quiet

    return wrap


def _default(key: Any, default: Any = None, *rest: Any, **kwargs: Any) -> Any:
    return kwargs.get("default", default)


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._warned_at = 0.0

    def _unavailable(self, error: RedisError) -> None:
        # One line per half-minute per process, not one per request, while Redis is away.
        if time.monotonic() - self._warned_at > WARN_EVERY_SECONDS:
            self._warned_at = time.monotonic()
            logger.warning("The cache (Redis) is not answering; reading from the database meanwhile: %s", error)

    get = _quiet(_default)(RedisCache.get)
    get_many = _quiet(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _quiet(lambda *args, **kwargs: False)(RedisCache.has_key)
    set = _quiet(lambda *args, **kwargs: None)(RedisCache.set)
    add = _quiet(lambda *args, **kwargs: False)(RedisCache.add)
    set_many = _quiet(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)  # every key failed
    touch = _quiet(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _quiet(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _quiet(lambda *args, **kwargs: None)(RedisCache.delete_many)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            self._unavailable(error)
            raise CacheUnavailable(str(error)) from error
