"""A small byte cache: in process memory by default, in Redis when ``REDIS_URL`` is set, so several
workers and machines share what one of them computed (generated feeds, remote PxWeb responses). A Redis
that fails is stood in for by process memory until it answers again.

:func:`build_once` puts a shared lock in front of an expensive value, so that when many requests on many
machines find it missing at once, one builds it and the others wait for its result (issue 23)."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class Cache(Protocol):
    def get(self, key: str) -> bytes | None:
        """The stored value, or None when absent or expired."""

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Store ``value`` for at most ``ttl_seconds``."""

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The stored values of ``keys``, in their order (None where absent), in one round trip."""

    def set_many(self, items: Mapping[str, bytes], ttl_seconds: int) -> None:
        """Store every item for at most ``ttl_seconds``, in one round trip."""

    def add(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        """Store ``value`` only if ``key`` holds nothing; whether it was stored. The shared lock of
        :func:`build_once`: of many callers at once, on any machine sharing the cache, one gets True."""

    def discard(self, key: str, value: bytes) -> None:
        """Remove ``key`` if it still holds ``value`` (a lock is released only by its holder)."""


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

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self.get(key) for key in keys]

    def set_many(self, items: Mapping[str, bytes], ttl_seconds: int) -> None:
        for key, value in items.items():
            self.set(key, value, ttl_seconds)

    def add(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] >= time.monotonic():
                return False
            if item is not None:
                self._drop(key)
            self._items[key] = (time.monotonic() + ttl_seconds, value)
            self._size += len(value)
            while self._size > self._max:
                self._drop(next(iter(self._items)))
            return True

    def discard(self, key: str, value: bytes) -> None:
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[1] == value:
                self._drop(key)

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


#: Keys per MGET or pipelined SET: a feed asks for one fragment per release (20,000 and more).
_BATCH = 1000
#: Compare and delete in one step, so a lock that expired and was taken by another is left alone.
_DISCARD = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


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

    def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if self._down():
            return self._local.get_many(keys)
        found: list[bytes | None] = []
        try:
            for start in range(0, len(keys), _BATCH):
                batch = [self._prefix + key for key in keys[start : start + _BATCH]]
                values = self._client.mget(batch)
                found.extend(v if isinstance(v, bytes) else None for v in values)
        except RedisError as error:
            self._failed(error)
            return self._local.get_many(keys)
        return found

    def set_many(self, items: Mapping[str, bytes], ttl_seconds: int) -> None:
        if self._down():
            self._local.set_many(items, ttl_seconds)
            return
        try:
            pipe = self._client.pipeline(transaction=False)
            for n, (key, value) in enumerate(items.items(), start=1):
                pipe.set(self._prefix + key, value, ex=ttl_seconds)
                if n % _BATCH == 0:
                    pipe.execute()
            pipe.execute()
        except RedisError as error:
            self._failed(error)
            self._local.set_many(items, ttl_seconds)

    def add(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        if self._down():
            return self._local.add(key, value, ttl_seconds)
        try:
            # SET NX PX: atomic in Redis, so one caller of all the machines gets the key.
            stored = self._client.set(
                self._prefix + key, value, nx=True, px=max(1, int(ttl_seconds * 1000))
            )
        except RedisError as error:
            self._failed(error)
            return self._local.add(key, value, ttl_seconds)
        return bool(stored)

    def discard(self, key: str, value: bytes) -> None:
        if self._down():
            self._local.discard(key, value)
            return
        try:
            self._client.eval(_DISCARD, 1, self._prefix + key, value)
        except RedisError as error:
            self._failed(error)
            self._local.discard(key, value)

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


def build_once(
    cache: Cache,
    key: str,
    build: Callable[[], bytes],
    *,
    ttl_seconds: int,
    wait_seconds: float = 20.0,
    lock_seconds: float = 60.0,
    poll_seconds: float = 0.05,
) -> bytes:
    """The value under ``key``, built by ``build`` and stored for ``ttl_seconds`` when absent.

    Of the callers that find it absent at once, in every process sharing ``cache``, one holds the lock
    ``key + ":building"`` (for at most ``lock_seconds``, so a builder that died frees it) and builds;
    the others wait for its result for at most ``wait_seconds`` and then build it themselves rather
    than hang. The key must name everything the value depends on: a waiter takes whatever is stored.
    """
    lock = key + ":building"
    token = uuid.uuid4().hex.encode()
    # Waiting is bounded in process time, not the portal's clock (which tests hold still).
    deadline = time.monotonic() + wait_seconds
    while True:
        stored = cache.get(key)
        if stored is not None:
            return stored
        if cache.add(lock, token, lock_seconds):
            try:
                # A builder may have stored it and let go between our get and our add.
                stored = cache.get(key)
                if stored is None:
                    stored = build()
                    cache.set(key, stored, ttl_seconds)
                return stored
            finally:
                cache.discard(lock, token)
        if time.monotonic() >= deadline:
            log.warning(
                "Waited %.0f s for %s to be built elsewhere: building it here", wait_seconds, key
            )
            stored = build()
            cache.set(key, stored, ttl_seconds)
            return stored
        time.sleep(poll_seconds)
