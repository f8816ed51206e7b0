"""The bridge to an existing PxWeb: a second portal instance on loopback serves as the remote (mirror its
tables, fetch data through it, cache answers), its failure paths answer 502/504 without hanging, and the
mirror reads the recorded shapes of Statistics Norway's own API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, Response, request
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.app import create_app
from portal.demo import seed
from portal.http.db import get_database
from portal.kernel import migrate
from portal.kernel.clock import FixedClock
from portal.kernel.db import make_engine
from portal.programme.models import Producer, Statistic
from pxbridge.models import DataTable, RemoteSource
from pxbridge.remotes.bridge import HttpRemote, _aggregallowed, register, remote_cube, sync
from pxbridge.remotes.interfaces import RemoteFailure
from tests.conftest import START, bearer, make_token
from tests.pxbridge import conftest as px
from tests.pxbridge.conftest import API, expected

RECORDED = Path(__file__).parent / "recorded"
ALL = "valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"


def _serve(app: Flask) -> tuple[Any, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def other_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """A second portal with its own database and one table, on a real socket; yields its PxWebApi root
    and the log of the requests it answered."""
    folder = tmp_path_factory.mktemp("remote")
    url = f"sqlite:///{folder / 'remote.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(folder),
            "SECRET_KEY": "remote",
            "CLOCK": FixedClock(START),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    log: list[str] = []

    @app.before_request
    def _count() -> None:
        log.append(request.path)

    with get_database(app).session() as s:
        seed.seed_programme(s, START)
    token = make_token(app, "ssb")
    stored = app.test_client().post(
        "/api/v1/tables?statistic=folkemengde",
        data=px.px_table(),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert stored.status_code == 201
    server, base = _serve(app)
    yield f"{base}{API}", log
    server.shutdown()


def _register(app: Flask, base_url: str, prefix: str = "r") -> int:
    with get_database(app).sessions() as s:
        ssb = s.scalar(select(Producer).where(Producer.slug == "ssb"))
        statistic = s.scalar(select(Statistic).where(Statistic.slug == "folkemengde"))
        assert ssb and statistic
        source = register(
            s,
            producer_id=ssb.id,
            statistic_id=statistic.id,
            name="test",
            base_url=base_url,
            prefix=prefix,
            language="no",
            now=START,
        )
        s.commit()
        return source.id


def _sync(app: Flask, source_id: int, timeout: float = 5.0) -> int:
    with get_database(app).sessions() as s:
        source = s.get(RemoteSource, source_id)
        assert source is not None
        try:
            return sync(s, source, HttpRemote(source.base_url, "no", timeout=timeout), START)
        finally:
            s.commit()  # the mirror, or the remote's error


def test_a_second_portal_is_mirrored_and_read_through_the_bridge(
    app: Flask, client: FlaskClient, other_portal: tuple[str, list[str]]
) -> None:
    base, log = other_portal
    source = _register(app, base)
    assert _sync(app, source) == 1
    mirrored = client.get(f"{API}/tables/r99001?lang=en").json
    assert mirrored["id"] == "r99001" and mirrored["firstPeriod"] == "2015"
    assert "r99001" in client.get("/statistikk/folkemengde").text
    ours = client.get(f"{API}/tables/r99001/data?{ALL}").json
    theirs = requests.get(f"{base}/tables/99001/data?{ALL}", timeout=5).json()
    assert ours["value"] == theirs["value"] and ours["status"] == theirs["status"]
    assert ours["value"][0] == expected("0", "Folkemengde", "2015")
    # The same request again comes from the cache: the remote sees no second data call.
    calls = sum(1 for path in log if path.endswith("/data"))
    assert client.get(f"{API}/tables/r99001/data?{ALL}").json["value"] == ours["value"]
    assert sum(1 for path in log if path.endswith("/data")) == calls
    # Placement as asked, the same as the remote gives for it (the mirror reorders what it got).
    placed = f"{ALL}&stub=Tid&heading=Region,ContentsCode"
    ours_placed = client.get(f"{API}/tables/r99001/data?{placed}").json
    theirs_placed = requests.get(f"{base}/tables/99001/data?{placed}", timeout=5).json()
    assert ours_placed["id"] == theirs_placed["id"] == ["Tid", "Region", "ContentsCode"]
    assert ours_placed["value"] == theirs_placed["value"] != ours["value"]
    assert ours_placed["status"] == theirs_placed["status"]
    assert ours_placed["extension"]["px"]["stub"] == ["Tid"]
    calls = sum(1 for path in log if path.endswith("/data"))
    bad = client.get(f"{API}/tables/r99001/data?{ALL}&stub=Nope")
    assert bad.status_code == 400 and bad.json["title"] == "Illegal placment"
    assert sum(1 for path in log if path.endswith("/data")) == calls  # refused before asking
    csv = client.get(f"{API}/tables/r99001/data?{ALL}&outputFormat=csv")
    assert csv.status_code == 200 and csv.text.count("\n") >= 5
    # A selection is checked here before the remote is asked.
    assert (
        client.get(
            f"{API}/tables/r99001/data?valuecodes[Region]=99&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
        ).status_code
        == 400
    )
    # Syncing again refreshes in place; a table the remote drops disappears here.
    assert _sync(app, source) == 1
    with get_database(app).sessions() as s:
        assert [
            t.id for t in s.scalars(select(DataTable).where(DataTable.remote_id == source))
        ] == ["r99001"]


def _broken(behaviour: str) -> tuple[Any, str, list[int], list[int], threading.Event]:
    """A remote answering 500: its server, base URL, the requests it got and those it answered, and
    the event a "slow" one holds each request for before answering (the 30 s only guards a hang)."""
    hits: list[int] = []
    answered: list[int] = []
    released = threading.Event()
    fake = Flask("broken")

    @fake.route("/<path:anything>", methods=["GET", "POST"])
    def answer(anything: str) -> Response:
        hits.append(1)
        if behaviour == "slow":
            released.wait(30)
        answered.append(1)
        return Response("down", status=500)

    server, base = _serve(fake)
    return server, base, hits, answered, released


def test_failing_remotes_answer_502_and_504_and_never_hang(
    app: Flask, client: FlaskClient, other_portal: tuple[str, list[str]]
) -> None:
    base, _ = other_portal
    source = _register(app, base)
    _sync(app, source)
    # The remote goes away: a mirrored table's data is a 502 problem, not a hang.
    with get_database(app).sessions() as s:
        found = s.get(RemoteSource, source)
        assert found is not None
        found.base_url = "http://127.0.0.1:9"
        s.commit()
    down = client.get(
        f"{API}/tables/r99001/data?valuecodes[ContentsCode]=Andel&valuecodes[Tid]=2020"
    )
    assert down.status_code == 502 and down.mimetype == "application/problem+json"
    # A remote answering 500 is retried, then 502; its error is kept and the mirror stays.
    server, broken, hits, _, _ = _broken("error")
    other = _register(app, f"{broken}{API}", prefix="x")
    with pytest.raises(RemoteFailure) as failure:
        _sync(app, other)
    assert failure.value.status == 502 and len(hits) == 3
    with get_database(app).sessions() as s:
        assert "answered 500" in (s.get(RemoteSource, other).last_error or "")  # type: ignore[union-attr]
    server.shutdown()
    # A remote slower than the timeout is a 504 by the client's own deadline: the remote holds every
    # request until released below, so the 504 came before it answered anything (its late 500 would
    # have been retried and made a 502), and a timed-out call is not retried.
    # bench/remote_faults.py times how close to the deadline the 504 comes.
    server, slow, asked, answered, release = _broken("slow")
    with pytest.raises(RemoteFailure) as failure:
        HttpRemote(f"{slow}{API}", "no", timeout=0.5, retries=1).tables()
    assert failure.value.status == 504 and answered == [] and len(asked) <= 1
    app.config["REMOTE_TIMEOUT_SECONDS"] = 0.5
    with get_database(app).sessions() as s:
        found = s.get(RemoteSource, source)
        assert found is not None
        found.base_url = f"{slow}{API}"
        s.commit()
    timed_out = client.get(
        f"{API}/tables/r99001/data?valuecodes[ContentsCode]=Folkemengde&valuecodes[Tid]=2019"
    )
    assert timed_out.status_code == 504 and answered == []
    release.set()
    server.shutdown()


class RecordedRemote:
    """Statistics Norway's API as recorded in tests/pxbridge/recorded (the fake behind the interface)."""

    timeout = 1.0

    def tables(self) -> list[dict[str, Any]]:
        return [json.loads((RECORDED / "ssb_tables_05810.json").read_text())]

    def metadata(self, table_id: str) -> dict[str, Any]:
        assert table_id == "05810"
        loaded: dict[str, Any] = json.loads(
            (RECORDED / "ssb_tables_05810_metadata.json").read_text()
        )
        return loaded

    def data(self, table_id: str, selection: dict[str, list[str]]) -> bytes:
        return (RECORDED / "ssb_tables_07221_data.json").read_bytes()


