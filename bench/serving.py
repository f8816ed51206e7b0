"""What the HTTP benchmarks share: a real `portal serve` on loopback, and a request-rate probe."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests


@contextmanager
def served(
    instance: str, workers: int = 1, demo: bool = False, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`portal serve` on a free loopback port over ``instance`` (``demo``: migrated and seeded with
    the demo first, as `serve --demo`), with ``env`` added to its environment; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": instance,
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_RATELIMIT_ENABLED": "false",
        **(env or {}),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "portal",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *(["--demo"] if demo else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600 if demo else 150):
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:  # not listening yet, or too busy to answer in time
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # still working through a load generator's queue
            server.kill()
            server.wait(timeout=20)


def rate(
    session: requests.Session,
    url: str,
    seconds: float,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> float:
    """Requests per second for ``seconds``, reading each body as sent (compressed bytes are not decoded,
    as a proxy or a calendar server's fetcher stores them)."""
    count, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        response = session.get(url, timeout=30, headers=headers, stream=True)
        response.raw.read()
        assert response.status_code == expect, response.status_code
        response.close()
        count += 1
    return count / seconds
