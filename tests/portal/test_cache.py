"""The byte cache: per process by default, shared through Redis when configured."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from portal.kernel.cache import MemoryCache, RedisCache


def test_memory_cache_expires_and_evicts_by_size() -> None:
    cache = MemoryCache(max_bytes=10)
    cache.set("a", b"12345", ttl_seconds=60)
    cache.set("b", b"67890", ttl_seconds=60)
    assert cache.get("a") == b"12345"
    cache.set("c", b"xyz", ttl_seconds=60)  # over 10 bytes: the least recently used ("b") goes
    assert cache.get("b") is None and cache.get("a") == b"12345" and cache.get("c") == b"xyz"
    cache.set("d", b"!", ttl_seconds=0)
    time.sleep(0.01)
    assert cache.get("d") is None
    cache.set("huge", b"x" * 11, ttl_seconds=60)
    assert cache.get("huge") is None


@pytest.mark.redis
def test_redis_cache_is_shared_between_instances() -> None:
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    prefix = f"test:{uuid.uuid4().hex}:"
    first, second = RedisCache(url, prefix=prefix), RedisCache(url, prefix=prefix)
    first.set("feed", b"\x00body", ttl_seconds=5)
    assert second.get("feed") == b"\x00body"
    assert second.get("other") is None
