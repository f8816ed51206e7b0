"""Uploading a year's schedule: all rows or none, every error by row."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.http.db import get_database
from release_calendar.models import Release
from release_calendar.schedule import CSV_COLUMNS, example_csv, parse
from tests.conftest import NAV_EDITOR, SSB_EDITOR, START, bearer, csrf_token, login, make_token

# Wording of the libraries and of the API that must never reach a producer's page (issue 20).
LIBRARY_WORDING = (
    "Input should",
    "valid datetime",
    "invalid character",
    "Field required",
    "String should",
    "Extra inputs",
    "not after now",
    "/release_at:",
    "/late_justification",
    "/statistic:",
    "release_at:",
    "belongs to another producer",
    "403 Forbidden",
    "pydantic",
)

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
    assert response.json["detail"].startswith("Nothing was saved: 4 rows")
    details = " ".join(e["detail"] for e in response.json["errors"])
    assert "“hourly” is not one of the choices" in details
    assert "no statistic with the short name “nope”" in details
    assert "ends (2027-01-01) before it starts (2027-01-31)" in details
    assert "confirmed less than three months before it happens" in details
    assert "same statistic, kind and reference period as row 2" in details
    assert not [phrase for phrase in LIBRARY_WORDING if phrase in response.text]
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
    # The refusal still lists the row, and says whose statistic it is.
    assert response.json["errors"] == [
        {
            "pointer": "row 2",
            "detail": "The statistic “kpi” belongs to SSB. You can only announce releases of "
            "your own statistics.",
        }
    ]
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


def _norwegian_excel_rows(delimiter: str, year: int = 2027) -> str:
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
    return out.getvalue().replace("2027", str(year))


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
    # A year each: the same statistic, kind and period twice would be a duplicate.
    bodies = [
        _norwegian_excel_rows(",", 2027).encode(),
        _norwegian_excel_rows(";", 2028).encode("cp1252"),
        b"\xef\xbb\xbf" + _norwegian_excel_rows(";", 2029).encode(),
        _norwegian_excel_rows("\t", 2030).encode(),
    ]
    assert "ø".encode("cp1252") in bodies[1] and b"\xc3" not in bodies[1]
    results = []
    for body in bodies:
        before = _count(app)
        response = client.post(
            "/api/v1/releases/schedule", data=body, content_type="text/csv", headers=bearer(token)
        )
        results.append(
            [
                tuple(value.replace(year, "2027") for value in row)
                for row in _imported(client, response)
                for year in [row[1][:4]]
            ]
        )
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
    # Norwegian Excel's own way of writing a date and a time is read.
    lines[2] = lines[2].replace("10.05.2027 kl 8", "10.05.2027 08:00")
    lines[1] = lines[1].replace("2027-03-01", "1.3.2027").replace("2027-03-31", "31.03.2027")
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join(lines).encode("cp1252"),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert [r[:2] for r in _imported(client, response)] == [
        ("Konsumprisindeksen, mars (sjø og fjøs)", "2027-04-10T06:00:00Z"),
        ("Konsumprisindeksen, april (på båt)", "2027-05-01T06:00:00Z"),
    ]


# The page's tests: a producer in a browser, in Norwegian and in English.

UPLOAD = {"nb": "/min-side/kalender/last-opp", "en": "/en/my-page/calendar/upload"}
TEMPLATE = {
    "nb": "/min-side/kalender/last-opp/mal.csv",
    "en": "/en/my-page/calendar/upload/template.csv",
}

# Four rows as SSB's editor might send them: a good one, another producer's statistic, a time
# nobody can read, and the first row again with another title (rows 2–5 as Excel numbers them).
MIXED = "\n".join(
    [
        HEADER,
        "kpi,KPI mars,CPI March,new-figures,2027-03-01,2027-03-31,mars 2027,March 2027,"
        "2027-04-10 08:00,exact,ja",
        "nav-helt-ledige,Ledige,Unemployed,new-figures,2027-03-01,2027-03-31,mars 2027,"
        "March 2027,2027-04-11 08:00,exact,ja",
        "kpi,KPI april,CPI April,new-figures,2027-04-01,2027-04-30,april 2027,April 2027,"
        "10.05.2027 kl 8,exact,ja",
        "kpi,KPI mars igjen,CPI March again,new-figures,2027-03-01,2027-03-31,mars 2027,"
        "March 2027,2027-04-12 08:00,exact,ja",
    ]
)


def _post_file(client: FlaskClient, lang: str, body: bytes, name: str = "plan.csv") -> TestResponse:
    token = csrf_token(client.get(UPLOAD[lang]).text)
    return client.post(
        UPLOAD[lang],
        data={"schedule": (io.BytesIO(body), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


def _problem_rows(html: str) -> dict[str, str]:
    """The refusal's table on the page: the row's heading to its message."""
    table = html.split('<table id="problems">', 1)[1].split("</table>", 1)[0]
    return {
        re.sub(r"<[^>]+>", "", heading).strip(): re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", "", text)
        ).strip()
        for heading, text in re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', table, re.S)
    }


def _assert_the_form_is_kept_with_its_errors(html: str) -> None:
    assert 'role="alert"' in html and 'href="#schedule"' in html
    assert 'type="file"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="schedule-hint schedule-error problems"' in html
    assert 'id="schedule-error"' in html and 'name="csrf_token"' in html


def test_a_file_with_a_foreign_row_a_bad_time_and_a_duplicate_lists_all_three_in_norwegian(
    client: FlaskClient, app: Flask
) -> None:
    """Issue 20: one row of another producer's statistic gave a bare 403 page, the form gone and
    the other rows' errors never listed, in pydantic's English."""
    login(client, SSB_EDITOR)
    before = _count(app)
    response = _post_file(client, "nb", MIXED.encode())
    assert response.status_code == 400
    html = response.text
    _assert_the_form_is_kept_with_its_errors(html)
    assert "Ingenting er lagret: 3 rader i filen har feil." in html
    assert _problem_rows(html) == {
        "Rad 3": "Statistikken «nav-helt-ledige» hører til Nav. Dere kan bare varsle "
        "publiseringer av deres egne statistikker.",
        "Rad 4": "Publiseringstidspunkt (release_at): «10.05.2027 kl 8» er ikke et tidspunkt. "
        "Skriv dato og klokkeslett, for eksempel 2027-04-10 08:00 eller 10.04.2027 08:00.",
        "Rad 5": "Samme statistikk, type og referanseperiode som rad 2. Hver publisering skal stå "
        "én gang.",
    }
    assert not [phrase for phrase in LIBRARY_WORDING if phrase in html]
    assert "row 3" not in html.lower().replace("rad 3", "")
    assert _count(app) == before


def test_the_same_file_on_the_english_page_lists_the_same_rows_in_english(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _count(app)
    response = _post_file(client, "en", MIXED.encode())
    assert response.status_code == 400
    _assert_the_form_is_kept_with_its_errors(response.text)
    assert "Nothing was saved: 3 rows of the file have errors." in response.text
    rows = _problem_rows(response.text)
    assert list(rows) == ["Row 3", "Row 4", "Row 5"]
    assert rows["Row 3"].startswith("The statistic “nav-helt-ledige” belongs to Nav.")
    assert rows["Row 4"].startswith("Release time (release_at): “10.05.2027 kl 8” is not a time.")
    assert rows["Row 5"].startswith("The same statistic, kind and reference period as row 2.")
    assert not [phrase for phrase in LIBRARY_WORDING if phrase in response.text]
    assert _count(app) == before


def test_a_file_of_only_another_producers_statistics_is_403_with_the_form_and_the_rows(
    client: FlaskClient, app: Flask
) -> None:
    """Nothing else wrong with it: the sender may not write it (403), and still sees which rows."""
    login(client, NAV_EDITOR)
    before = _count(app)
    response = _post_file(client, "nb", example_csv(START).encode())
    assert response.status_code == 403
    _assert_the_form_is_kept_with_its_errors(response.text)
    rows = _problem_rows(response.text)
    assert list(rows) == ["Rad 2", "Rad 3"]
    assert all("hører til SSB" in text for text in rows.values())
    assert _count(app) == before


def test_a_row_repeating_a_release_in_the_calendar_links_to_it(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    first = client.post(
        "/api/v1/releases/schedule",
        data=MIXED.split("\n")[0] + "\n" + MIXED.split("\n")[1],
        content_type="text/csv",
        headers=bearer(token),
    )
    assert first.status_code == 201, first.text
    release_id = int(first.json["releases"][0].rsplit("/", 1)[1])
    login(client, SSB_EDITOR)
    before = _count(app)
    body = "\n".join([HEADER, MIXED.split("\n")[4]])
    response = _post_file(client, "nb", body.encode())
    assert response.status_code == 400
    assert _problem_rows(response.text) == {
        "Rad 2": "«kpi» har allerede en publisering av denne typen for referanseperioden "
        "2027-03-01 – 2027-03-31. Endre den i stedet for å varsle en ny. Se publiseringen"
    }
    assert f'href="/min-side/kalender/{release_id}">Se publiseringen</a>' in response.text
    assert _count(app) == before
    # A cancelled release is no longer in the way.
    cancelled = client.post(
        f"/api/v1/releases/{release_id}/cancel",
        json={"version": 1, "reason": "other", "reason_text": "Feil periode."},
        headers=bearer(token),
    )
    assert cancelled.status_code == 200, cancelled.text
    response = _post_file(client, "nb", body.encode())
    assert response.status_code == 200 and "1 publisering varslet" in response.text
    assert _count(app) == before + 1


def test_files_that_cannot_be_read_say_why_in_the_pages_language(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _count(app)
    cases = [
        (b"PK\x03\x04rest-of-a-workbook", "plan.xlsx", "Filen er en Excel-arbeidsbok."),
        (b"statistic;title_nb\r\nkpi;KPI\r\n", "plan.csv", "Overskriftsraden mangler «title_en»"),
        (HEADER.encode(), "plan.csv", "Filen har ingen publiseringer"),
        (b"[1, 2", "plan.json", "Filen er ikke gyldig JSON."),
        (b'{"rows": []}', "plan.json", "JSON-filen må være en liste med publiseringer"),
        (b"statistic,title_nb,shoe_size\n", "plan.csv", "kolonner som ikke finnes: «shoe_size»"),
    ]
    for body, name, message in cases:
        response = _post_file(client, "nb", body, name)
        assert response.status_code == 400, (name, response.text[:300])
        assert message in response.text, (name, _problem_rows(response.text))
        assert not [phrase for phrase in LIBRARY_WORDING if phrase in response.text]
    # No file at all: the field's own message, in Norwegian, at the field and in the summary.
    token = csrf_token(client.get(UPLOAD["nb"]).text)
    response = client.post(UPLOAD["nb"], data={"csrf_token": token})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text and 'href="#schedule"' in response.text
    assert _count(app) == before


def test_every_kind_of_format_problem_has_our_own_message_in_both_languages() -> None:
    """pydantic's error types map to the catalogue's keys; its wording never comes through."""
    good = {
        "statistic": "kpi",
        "title_nb": "KPI",
        "title_en": "CPI",
        "kind": "new-figures",
        "period_start": "2027-03-01",
        "period_end": "2027-03-31",
        "period_label_nb": "mars 2027",
        "period_label_en": "March 2027",
        "release_at": "2027-04-10 08:00",
    }
    rows = [
        {**good, "title_nb": "x" * 301},
        {**good, "kind": "hourly"},
        {**good, "confirmed": "kanskje"},
        {**good, "shoe_size": 44},
        {k: v for k, v in good.items() if k != "title_en"},
        {**good, "period_start": "1. mars"},
        {**good, "title_en": 5},
        "kpi",
    ]
    parsed = parse(json.dumps(rows).encode(), "application/json")
    assert parsed.rows == []
    assert [(p.row, p.key, p.column) for p in parsed.problems] == [
        (1, "sched.too_long", "title_nb"),
        (2, "sched.not_choice", "kind"),
        (3, "sched.not_yes_no", "confirmed"),
        (4, "sched.unknown_field", None),
        (5, "sched.required", "title_en"),
        (6, "sched.not_date", "period_start"),
        (7, "sched.invalid", "title_en"),
        (8, "sched.not_object", None),
    ]
    nb = [p.text("nb") for p in parsed.problems]
    assert nb[0] == "Tittel på bokmål (title_nb) er for lang: høyst 300 tegn."
    assert nb[1].startswith("Type (kind): «hourly» er ikke et av valgene. Skriv en av disse: ")
    assert "new-figures (nye tall)" in nb[1]
    assert nb[3] == "Feltet «shoe_size» finnes ikke i en publisering."
    assert nb[4] == "Tittel på engelsk (title_en) må fylles ut."
    en = [p.text("en") for p in parsed.problems]
    assert en[2] == "Confirmed (confirmed): “kanskje” is neither yes nor no. Write yes or no."
    for text in nb + en:
        assert not [phrase for phrase in LIBRARY_WORDING if phrase in text], text


def test_the_api_gives_each_error_in_the_language_asked_for(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    lines = MIXED.split("\n")
    body = "\n".join([lines[0], lines[3]])
    for asked, expected in (
        ("nb-NO,nb;q=0.9,en;q=0.5", "«10.05.2027 kl 8» er ikke et tidspunkt"),
        ("no", "«10.05.2027 kl 8» er ikke et tidspunkt"),
        ("de", "“10.05.2027 kl 8” is not a time"),
        (None, "“10.05.2027 kl 8” is not a time"),
    ):
        headers = {**bearer(token), **({"Accept-Language": asked} if asked else {})}
        response = client.post(
            "/api/v1/releases/schedule", data=body, content_type="text/csv", headers=headers
        )
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json"
        assert response.json["title"] == "Bad Request"
        assert response.json["type"].endswith("#problem-invalid-input")
        [error] = response.json["errors"]
        assert error["pointer"] == "row 2" and expected in error["detail"], (asked, error)


@pytest.mark.parametrize(("lang", "delimiter", "yes"), [("nb", ";", "ja"), ("en", ",", "yes")])
def test_the_template_downloads_and_filled_in_imports(
    client: FlaskClient, app: Flask, lang: str, delimiter: str, yes: str
) -> None:
    login(client, SSB_EDITOR)
    page = client.get(UPLOAD[lang])
    assert f'href="{TEMPLATE[lang]}"' in page.text
    response = client.get(TEMPLATE[lang])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    # UTF-8 with a byte-order mark, so Excel reads ø and å; CRLF, as Excel writes.
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert text.endswith("\r\n")
    header, example = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert header == list(CSV_COLUMNS)
    row = dict(zip(header, example, strict=True))
    # One of SSB's own statistics, on time, confirmed.
    assert row["confirmed"] == yes and row["precision"] == "exact"
    assert row["release_at"].endswith(" 08:00")

    # Filled in the way Norwegian Excel saves it: its own dates, Windows-1252, the same delimiter.
    filled = {
        **row,
        "title_nb": "Første rad, fylt ut",
        "period_start": _norwegian(row["period_start"]),
        "period_end": _norwegian(row["period_end"]),
        "release_at": _norwegian(row["release_at"]),
        "late_justification": "",
    }
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [header, [filled[c] for c in header]]
    )
    before = _count(app)
    response = _post_file(client, lang, out.getvalue().encode("cp1252"))
    assert response.status_code == 200, (
        _problem_rows(response.text) if "problems" in response.text else response.text[:300]
    )
    assert _count(app) == before + 1
    saved = {
        "nb": "Publiseringsplanen er lagret – 1 publisering varslet:",
        "en": "The schedule is saved – 1 release announced:",
    }
    assert saved[lang] in response.text
    with get_database(app).sessions() as s:
        release = s.scalars(select(Release).order_by(Release.id.desc()).limit(1)).one()
        assert release.title_nb == "Første rad, fylt ut"
        assert release.statistic.producer.slug == "ssb"
    # The banner links to what was saved.
    manage = {"nb": f"/min-side/kalender/{release.id}", "en": f"/en/my-page/calendar/{release.id}"}
    assert f'href="{manage[lang]}"' in response.text


def _norwegian(iso: str) -> str:
    """A cell as Norwegian Excel writes an ISO date or date-time back: 10.04.2027 08:00."""
    day, _, time = iso.partition(" ")
    year, month, date_ = day.split("-")
    return f"{date_}.{month}.{year}" + (f" {time}" if time else "")


def test_the_template_needs_a_session(client: FlaskClient) -> None:
    response = client.get(TEMPLATE["nb"])
    assert response.status_code == 401
    assert not response.data.startswith(b"\xef\xbb\xbf")


def test_revisions_of_one_period_at_different_times_are_not_duplicates(
    client: FlaskClient, app: Flask
) -> None:
    """New, preliminary and final figures come once a period; planned revisions, corrections and
    special analyses may come several times, so for those only the same time again repeats one."""
    token = make_token(app, "ssb")
    row = "kpi,R,R,{kind},2027-03-01,2027-03-31,mars 2027,March 2027,{at},exact,ja"
    twice = [
        row.format(kind="planned-revision", at=at)
        for at in ("2027-06-10 08:00", "2027-09-10 08:00")
    ]
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join([HEADER, *twice]),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    again = [row.format(kind="planned-revision", at="2027-09-10 08:00")]
    finals = [row.format(kind="final", at=at) for at in ("2027-06-10 08:00", "2027-09-10 08:00")]
    response = client.post(
        "/api/v1/releases/schedule",
        data="\n".join([HEADER, *again, *finals]),
        content_type="text/csv",
        headers=bearer(token),
    )
    assert response.status_code == 400
    assert [(e["pointer"], e["detail"][:40]) for e in response.json["errors"]] == [
        ("row 2", "“kpi” already has a release of this kind"),
        ("row 4", "The same statistic, kind and reference p"),
    ]
