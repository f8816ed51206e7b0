"""The app's byte cache (:mod:`portal.kernel.cache`): Redis when ``REDIS_URL`` is set, else process memory."""

from __future__ import annotations

from flask import Flask, current_app

from portal.kernel.cache import Cache, MemoryCache, RedisCache


def get_cache(app: Flask | None = None) -> Cache:
    cache: Cache = (app or current_app).extensions["portal.cache"]
    return cache


def get_page_cache(app: Flask | None = None) -> Cache:
    """Where rendered pages are kept (:mod:`portal.http.pagecache`): the shared Redis when there is
    one, else a memory cache of their own, so a crawler walking every calendar filter evicts pages,
    never a feed that takes seconds to build."""
    cache: Cache = (app or current_app).extensions["portal.page_cache"]
    return cache


#: Bytes of rendered pages one process keeps without Redis.
PAGE_CACHE_BYTES = 32 * 1024 * 1024


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    cache: Cache = (
        RedisCache(url, timeout=float(app.config["REDIS_TIMEOUT"])) if url else MemoryCache()
    )
    app.extensions["portal.cache"] = cache
    app.extensions["portal.page_cache"] = cache if url else MemoryCache(PAGE_CACHE_BYTES)
