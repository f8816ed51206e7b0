"""A small byte cache: in process memory by default, in Redis when ``REDIS_URL`` is set, so several
workers and machines share what one of them computed (generated feeds, later remote PxWeb responses)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Protocol

from flask import Flask, current_app


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


class RedisCache:
    def __init__(self, url: str, prefix: str = "portal:cache:") -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def get(self, key: str) -> bytes | None:
        value = self._client.get(self._prefix + key)
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._client.set(self._prefix + key, value, ex=ttl_seconds)


def get_cache(app: Flask | None = None) -> Cache:
    cache: Cache = (app or current_app).extensions["portal.cache"]
    return cache


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["portal.cache"] = RedisCache(url) if url else MemoryCache()
