"""A real portal served by `portal serve --demo` on loopback, and headless Debian Chromium to drive it.

Browser tests skip with a message where Chromium or axe-core is missing, unless PORTAL_REQUIRE_BROWSER is
set (as .ci/run does), when a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.devserver import free_port, instance_env, serving

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
    """``portal serve --demo`` with two workers over a fresh instance folder; its base URL. Startup,
    which migrates and seeds the demo data first, is given 180 s."""
    instance = tmp_path_factory.mktemp("served")
    port = free_port()
    with serving(
        [sys.executable, "-m", "portal", "serve", "--demo", "--port", str(port), "--workers", "2"],
        port=port,
        env=instance_env(instance),
        log=instance / "serve.log",
        timeout=180,
    ) as base:
        yield base


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
