"""The installed package is the product (issue 15): build the wheel, install it into a fresh virtual
environment outside the checkout, set up a portal as the README tells operators to, serve it with
gunicorn, and crawl its pages in nb and en, logged out and logged in as a portal administrator and as an
editor: no 5xx, no empty reply. Also: the CLI's help creates no file, and an unmigrated database is
named with what to run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from portal.devserver import free_port, serving

pytestmark = pytest.mark.install

ROOT = Path(__file__).resolve().parents[2]
PAGES_PER_CRAWL = 80
# Downloads that are large or slow and say nothing more about the pages than the page itself does.
SKIP = re.compile(r"/(logg-ut|log-out)|outputFormat=(xlsx|parquet)|format=(xlsx|parquet)|/feeds/")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment outside the checkout with the built wheel installed (not editable)."""
    where = tmp_path_factory.mktemp("installed")
    wheels = where / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    wheel = next(wheels.glob("statistikkportalen-*.whl"))
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        env=_outside(),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return venv


def _outside() -> dict[str, str]:
    """This environment without the checkout: a PYTHONPATH naming the checkout would let the venv's pip
    take the checkout's statistikkportalen.egg-info for the package already installed, and skip it."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }


def _env(instance: Path) -> dict[str, str]:
    env = _outside()
    env.update(
        PORTAL_INSTANCE_DIR=str(instance),
        PORTAL_LOG_LEVEL="WARNING",
        PORTAL_RATELIMIT_ENABLED="false",
        # Plain HTTP on loopback, so the session cookie may not be Secure-only (TLS is the proxy's).
        PORTAL_COOKIE_SECURE="false",
    )
    return env


def _run(
    venv: Path, cwd: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "portal"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_package_is_installed_not_linked(installed: Path, tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import portal, sys; print(portal.__file__)"],
        cwd=tmp_path,
        env=_outside(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages" in probe.stdout and str(ROOT) not in probe.stdout


def test_help_creates_nothing_and_an_unmigrated_database_says_what_to_run(
    installed: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path / "instance")
    for args in (["--help"], ["db", "--help"], ["user", "list", "--help"], ["tables", "--help"]):
        shown = _run(installed, tmp_path, env, *args)
        assert shown.returncode == 0 and "Usage:" in shown.stdout, shown.stderr
        assert "limiter" not in shown.stdout and "--env-file" not in shown.stdout
    assert list(tmp_path.iterdir()) == []
    refused = _run(installed, tmp_path, env, "user", "list")
    assert refused.returncode == 1
    assert "run `portal db upgrade`" in refused.stderr and "Traceback" not in refused.stderr
    current = _run(installed, tmp_path, env, "db", "current")
    assert "empty" in current.stdout and "portal db upgrade" in current.stdout
    assert _run(installed, tmp_path, env, "db", "upgrade").returncode == 0
    assert "(head)" in _run(installed, tmp_path, env, "db", "current").stdout
    # The remote PxWeb bridge's HTTP client is installed with the package.
    added = _run(
        installed,
        tmp_path,
        env,
        "remotes",
        "add",
        "--producer",
        "ssb",
        "--statistic",
        "kpi",
        "--base-url",
        "http://127.0.0.1:9/api/v2",
    )
    assert "ModuleNotFoundError" not in added.stderr and "Traceback" not in added.stderr
    assert added.returncode == 1  # no programme loaded yet: no producer 'ssb'


@pytest.fixture(scope="module")
def served(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The installed ``portal serve`` with two workers, set up as the README tells operators (migrate,
    seed the demo), run from a folder outside the checkout; its base URL once /readyz answers 200,
    every readiness check passed."""
    cwd = tmp_path_factory.mktemp("operator")
    env = _env(cwd / "instance")
    for args in (("db", "upgrade"), ("seed", "--demo")):
        done = _run(installed, cwd, env, *args)
        assert done.returncode == 0, done.stderr
    port = free_port()
    with serving(
        [str(installed / "bin" / "portal"), "serve", "--port", str(port), "--workers", "2"],
        port=port,
        env=env,
        cwd=cwd,
        log=cwd / "serve.log",
        timeout=60,
        probe="/readyz",
    ) as base:
        yield base


def _login(session: requests.Session, base: str, email: str, password: str) -> None:
    page = session.get(f"{base}/logg-inn", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token
    answer = session.post(
        f"{base}/logg-inn",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 303, answer.text[:500]


def _crawl(session: requests.Session, base: str, starts: list[str]) -> dict[str, int]:
    """Breadth-first over the portal's own links (GET only), at most PAGES_PER_CRAWL pages."""
    seen: dict[str, int] = {}
    queue = deque(urljoin(base, s) for s in starts)
    queued = set(queue)
    while queue and len(seen) < PAGES_PER_CRAWL:
        url = queue.popleft()
        try:
            response = session.get(url, timeout=60, allow_redirects=True)
        except requests.ConnectionError as error:  # an empty reply or a dropped connection
            raise AssertionError(f"{url}: no answer ({error})") from None
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        assert response.content or response.status_code in {204, 304}, f"{url}: empty body"
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)', response.text):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlsplit(target).netloc != urlsplit(base).netloc or SKIP.search(target):
                continue
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return seen


def test_a_crawl_of_the_installed_portal_finds_no_server_error(served: str) -> None:
    from tests.conftest import PORTAL_ADMIN, SSB_EDITOR

    crawled: dict[str, int] = {}
    anonymous = requests.Session()
    crawled |= _crawl(anonymous, served, ["/", "/en/"])
    admin = requests.Session()
    _login(admin, served, *PORTAL_ADMIN)
    admin_pages = _crawl(admin, served, ["/min-side/admin", "/en/my-page/admin", "/min-side"])
    assert any("/min-side/admin/brukere" in u for u in admin_pages)
    crawled |= {f"admin {u}": s for u, s in admin_pages.items()}
    editor = requests.Session()
    _login(editor, served, *SSB_EDITOR)
    editor_pages = _crawl(editor, served, ["/min-side", "/en/my-page", "/min-side/kalender"])
    crawled |= {f"editor {u}": s for u, s in editor_pages.items()}
    assert len(crawled) >= 200, len(crawled)
    assert any("/en/" in u for u in crawled) and any("/min-side/kalender" in u for u in crawled)
    assert requests.get(f"{served}/readyz", timeout=10).json()["status"] == "ok"
