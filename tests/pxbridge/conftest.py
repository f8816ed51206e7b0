"""Tables for the bridge's tests: the real PX files in pxbridge/data uploaded through the token API, and a
live server for the real clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from portal.accounts.service import NewToken
from tests.conftest import bearer, make_token

DATA = Path(__file__).resolve().parents[2] / "pxbridge" / "data"
# The real Statistics Norway files and the statistics they belong to.
REAL = {
    "14216.px": "beftett",
    "tab_12909_metaid.px": "sykefratot",
    "WeeklyStatisticsWithTwoContent.px": "laks",
}
API = "/api/pxwebapi/v2"


def upload(
    client: FlaskClient, token: NewToken, data: bytes, statistic: str, **query: object
) -> TestResponse:
    """Send ``data`` (a PX file) to the upload API for ``statistic`` with ``token``; ``query`` adds
    ``table_id``, ``release`` and the like (a None is left out)."""
    extra = "".join(f"&{k}={v}" for k, v in query.items() if v is not None)
    return client.post(
        f"/api/v1/tables?statistic={statistic}{extra}",
        data=data,
        content_type="application/octet-stream",
        headers=bearer(token),
    )


def store_table(
    app: Flask,
    client: FlaskClient,
    data: bytes,
    statistic: str,
    producer: str = "ssb",
    **query: object,
) -> str:
    """Upload ``data`` with a new token of ``producer`` (see :func:`upload`) and return the stored
    table's id; the test fails unless the upload is taken (201)."""
    response = upload(client, make_token(app, producer, "test table"), data, statistic, **query)
    assert response.status_code == 201, response.text
    return str(response.json["id"])


@pytest.fixture
def tables(app: Flask, client: FlaskClient) -> dict[str, str]:
    """Upload the real files; returns file name -> table id."""
    return {
        name: store_table(app, client, (DATA / name).read_bytes(), statistic)
        for name, statistic in REAL.items()
    }


@pytest.fixture
def live(app: Flask, tables: dict[str, str]) -> Iterator[str]:
    """The app on a real socket; yields the PxWebApi base URL (no trailing slash, as pxwebpy wants)."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{API}"
    server.shutdown()
    thread.join(timeout=5)


REGIONS = [
    ("0", "Hele landet", "The whole country"),
    ("03", "Oslo", "Oslo"),
    ("11", "Rogaland", "Rogaland"),
    ("46", "Vestland", "Vestland"),
    ("50", "Trøndelag", "Trøndelag"),
]
YEARS = [str(y) for y in range(2015, 2025)]


def cell(r: int, c: int, y: int) -> str:
    """The test table's cells: a few symbols, else a number from the position."""
    if (r, c, y) == (1, 0, 9):
        return '":"'
    if (r, c, y) == (2, 1, 0):
        return '".."'
    return f"{(r + 1) * 1000 + c * 100 + y}.{y}" if c == 1 else str((r + 1) * 1000 + y)


def px_table(matrix: str = "99001", title: str = "Testbefolkning") -> bytes:
    """A bilingual test table: region (eliminable by "Hele landet") × contents (two, with units and
    decimals) × year, with a ":" and a ".." cell."""
    rows = [
        'CHARSET="ANSI";',
        'AXIS-VERSION="2013";',
        'CODEPAGE="iso-8859-1";',
        'LANGUAGE="no";',
        'LANGUAGES="no","en";',
        'CREATION-DATE="20251101 08:00";',
        "DECIMALS=1;",
        "SHOWDECIMALS=1;",
        f'MATRIX="{matrix}";',
        'SUBJECT-CODE="be";',
        'SUBJECT-AREA="Befolkning";',
        f'TITLE="{matrix}: {title}, etter region, statistikkvariabel og år";',
        f'TITLE[en]="{matrix}: Test population, by region, contents and year";',
        'CONTENTS="Testbefolkning";',
        'CONTENTS[en]="Test population";',
        'UNITS="personer";',
        'UNITS[en]="persons";',
        'STUB="region";',
        'STUB[en]="region";',
        'HEADING="statistikkvariabel","år";',
        'HEADING[en]="contents","year";',
        'CONTVARIABLE="statistikkvariabel";',
        'CONTVARIABLE[en]="contents";',
        'VARIABLECODE("region")="Region";',
        'VARIABLECODE("statistikkvariabel")="ContentsCode";',
        'VARIABLECODE("år")="Tid";',
        'VALUES("region")=' + ",".join(f'"{nb}"' for _, nb, _ in REGIONS) + ";",
        'VALUES[en]("region")=' + ",".join(f'"{en}"' for _, _, en in REGIONS) + ";",
        'VALUES("statistikkvariabel")="Folkemengde","Andel";',
        'VALUES[en]("contents")="Population","Share";',
        'VALUES("år")=' + ",".join(f'"{y}"' for y in YEARS) + ";",
        'VALUES[en]("year")=' + ",".join(f'"{y}"' for y in YEARS) + ";",
        'TIMEVAL("år")=TLIST(A1),' + ",".join(f'"{y}"' for y in YEARS) + ";",
        'CODES("region")=' + ",".join(f'"{c}"' for c, _, _ in REGIONS) + ";",
        'CODES("statistikkvariabel")="Folkemengde","Andel";',
        'CODES("år")=' + ",".join(f'"{y}"' for y in YEARS) + ";",
        'ELIMINATION("region")="Hele landet";',
        'PRECISION("statistikkvariabel","Andel")=1;',
        'UNITS("Folkemengde")="personer";',
        'UNITS[en]("Population")="persons";',
        'UNITS("Andel")="prosent";',
        'UNITS[en]("Share")="per cent";',
        'LAST-UPDATED("Folkemengde")="20251101 08:00";',
        'LAST-UPDATED("Andel")="20251101 08:00";',
        'SOURCE="Statistisk sentralbyrå";',
        'SOURCE[en]="Statistics Norway";',
        'DATASYMBOL3=":";',
        "DATA=",
    ]
    data = [
        " ".join(cell(r, c, y) for c in range(2) for y in range(len(YEARS)))
        for r in range(len(REGIONS))
    ]
    return ("\n".join(rows + data) + ";\n").encode("cp1252")


def expected(region: str, contents: str, year: str) -> float | str:
    r = [c for c, _, _ in REGIONS].index(region)
    c = ["Folkemengde", "Andel"].index(contents)
    raw = cell(r, c, YEARS.index(year))
    return raw.strip('"') if raw.startswith('"') else float(raw)


@pytest.fixture
def test_table(app: Flask, client: FlaskClient) -> str:
    return store_table(app, client, px_table(), "folkemengde")


def upload_embargoed(app: Flask, client: FlaskClient, now: datetime, matrix: str) -> datetime:
    """Announce a release of Befolkning (10 June 2027, 08:00 Oslo) and upload test table ``matrix``
    tied to it; returns the release time."""
    from tests.release_calendar.factories import announce_release, oslo

    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, now, at, statistic="folkemengde")
    store_table(app, client, px_table(matrix), "folkemengde", release=release_id)
    return at
