"""A real portal served by `portal serve --demo` on loopback, and headless Debian Chromium to drive it.

Browser tests skip with a message where Chromium or axe-core is missing, unless PORTAL_REQUIRE_BROWSER is
set (as .ci/run does), when a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE_CANDIDATES = [
    os.environ.get("PORTAL_AXE_JS", ""),
    str(ROOT / ".ci" / "cache" / "node_modules" / "axe-core" / "axe.min.js"),
    str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
]


def _missing(what: str) -> None:
    message = f"{what}; install it as .ci/run does to run the browser tests"
    if os.environ.get("PORTAL_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def axe_source() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text()
    _missing("axe-core is not installed (npm install axe-core)")
    raise AssertionError


@pytest.fixture(scope="session")
def served_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    instance = tmp_path_factory.mktemp("served")
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": str(instance),
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_RATELIMIT_ENABLED": "false",
    }
    env.pop("PORTAL_DATABASE_URL", None)
    log = (instance / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "serve", "--demo", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError((instance / "serve.log").read_text())
        time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        _missing(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
