"""Several machines, one database: each keeps its own index, and `portal search follow` replays every
machine's committed changes (the search_change queue) into it — idempotently, deletions included, and
never skipping a transaction that committed late."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.app import create_app
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.search import follow
from portal.search.extension import get_index
from portal.search.index import SearchIndex, SearchQuery
from portal.search.models import SearchChange
from tests.conftest import bearer, make_token
from tests.pxbridge import conftest as px


@pytest.fixture
def other_machine(app: Flask, app_config: dict[str, object], tmp_path: Path) -> Iterator[Flask]:
    """A second portal on the same database with its own instance folder (so its own index)."""
    other = create_app({**app_config, "INSTANCE_DIR": str(tmp_path / "other-machine")})
    connection = get_database(app).sessions.kw["bind"]
    get_database(other).bind(connection)
    yield other


def _found(index: SearchIndex, text: str, clock: FixedClock) -> list[str]:
    return [h.id for h in index.search(SearchQuery(text), clock.now()).hits]


def _follow(machine: Flask, clock: FixedClock) -> int:
    with machine.app_context(), get_database(machine).sessions() as s:
        applied = follow.catch_up(s, get_index(machine), clock.now())
        s.commit()
        return applied


def test_a_commit_on_one_machine_reaches_the_other_through_the_queue(
    app: Flask, client: FlaskClient, clock: FixedClock, other_machine: Flask
) -> None:
    token = make_token(app, "ssb")
    stored = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=px.px_table(title="Fjordbefolkning"),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert stored.status_code == 201
    here, there = get_index(app), get_index(other_machine)
    assert _found(here, "fjordbefolkning", clock) == ["table:99001"]  # at once, where it was made
    assert _found(there, "fjordbefolkning", clock) == []  # not yet on the other machine
    with get_database(app).sessions() as s:
        queued = s.scalar(select(func.count()).select_from(SearchChange))
    assert queued and queued >= 1
    assert _follow(other_machine, clock) >= 1
    assert _found(there, "fjordbefolkning", clock) == ["table:99001"]
    # Replaying again changes nothing (a row names an item; its document is rebuilt from the database).
    assert (
        _follow(other_machine, clock) >= 1
    )  # the rows are younger than the margin: replayed again
    assert _found(there, "fjordbefolkning", clock) == ["table:99001"]
    clock.advance(timedelta(minutes=2))
    _follow(other_machine, clock)
    assert _follow(other_machine, clock) == 0  # settled: the position moved past them
    # A deletion travels too (as when a remote PxWeb drops a table and the mirror follows).
    from pxbridge.models import DataTable

    with app.app_context(), get_database(app).sessions() as s:
        s.delete(s.get(DataTable, "99001"))
        s.commit()
    assert _found(here, "fjordbefolkning", clock) == []
    assert _follow(other_machine, clock) == 1
    assert _found(there, "fjordbefolkning", clock) == []


def test_a_row_that_commits_below_the_position_is_not_skipped(
    app: Flask, clock: FixedClock, other_machine: Flask
) -> None:
    """Ids are taken at insert, not at commit: a young row is replayed until it has settled, so a row
    that lands later with a lower id than one already seen is still replayed."""
    with get_database(app).sessions() as s:
        late = SearchChange(kind="statistic", key="kpi", at=clock.now())
        s.add_all([late, SearchChange(kind="statistic", key="aku", at=clock.now())])
        s.flush()
        s.commit()
    there = get_index(other_machine)
    _follow(other_machine, clock)
    assert follow.position(there) < late.id  # young rows: the position stays below them
    clock.advance(timedelta(minutes=2))
    _follow(other_machine, clock)
    assert follow.position(there) >= late.id + 1


def test_old_rows_are_pruned(app: Flask, clock: FixedClock, other_machine: Flask) -> None:
    with get_database(app).sessions() as s:
        s.add(SearchChange(kind="statistic", key="kpi", at=clock.now() - timedelta(days=8)))
        s.commit()
    _follow(other_machine, clock)
    with get_database(app).sessions() as s:
        old = s.scalar(
            select(func.count())
            .select_from(SearchChange)
            .where(SearchChange.at < clock.now() - timedelta(days=7))
        )
    assert old == 0


def test_the_follow_command_replays_and_stops_with_once(
    app: Flask, client: FlaskClient, other_machine: Flask, clock: FixedClock
) -> None:
    made = client.post(
        "/api/v1/statistics",
        headers=bearer(make_token(app, "ssb")),
        json={
            "slug": "glimmerstatistikk",
            "producer": "ssb",
            "name_nb": "Glimmerstatistikk",
            "name_en": "Mica statistics",
            "frequency": "annual",
            "subject_areas": ["arbeid-og-lonn"],
        },
    )
    assert made.status_code == 201, made.text
    result = other_machine.test_cli_runner().invoke(args=["search", "follow", "--once"])
    assert result.exit_code == 0, result.output
    assert "changes replayed" in result.output
    assert _found(get_index(other_machine), "glimmerstatistikk", clock) == [
        "statistic:glimmerstatistikk"
    ]


def test_a_rebuild_records_the_position_it_covers_so_follow_replays_only_what_is_newer(
    app: Flask, clock: FixedClock, other_machine: Flask
) -> None:
    """Issue 23: a machine that rebuilt its index from the database does not replay the whole queue;
    rows young enough to have committed after the rebuild read the database are replayed."""
    with get_database(app).sessions() as s:
        s.add_all(
            [
                SearchChange(kind="statistic", key=k, at=clock.now())
                for k in ("kpi", "aku", "sykefratot")
            ]
        )
        s.commit()
    clock.advance(timedelta(minutes=2))  # settled
    with get_database(app).sessions() as s:
        young = SearchChange(kind="statistic", key="kpi", at=clock.now())
        s.add(young)
        s.commit()
        settled = int(
            s.scalar(select(func.max(SearchChange.id)).where(SearchChange.id < young.id)) or 0
        )
    there = get_index(other_machine)
    with other_machine.app_context(), get_database(other_machine).sessions() as s:
        assert follow.rebuild(s, there, clock.now()) > 0
    assert follow.position(there) == settled  # the settled rows are covered, the young one is not
    assert _follow(other_machine, clock) == 1  # only the young row is replayed
    clock.advance(timedelta(minutes=2))
    _follow(other_machine, clock)
    assert _follow(other_machine, clock) == 0
