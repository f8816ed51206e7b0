"""The app factory and configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask

from portal.app import create_app
from portal.kernel.clock import SystemClock


def test_importing_the_package_builds_nothing(tmp_path: Path) -> None:
    code = (
        "import sys, portal, portal.app, portal.web, portal.api.views, release_calendar, metadata, "
        "pxbridge; from portal.kernel import db; from portal.http import db as request_db; "
        "assert not any(type(o).__name__ in ('Flask', 'Engine') for m in list(sys.modules.values()) "
        "for o in list(vars(m).values()) if m and getattr(m, '__name__', '').startswith('portal'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "instance").exists()


def test_instance_folder_holds_the_database_and_a_shared_secret(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_DIR": str(tmp_path / "inst")})
    assert isinstance(app, Flask)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'portal.sqlite3'}"
    secret = (tmp_path / "inst" / "secret_key").read_text()
    assert len(secret) == 64
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o777 == 0o600
    # A second worker gets the same key, so sessions survive across workers.
    assert create_app({"INSTANCE_DIR": str(tmp_path / "inst")}).config["SECRET_KEY"] == secret
    assert isinstance(app.extensions["portal.clock"], SystemClock)


def test_environment_overrides_defaults_and_mapping_overrides_environment(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PORTAL_INSTANCE_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", "sqlite:///" + str(tmp_path / "env.sqlite3"))
    monkeypatch.setenv("PORTAL_REDIS_URL", "redis://127.0.0.1:1/0")
    app = create_app()
    assert app.instance_path == str(tmp_path / "from-env")
    assert app.config["DATABASE_URL"].endswith("env.sqlite3")
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"
    app = create_app({"DATABASE_URL": "sqlite:///" + str(tmp_path / "mine.sqlite3")})
    assert app.config["DATABASE_URL"].endswith("mine.sqlite3")


def test_session_cookie_is_secure_httponly_and_samesite(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
