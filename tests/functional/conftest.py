"""The functional tests' own app for races: the suite's usual ``app`` fixture runs every session on one
connection inside a rolled-back transaction, which serialises everything; ``race_app`` is an app on a fresh
database (a SQLite file, or a scratch PostgreSQL database when PORTAL_TEST_DATABASE_URL is set), migrated
and seeded as the demo is, one per test module."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from tests.conftest import START, migrate_and_seed


@pytest.fixture(scope="module")
def race_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database of this module's own: migrated, with the programme and the demo accounts."""
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    admin = None
    if base is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('races') / 'races.sqlite3'}"
    else:
        name = f"portal_races_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    migrate_and_seed(url)
    yield url
    if admin is not None:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="module")
def race_app(race_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": race_url,
            "INSTANCE_DIR": str(tmp_path_factory.mktemp("races-instance")),
            "SECRET_KEY": "test-secret-key",
            "CLOCK": FixedClock(START),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    yield app
    get_database(app).dispose()
