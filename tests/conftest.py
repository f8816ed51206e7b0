"""Shared fixtures: a real, migrated database (SQLite, or PostgreSQL via PORTAL_TEST_DATABASE_URL) holding
the demo programme, and a fresh app per test whose every write is rolled back when the test ends."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.service import NewToken, create_token
from portal.app import create_app
from portal.demo import seed
from portal.http.db import get_database
from portal.kernel import migrate
from portal.kernel.clock import FixedClock
from portal.kernel.db import Database, make_engine
from portal.programme.service import find_producer

# An ordinary Monday morning in Oslo; tests move the clock from here.
# Whole-table files are built on first request in tests: a build in a background thread would share
# the ``app`` fixture's one connection. tests/functional/test_whole_files_ahead.py turns it on.
os.environ.setdefault("PORTAL_WHOLE_FILES_AHEAD", "false")

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

SSB_EDITOR = ("redaktor@ssb.demo.statistikkportalen.no", "demo-ssb-passord")
SSB_ADMIN = ("admin@ssb.demo.statistikkportalen.no", "demo-ssb-admin-passord")
NAV_EDITOR = ("redaktor@nav.demo.statistikkportalen.no", "demo-nav-passord")
FHI_ADMIN = ("admin@fhi.demo.statistikkportalen.no", "demo-fhi-admin-passord")
PORTAL_ADMIN = ("admin@demo.statistikkportalen.no", "demo-admin-passord")


def database_kind() -> str:
    return "postgresql" if os.environ.get("PORTAL_TEST_DATABASE_URL") else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With PORTAL_TEST_SKIP_OWN_PORTALS set (CI's PostgreSQL run, beside the whole suite on SQLite),
    leave out the tests marked ``own_portal`` that do not take the test database (``database_url``):
    they run portals of their own, on SQLite databases of their own, in subprocesses whose code no
    coverage follows, so a second run would repeat the first exactly."""
    if not os.environ.get("PORTAL_TEST_SKIP_OWN_PORTALS"):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        repeat = item.get_closest_marker("own_portal") and "database_url" not in getattr(
            item, "fixturenames", ()
        )
        (drop if repeat else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.sqlite3'}"
    )
    migrate_and_seed(url)
    return url


def migrate_and_seed(url: str, accounts: bool = True) -> None:
    """Bring the database at ``url`` to the newest schema and, when it holds no programme yet, seed
    it as the demo is: the programme, and the demo accounts unless ``accounts`` is false."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database(url)
    with db.session() as session:
        if seed.is_empty(session):
            seed.seed_programme(session, START)
            if accounts:
                seed.seed_demo_accounts(session, START)
    db.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def app_config(database_url: str, clock: FixedClock, tmp_path: Path) -> dict[str, object]:
    return {
        "DATABASE_URL": database_url,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        "CLOCK": clock,
        "RATELIMIT_ENABLED": False,
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def app(app_config: dict[str, object]) -> Iterator[Flask]:
    app = create_app(app_config)
    db = get_database(app)
    connection = db.engine.connect()
    transaction = connection.begin()
    db.bind(connection)
    yield app
    transaction.rollback()
    connection.close()
    db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[object]:
    with get_database(app).sessions() as s:
        yield s


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


def login(client: FlaskClient, credentials: tuple[str, str]) -> None:
    page = client.get("/logg-inn")
    response = client.post(
        "/logg-inn",
        data={
            "email": credentials[0],
            "password": credentials[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert response.status_code == 303, response.text


def make_token(app: Flask, producer: str, name: str = "test system") -> NewToken:
    from portal.kernel.access import CLI_ACTOR

    with get_database(app).sessions() as s:
        token = create_token(
            s, CLI_ACTOR, producer=find_producer(s, producer), name=name, now=START
        )
        s.commit()
    return token


def bearer(token: NewToken) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.secret}"}