def test_the_mirror_reads_statistics_norways_recorded_answers(
    app: Flask, client: FlaskClient
) -> None:
    source_id = _register(app, "https://data.ssb.no/api/pxwebapi/v2", prefix="")
    with get_database(app).sessions() as s:
        source = s.get(RemoteSource, source_id)
        assert source is not None
        assert sync(s, source, RecordedRemote(), datetime(2026, 11, 23, tzinfo=UTC)) == 1
        s.commit()
        table = s.get(DataTable, "05810")
        assert table is not None
        assert [v.code for v in table.variables] == ["Kjonn", "Alder", "ContentsCode", "Tid"]
        assert [len(v.codes) for v in table.variables] == [3, 7, 1, 49]
        assert table.time_unit == "Annual" and table.store_revision is None
        assert table.aggregallowed is True  # Statistics Norway's extension.px.aggregallowed
        cube = remote_cube(table, RecordedRemote().data("07221", {}), "nb")
        assert [d.code for d in cube.dimensions] == ["Region", "Boligtype", "ContentsCode", "Tid"]
        assert cube.values.size == 288
        from pxbridge.store.cells import status_map

        assert (
            set(status_map(cube.values).values()) == {".."} and len(status_map(cube.values)) == 24
        )
    listed = client.get(f"{API}/tables/05810?lang=en").json
    assert listed["label"].startswith("05810")
    # A remote that says its cells cannot be summed is mirrored so (and said so again).
    assert _aggregallowed({"extension": {"px": {"aggregallowed": False}}}) is False
    assert _aggregallowed({"extension": {"px": {}}}) is True
    metadata = client.get(f"{API}/tables/05810/metadata").json
    assert metadata["size"] == [3, 7, 1, 49]


def test_remotes_sync_runs_on_a_schedule_with_every(
    app: Flask, other_portal: tuple[str, list[str]]
) -> None:
    """`portal remotes sync --every S` keeps mirroring (a service instead of cron); --passes stops it."""
    base, log = other_portal
    _register(app, base)
    before = sum(1 for path in log if path.endswith("/tables") or "/tables?" in path)
    runner = app.test_cli_runner()
    with app.app_context():  # as the portal command gives it
        result = runner.invoke(args=["remotes", "sync", "--every", "1", "--passes", "2"])
        refused = runner.invoke(args=["remotes", "sync", "--every", "0.1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("1 tables mirrored.") == 2
    listed = sum(1 for path in log if path.endswith("/tables") or "/tables?" in path)
    assert listed - before == 2  # the remote's table list was asked twice
    assert refused.exit_code == 2 and "--every" in refused.output
