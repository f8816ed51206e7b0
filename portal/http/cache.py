"""The app's byte cache (:mod:`portal.kernel.cache`): Redis when ``REDIS_URL`` is set, else process memory."""

from __future__ import annotations

from flask import Flask, current_app

from portal.kernel.cache import Cache, MemoryCache, RedisCache


def get_cache(app: Flask | None = None) -> Cache:
    cache: Cache = (app or current_app).extensions["portal.cache"]
    return cache


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    app.extensions["portal.cache"] = (
        RedisCache(url, timeout=float(app.config["REDIS_TIMEOUT"])) if url else MemoryCache()
    )
