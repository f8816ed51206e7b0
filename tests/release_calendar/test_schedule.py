"""Uploading a year's schedule: all rows or none, every error by row."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.http.db import get_database
from release_calendar.models import Release
from release_calendar.schedule import example_csv
from tests.conftest import bearer, make_token

HEADER = (
    "statistic,title_nb,title_en,kind,period_start,period_end,period_label_nb,period_label_en,"
    "release_at,precision,confirmed"
)


def _count(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(Release))


def test_example_csv_imports_whole(client: FlaskClient, app: Flask, clock) -> None:
    token = make_token(app, "ssb")
    response = client.post(
        "/api/v1/releases/schedule",
        data=example_csv(clock.now()),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert response.json["created"] == 2
    first = client.get(response.json["releases"][0]).json
    assert first["release_at"] == "2027-04-10T06:00:00Z" and first["status"] == "confirmed"
    second = client.get(response.json["releases"][1]).json
    assert second["precision"] == "month" and second["status"] == "provisional"


def test_one_bad_row_rejects_the_file_with_every_error_by_row(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    body = "\n".join(
        [
            HEADER,
            "kpi,A,A,new-figures,2027-01-01,2027-01-31,jan,Jan,2027-04-10 08:00,exact,true",
            "kpi,B,B,hourly,2027-01-01,2027-01-31,jan,Jan,2027-04-11 08:00,exact,true",
            "nope,C,C,new-figures,2027-01-01,2027-01-31,jan,Jan,2027-04-12 08:00,exact,true",
            "kpi,D,D,new-figures,2027-01-31,2027-01-01,jan,Jan,2027-04-13 08:00,exact,true",
            "kpi,E,E,new-figures,2027-01-01,2027-01-31,jan,Jan,2026-12-01 08:00,exact,true",
        ]
    )
    before = _count(app)
    response = client.post(
        "/api/v1/releases/schedule", data=body, content_type="text/csv", headers=bearer(token)
    )
    assert response.status_code == 400
    rows = sorted({e["pointer"] for e in response.json["errors"]})
    assert rows == ["row 3", "row 4", "row 5", "row 6"]
    assert "nothing was saved" in response.json["detail"]
    assert _count(app) == before


def test_another_producers_statistic_in_the_file_is_403_and_saves_nothing(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "nav")
    before = _count(app)
    body = [
        {
            "statistic": "nav-helt-ledige",
            "title_nb": "A",
            "title_en": "A",
            "kind": "new-figures",
            "period_start": "2027-01-01",
            "period_end": "2027-01-31",
            "period_label_nb": "jan",
            "period_label_en": "Jan",
            "release_at": "2027-04-10T08:00:00+02:00",
        },
        {
            "statistic": "kpi",
            "title_nb": "B",
            "title_en": "B",
            "kind": "new-figures",
            "period_start": "2027-01-01",
            "period_end": "2027-01-31",
            "period_label_nb": "jan",
            "period_label_en": "Jan",
            "release_at": "2027-04-11T08:00:00+02:00",
        },
    ]
    response = client.post("/api/v1/releases/schedule", json=body, headers=bearer(token))
    assert response.status_code == 403
    assert _count(app) == before


def test_malformed_files_are_400(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    for data, kind in (
        (b"\xff\xfe", "text/csv"),
        (b"[", "application/json"),
        (b"{}", "application/json"),
        (b"statistic\n", "text/csv"),
        (b"x", "application/xml"),
    ):
        response = client.post(
            "/api/v1/releases/schedule", data=data, content_type=kind, headers=bearer(token)
        )
        assert response.status_code == 400, (data, response.text)


def test_imported_releases_are_found_by_search(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    """The search index follows an import's commit: every imported release is found. (It once took
    each row's savepoint for a commit and read the rows too early through another connection.) A
    database of its own, as a served portal has it: no test transaction around it."""
    from portal.app import create_app
    from portal.demo import seed
    from portal.kernel import migrate
    from portal.kernel.db import Database, make_engine
    from portal.search.changes import wait_for_background_updates

    url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    own = Database(url)
    with own.session() as s:
        seed.seed_programme(s, clock.now())
    own.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "k",
            "CLOCK": clock,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    token = make_token(app, "ssb")
    rows = [
        f"kpi,Kvartsindeksen {n},Quartz index {n},new-figures,2027-0{n}-01,2027-0{n}-28,"
        f"m{n},M{n},2027-0{n + 2}-10 08:00,exact,true"
        for n in (1, 2, 3)
    ]
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join([HEADER, *rows]),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    found = client.get("/api/v1/search?q=kvartsindeksen").json
    assert found["total"] == 3, found

    # A bulk import is indexed after the answer, in the background, and is then found just the same.
    bulk = []
    for n in range(150):
        year, month = 2028 + n // 12, n % 12 + 1
        bulk.append(
            f"kpi,Bergkrystallindeksen {n},Rock crystal index {n},new-figures,{year}-{month:02}-01,"
            f"{year}-{month:02}-28,m{n},M{n},{year + 1}-{month:02}-10 08:00,exact,true"
        )
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join([HEADER, *bulk]),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    assert response.json["created"] == 150
    wait_for_background_updates(app)
    found = client.get("/api/v1/search?q=bergkrystallindeksen&limit=1").json
    assert found["total"] == 150, found
    get_database(app).dispose()


def _norwegian_excel_rows(delimiter: str) -> str:
    """Two releases as Norwegian Excel writes them: columns in its own order, ``;`` between them,
    CRLF line ends, and a title with ø and å."""
    columns = [
        "release_at",
        "statistic",
        "kind",
        "title_nb",
        "title_en",
        "period_start",
        "period_end",
        "period_label_nb",
        "period_label_en",
        "precision",
        "confirmed",
    ]
    rows = [
        [
            "2027-04-10 08:00",
            "kpi",
            "new-figures",
            "Konsumprisindeksen, mars (sjø og fjøs)",
            "Consumer price index, March",
            "2027-03-01",
            "2027-03-31",
            "mars 2027",
            "March 2027",
            "exact",
            "ja",
        ],
        [
            "2027-05-10 08:00",
            "kpi",
            "new-figures",
            "Konsumprisindeksen, april (på båt)",
            "Consumer price index, April",
            "2027-04-01",
            "2027-04-30",
            "april 2027",
            "April 2027",
            "month",
            "nei",
        ],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows([columns, *rows])
    return out.getvalue()


def _imported(client: FlaskClient, response: TestResponse) -> list[tuple[str, str, str, str]]:
    assert response.status_code == 201, response.text
    out = []
    for url in response.json["releases"]:
        release = client.get(url).json
        out.append(
            (release["title_nb"], release["release_at"], release["precision"], release["status"])
        )
    return out


def test_norwegian_excel_csv_semicolons_windows_1252_or_bom_read_as_its_comma_twin(
    client: FlaskClient, app: Flask
) -> None:
    """Issue 20: a semicolon-separated file gave "The CSV header lacks: …" though every column was
    there. Excel's "CSV (semikolonseparert)" (Windows-1252), its "CSV UTF-8" (a BOM) and a
    tab-separated file import the same releases as the comma-separated twin."""
    token = make_token(app, "ssb")
    bodies = [
        _norwegian_excel_rows(",").encode(),
        _norwegian_excel_rows(";").encode("cp1252"),
        b"\xef\xbb\xbf" + _norwegian_excel_rows(";").encode(),
        _norwegian_excel_rows("\t").encode(),
    ]
    assert "ø".encode("cp1252") in bodies[1] and b"\xc3" not in bodies[1]
    results = []
    for body in bodies:
        before = _count(app)
        response = client.post(
            "/api/v1/releases/schedule", data=body, content_type="text/csv", headers=bearer(token)
        )
        results.append(_imported(client, response))
        assert _count(app) == before + 2
    assert results[0] == [
        (
            "Konsumprisindeksen, mars (sjø og fjøs)",
            "2027-04-10T06:00:00Z",
            "exact",
            "confirmed",
        ),
        # A month-precise release is shown from the first of its month.
        ("Konsumprisindeksen, april (på båt)", "2027-05-01T06:00:00Z", "month", "provisional"),
    ]
    assert results[1:] == [results[0]] * 3


def test_a_semicolon_file_still_lists_every_bad_row(client: FlaskClient, app: Flask) -> None:
    """The delimiter is found from the header; a bad row in a ;-file is named by its row and nothing
    is saved, as with commas."""
    token = make_token(app, "ssb")
    lines = _norwegian_excel_rows(";").splitlines()
    lines[2] = lines[2].replace("2027-05-10 08:00", "10.05.2027 kl 8")
    before = _count(app)
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join(lines).encode("cp1252"),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 400, response.text
    assert {e["pointer"] for e in response.json["errors"]} == {"row 3"}
    assert _count(app) == before
