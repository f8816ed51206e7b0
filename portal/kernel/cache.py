"""A small byte cache: in process memory by default, in Redis when ``REDIS_URL`` is set, so several
workers and machines share what one of them computed (generated feeds, remote PxWeb responses). A Redis
that fails is stood in for by process memory until it answers again."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol

from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class Cache(Protocol):
    def get(self, key: str) -> bytes | None:
        """The stored value, or None when absent or expired."""

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store ``value`` for at most ``ttl_seconds``."""


class MemoryCache:
    """Least-recently-used, bounded by total bytes, per process."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            # Expiry is a cache lifetime, not a rule of the portal, so the process clock is right here.
            if item[0] < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if len(value) > self._max:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + ttl_seconds, value)
            self._size += len(value)
            while self._size > self._max:
                self._drop(next(iter(self._items)))

    def _drop(self, key: str) -> None:
        _, value = self._items.pop(key)
        self._size -= len(value)


def redis_options(timeout: float) -> dict[str, Any]:
    """Options for every Redis client of the portal (this cache, the rate limiter's counters): connect
    and answer within ``timeout`` seconds, and no retries; the caller falls back to its own memory."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
    }


class RedisCache:
    """Shared through Redis. When Redis fails (refused, or silent past ``timeout``) a per-process
    :class:`MemoryCache` stands in for ``retry_seconds``, with one warning, and then Redis is tried
    again: a cache that is down makes the portal slower, never fail (issue 16)."""

    def __init__(
        self,
        url: str,
        prefix: str = "portal:cache:",
        timeout: float = 0.5,
        retry_seconds: float = 30.0,
    ) -> None:
        import redis

        self._client = redis.Redis.from_url(url, **redis_options(timeout))
        self._prefix = prefix
        self._local = MemoryCache(max_bytes=16 * 1024 * 1024)
        self._retry_seconds = retry_seconds
        # Monotonic time until which Redis counts as down (a process timer, not the portal's clock).
        self._down_until = 0.0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if self._down():
            return self._local.get(key)
        try:
            value = self._client.get(self._prefix + key)
        except RedisError as error:
            self._failed(error)
            return self._local.get(key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if self._down():
            self._local.set(key, value, ttl_seconds)
            return
        try:
            self._client.set(self._prefix + key, value, ex=ttl_seconds)
        except RedisError as error:
            self._failed(error)
            self._local.set(key, value, ttl_seconds)

    def _down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, error: Exception) -> None:
        with self._lock:
            if self._down():
                return
            self._down_until = time.monotonic() + self._retry_seconds
        log.warning(
            "Redis cache unreachable (%s): caching in this process for %.0f s, then trying again",
            error,
            self._retry_seconds,
        )
