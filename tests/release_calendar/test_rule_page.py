"""The page that makes a year of provisional releases from a rule (issue 20): preview, then save all or
none, through the same path as an uploaded schedule."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.http.db import get_database
from portal.programme.models import Statistic
from release_calendar.models import Release
from release_calendar.rules import Precision, State
from tests.conftest import NAV_EDITOR, SSB_EDITOR, csrf_token, login

PAGE = {"nb": "/min-side/kalender/regel", "en": "/en/my-page/calendar/rule"}

MONTHLY_10TH = {
    "statistic": "kpi",
    "kind": "new-figures",
    "frequency": "monthly",
    "anchor": "working-day",
    "n": "10",
    "months_after": "1",
    "at": "08:00",
    "year": "2027",
}
QUARTERLY_45 = {**MONTHLY_10TH, "frequency": "quarterly", "anchor": "days-after", "n": "45"}


def _count(app: Flask, slug: str = "kpi") -> int:
    with get_database(app).sessions() as s:
        statistic = select(Statistic.id).where(Statistic.slug == slug).scalar_subquery()
        counted = s.scalar(
            select(func.count()).select_from(Release).where(Release.statistic_id == statistic)
        )
        return counted or 0


def _post(client: FlaskClient, lang: str, action: str, fields: dict[str, str]) -> TestResponse:
    token = csrf_token(client.get(PAGE[lang]).text)
    return client.post(PAGE[lang], data={**fields, "action": action, "csrf_token": token})


def _rows(html: str) -> list[list[str]]:
    """The preview table's rows, each cell's text."""
    table = html.split('<table id="releases">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]
        for cells in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        )
    ]


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', html, re.S)
    assert found, f"no error at {name}"
    return found.group(1).strip()


def test_the_page_needs_a_session_and_is_linked_from_my_calendar(client: FlaskClient) -> None:
    assert client.get(PAGE["nb"]).status_code == 401
    token = csrf_token(client.get("/logg-inn").text)
    anonymous = {**MONTHLY_10TH, "action": "save", "csrf_token": token}
    assert client.post(PAGE["nb"], data=anonymous).status_code == 401
    login(client, SSB_EDITOR)
    assert 'href="/min-side/kalender/regel"' in client.get("/min-side/kalender").text
    page = client.get(PAGE["en"])
    assert page.status_code == 200
    assert "<h1>A year&#39;s schedule from a rule</h1>" in page.text
    assert 'name="year"' in page.text and 'value="2027"' in page.text


def test_preview_shows_the_year_and_saves_nothing(client: FlaskClient, app: Flask) -> None:
    login(client, SSB_EDITOR)
    before = _count(app)
    response = _post(client, "nb", "preview", MONTHLY_10TH)
    assert response.status_code == 200, response.text
    assert "12 foreløpige publiseringer i 2027" in response.text
    rows = _rows(response.text)
    assert rows[0] == [
        "15. januar 2027 kl. 08:00",
        "Fredag",
        "2026-12-01 – 2026-12-31",
        "desember 2026",
        "December 2026",
        "",
    ]
    assert [r[0] for r in rows][3:5] == ["14. april 2027 kl. 08:00", "18. mai 2027 kl. 08:00"]
    assert "Lagre 12 foreløpige publiseringer" in response.text
    assert _count(app) == before


def test_preview_in_english_notes_the_dates_moved_off_a_weekend_or_holiday(
    client: FlaskClient,
) -> None:
    login(client, SSB_EDITOR)
    response = _post(client, "en", "preview", QUARTERLY_45)
    assert response.status_code == 200, response.text
    assert "4 provisional releases in 2027" in response.text
    assert [r[:5] for r in _rows(response.text)] == [
        [
            "15 February 2027 at 08:00",
            "Monday",
            "2026-10-01 – 2026-12-31",
            "4. kvartal 2026",
            "Q4 2026",
        ],
        [
            "18 May 2027 at 08:00",
            "Tuesday",
            "2027-01-01 – 2027-03-31",
            "1. kvartal 2027",
            "Q1 2027",
        ],
        [
            "16 August 2027 at 08:00",
            "Monday",
            "2027-04-01 – 2027-06-30",
            "2. kvartal 2027",
            "Q2 2027",
        ],
        [
            "15 November 2027 at 08:00",
            "Monday",
            "2027-07-01 – 2027-09-30",
            "3. kvartal 2027",
            "Q3 2027",
        ],
    ]
    assert _rows(response.text)[1][5] == "Moved from Saturday 15 May (weekend)"
    holiday = _post(client, "nb", "preview", {**QUARTERLY_45, "n": "36"})
    assert _rows(holiday.text)[1][5] == "Flyttet fra torsdag 6. mai (Kristi himmelfartsdag)"


def test_save_creates_the_provisional_releases_and_a_second_save_is_refused(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _count(app)
    saved = _post(client, "nb", "save", MONTHLY_10TH)
    assert saved.status_code == 200, saved.text
    assert "12 foreløpige publiseringer er lagret" in saved.text
    assert "Konsumprisindeksen, desember 2026" in saved.text
    assert _count(app) == before + 12
    with get_database(app).sessions() as s:
        made = s.scalars(
            select(Release).where(
                Release.period_label_en == "April 2027", Release.title_en.like("%April 2027")
            )
        ).all()
        ours = [r for r in made if r.statistic.slug == "kpi"]
        assert len(ours) == 1
        assert ours[0].state == State.PROVISIONAL and ours[0].precision == Precision.EXACT
        assert ours[0].release_at.replace(tzinfo=None).isoformat() == "2027-05-18T06:00:00"
    again = _post(client, "nb", "save", MONTHLY_10TH)
    assert again.status_code == 400
    assert "Ingenting er lagret: 12 av publiseringene kan ikke varsles." in again.text
    assert "har allerede en publisering av denne typen" in again.text
    assert _count(app) == before + 12
    english = _post(client, "en", "save", MONTHLY_10TH)
    assert english.status_code == 400
    assert "Nothing was saved: 12 of the releases cannot be announced." in english.text
    assert _count(app) == before + 12


def test_another_producers_statistic_is_refused_and_nothing_saved(
    client: FlaskClient, app: Flask
) -> None:
    login(client, NAV_EDITOR)
    page = client.get(PAGE["nb"]).text
    assert 'value="kpi"' not in page
    before = _count(app)
    response = _post(client, "nb", "save", MONTHLY_10TH)
    assert response.status_code == 403
    assert _field_error(response.text, "statistic") == (
        "Statistikken «kpi» hører til SSB. Dere kan bare varsle publiseringer av deres egne "
        "statistikker."
    )
    assert 'aria-invalid="true"' in response.text and 'role="alert"' in response.text
    assert _count(app) == before


def test_invalid_rules_give_field_errors_in_the_pages_language(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _count(app)
    zero = _post(client, "nb", "save", {**MONTHLY_10TH, "n": "0"})
    assert zero.status_code == 400
    assert _field_error(zero.text, "n") == (
        "Skriv et helt tall fra 1 til 23: en måned har aldri flere enn 23 virkedager."
    )
    thirty = _post(client, "en", "preview", {**MONTHLY_10TH, "n": "30"})
    assert thirty.status_code == 400
    assert _field_error(thirty.text, "n") == (
        "Enter a whole number from 1 to 23: a month never has more than 23 working days."
    )
    short = _post(client, "nb", "preview", {**MONTHLY_10TH, "n": "21"})
    assert short.status_code == 400
    assert _field_error(short.text, "n") == (
        "Januar 2027 har bare 20 virkedager. Velg et lavere tall."
    )
    bad_time = _post(client, "nb", "preview", {**MONTHLY_10TH, "at": "25:99"})
    assert bad_time.status_code == 400
    assert _field_error(bad_time.text, "at") == "Skriv klokkeslettet som TT:MM, for eksempel 08:00."
    english_time = _post(client, "en", "preview", {**MONTHLY_10TH, "at": "eight"})
    assert _field_error(english_time.text, "at") == "Write the time as HH:MM, for example 08:00."
    year = _post(client, "nb", "preview", {**MONTHLY_10TH, "year": "2031"})
    assert _field_error(year.text, "year") == "Velg et år fra 2026 til 2028."
    for response in (zero, thirty, short, bad_time, english_time, year):
        assert 'role="alert"' in response.text and 'aria-invalid="true"' in response.text
        assert "Not a valid" not in response.text and "Number must" not in response.text
        assert '<table id="releases">' not in response.text
    assert _count(app) == before


def test_this_year_leaves_out_the_dates_that_have_passed(client: FlaskClient) -> None:
    # The clock stands at 23 November 2026: only December's release of 2026 is still to come.
    login(client, SSB_EDITOR)
    response = _post(client, "nb", "preview", {**MONTHLY_10TH, "year": "2026"})
    assert response.status_code == 200, response.text
    assert "1 foreløpig publisering i 2026" in response.text
    assert "11 datoer i 2026 har allerede vært og er ikke tatt med." in response.text
    assert [r[3] for r in _rows(response.text)] == ["november 2026"]
