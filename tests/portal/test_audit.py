"""Every write leaves an append-only audit row with who, when, what, before and after."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from tests.conftest import START, bearer, make_token


def test_api_update_is_audited_with_before_and_after(
    client: FlaskClient, app: Flask, clock
) -> None:
    token = make_token(app, "ssb", name="release system")
    response = client.patch(
        "/api/v1/statistics/kpi",
        json={"name_en": "CPI", "frequency": "monthly"},
        headers=bearer(token),
    )
    assert response.status_code == 200
    with get_database(app).sessions() as s:
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.action == "update" and entry.entity == "statistic" and entry.entity_id == "kpi"
        assert entry.actor_kind == "token" and "release system" in entry.actor_label
        assert entry.before == {"name_en": "Consumer price index"}
        assert entry.after == {"name_en": "CPI"}
        assert entry.at == START


def test_a_write_that_changes_nothing_leaves_no_row(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    with get_database(app).sessions() as s:
        count = len(s.scalars(select(AuditEntry)).all())
    client.patch(
        "/api/v1/statistics/kpi", json={"name_en": "Consumer price index"}, headers=bearer(token)
    )
    with get_database(app).sessions() as s:
        assert len(s.scalars(select(AuditEntry)).all()) == count


@pytest.mark.parametrize(
    "statement", [update(AuditEntry).values(action="forged"), delete(AuditEntry)]
)
def test_the_database_refuses_to_change_or_delete_audit_rows(app: Flask, statement) -> None:
    make_token(app, "ssb")
    with get_database(app).sessions() as s:
        with pytest.raises(DBAPIError, match="append-only"):
            s.execute(statement)
        s.rollback()
