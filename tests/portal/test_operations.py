"""Operating a portal (issue 15): loading the programme from files, readiness, error pages that cannot
render, and the CLI on a database that is not migrated."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from portal.app import create_app
from portal.kernel.access import CLI_ACTOR
from portal.kernel.audit import AuditEntry
from portal.kernel.db import make_engine
from portal.kernel.errors import BadRequest
from portal.kernel.migrate import upgrade
from portal.programme.load import builtin_programme, load_programme, read_files
from portal.programme.models import Producer, Statistic, SubjectArea
from tests.conftest import START


@pytest.fixture
def empty_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_loading_the_shipped_programme_twice_changes_nothing_the_second_time(
    empty_db: str,
) -> None:
    from portal.kernel.db import Database

    db = Database(empty_db)
    with db.session() as s:
        first = load_programme(s, CLI_ACTOR, builtin_programme(), START)
    assert [len(first.kinds[k].added) for k in first.kinds] == [16, 21, 95]
    with db.session() as s:
        second = load_programme(s, CLI_ACTOR, builtin_programme(), START)
        assert all(not r.added and not r.changed for r in second.kinds.values())
        assert second.kinds["statistics"].unchanged == 95
        assert s.scalar(select(Producer.org_number).where(Producer.slug == "ssb")) == "971526920"
    db.dispose()


def test_a_file_with_one_bad_row_changes_nothing_and_names_every_problem(
    empty_db: str, tmp_path: Path
) -> None:
    from portal.kernel.db import Database

    programme = {
        "producers": [
            {
                "slug": "ok",
                "short": "OK",
                "name_nb": "Ok",
                "name_en": "Ok",
                "website": "https://ok.no",
            },
            {"slug": "Not A Slug", "short": "X", "name_nb": "X", "name_en": "X", "website": "x"},
        ],
        "statistics": [
            {
                "slug": "s1",
                "producer": "nobody",
                "name_nb": "S",
                "name_en": "S",
                "frequency": "sometimes",
                "subject_areas": ["nowhere"],
            },
        ],
    }
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(programme))
    db = Database(empty_db)
    with pytest.raises(BadRequest) as raised, db.session() as s:
        load_programme(s, CLI_ACTOR, read_files([path]), START)
    details = " ".join(e.detail for e in raised.value.errors)
    assert "'Not A Slug' is not a slug" in details
    assert "no producer 'nobody'" in details and "no subject area 'nowhere'" in details
    assert "frequency is one of" in details
    with db.sessions() as s:
        assert s.scalar(select(Producer.id)) is None
        assert s.scalar(select(AuditEntry.id)) is None
    db.dispose()


def test_csv_files_update_in_place_and_retire_only_when_asked(
    empty_db: str, tmp_path: Path
) -> None:
    from portal.kernel.db import Database

    db = Database(empty_db)
    with db.session() as s:
        load_programme(s, CLI_ACTOR, builtin_programme(), START)
    stats = tmp_path / "statistics.csv"
    stats.write_text(
        "slug;producer;name_nb;name_en;frequency;subject_areas\n"
        "kpi;SSB;Konsumprisindeksen (KPI);Consumer price index;monthly;priser-og-prisindekser\n"
        "ny-statistikk;nve;Ny statistikk;New statistics;annual;energi-og-industri|natur-areal-klima-og-miljo\n",
        encoding="utf-8-sig",
    )
    with db.session() as s:
        report = load_programme(s, CLI_ACTOR, read_files([stats]), START)
    assert report.kinds["statistics"].added == ["ny-statistikk"]
    assert report.kinds["statistics"].changed == ["kpi"]
    assert len(report.kinds["statistics"].missing) == 94 and not report.kinds["statistics"].retired
    assert not report.kinds["producers"].missing  # the file gives no producers: none compared
    with db.session() as s:
        retired = load_programme(s, CLI_ACTOR, read_files([stats]), START, retire_missing=True)
        assert len(retired.kinds["statistics"].retired) == 94
        assert s.scalar(select(Statistic.retired_at).where(Statistic.slug == "aku")) is not None
        assert s.scalar(select(Statistic.id).where(Statistic.slug == "aku")) is not None  # kept
        areas = s.scalars(
            select(SubjectArea.slug)
            .join(Statistic.subject_areas)
            .where(Statistic.slug == "ny-statistikk")
        )
        assert set(areas) == {"energi-og-industri", "natur-areal-klima-og-miljo"}
    db.dispose()


def test_readyz_names_the_failing_part(app_config: dict[str, object], tmp_path: Path) -> None:
    app = create_app(app_config)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.json["failing"] == []

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    no_redis = create_app({**app_config, "REDIS_URL": f"redis://127.0.0.1:{closed}/0"})
    answer = no_redis.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["failing"] == ["redis"]

    no_db = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'nothing' / 'x.db'}"})
    answer = no_db.test_client().get("/readyz")
    assert answer.status_code == 503 and "database" in answer.json["failing"]

    unmigrated = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    answer = unmigrated.test_client().get("/readyz")
    assert answer.status_code == 503 and "portal db upgrade" in answer.json["parts"]["database"]

    no_templates = create_app(app_config)
    no_templates.template_folder = str(tmp_path / "missing-templates")
    no_templates.jinja_loader  # noqa: B018  (the loader follows template_folder when first built)
    answer = no_templates.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["failing"] == ["templates"]


def test_a_broken_template_gives_a_plain_500_never_an_empty_reply(
    app: Flask, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from jinja2 import DictLoader

    app.jinja_loader  # noqa: B018
    broken = DictLoader(
        {
            "portal/home.html": "{% extends 'base.html' %}{% block content %}{{ 1 / 0 }}{% endblock %}",
            "errors/error.html": "{{ error.nothing.deeper }}{% if %}",
            "errors/404.html": "{% broken",
        }
    )
    from jinja2 import ChoiceLoader

    app.jinja_env.loader = ChoiceLoader([broken, app.jinja_env.loader])  # type: ignore[list-item]
    with caplog.at_level(logging.ERROR):
        answer = app.test_client().get("/")
    assert answer.status_code == 500
    assert answer.mimetype == "text/plain" and answer.text.startswith("500 Internal Server Error")
    assert "could not render" in caplog.text
    missing = app.test_client().get("/no-such-page")
    assert missing.status_code == 404 and missing.text.startswith("404 Not Found")
