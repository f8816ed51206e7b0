"""The byte cache: per process by default, shared through Redis when configured."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from portal.kernel.cache import MemoryCache, RedisCache, build_once


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


def _caches() -> list[tuple[str, object]]:
    """A memory cache, and a Redis one when PORTAL_TEST_REDIS_URL names a Redis (each its own keys)."""
    found: list[tuple[str, object]] = [("memory", MemoryCache())]
    url = os.environ.get("PORTAL_TEST_REDIS_URL")
    if url:
        found.append(("redis", RedisCache(url, prefix=f"test:{uuid.uuid4().hex}:")))
    return found


@pytest.mark.parametrize("name", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_add_is_a_lock_only_its_holder_releases(name: str) -> None:
    caches = dict(_caches())
    if name not in caches:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    cache = caches[name]
    assert isinstance(cache, MemoryCache | RedisCache)
    assert cache.add("lock", b"first", ttl_seconds=5)
    assert not cache.add("lock", b"second", ttl_seconds=5)
    cache.discard("lock", b"second")  # not its holder: stays
    assert cache.get("lock") == b"first"
    cache.discard("lock", b"first")
    assert cache.get("lock") is None
    assert cache.add("short", b"a", ttl_seconds=0.05)
    time.sleep(0.1)
    assert cache.add("short", b"b", ttl_seconds=5)  # a holder that died lets go at its time
    cache.set_many({"x": b"1", "y": b"2"}, ttl_seconds=5)
    assert cache.get_many(["x", "nothing", "y"]) == [b"1", None, b"2"]
    assert cache.get_many([]) == []


@pytest.mark.parametrize("name", ["memory", pytest.param("redis", marks=pytest.mark.redis)])
def test_build_once_builds_once_for_many_callers_at_once(name: str) -> None:
    caches = dict(_caches())
    if name not in caches:
        pytest.skip("PORTAL_TEST_REDIS_URL is not set: no Redis to test against")
    cache = caches[name]
    assert isinstance(cache, MemoryCache | RedisCache)
    builds: list[int] = []
    barrier = threading.Barrier(20)

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.3)  # long enough for every caller to find it missing
        return b"feed"

    def ask(results: list[bytes]) -> None:
        barrier.wait(timeout=10)
        results.append(build_once(cache, "feed", build, ttl_seconds=60, poll_seconds=0.01))

    results: list[bytes] = []
    threads = [threading.Thread(target=ask, args=(results,)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [b"feed"] * 20 and len(builds) == 1


def test_build_once_builds_itself_when_the_builder_never_finishes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = MemoryCache()
    assert cache.add("feed:building", b"a builder that died", ttl_seconds=60)
    value = build_once(
        cache, "feed", lambda: b"built here", ttl_seconds=60, wait_seconds=0.2, poll_seconds=0.01
    )
    assert value == b"built here" and cache.get("feed") == b"built here"
    assert "building it here" in caplog.text
