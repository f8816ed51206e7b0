"""The announce form (issue 20): the service's refusals are shown in the page's language at the field
they name, with an error summary linking to it; a saved announcement is confirmed with a link to it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.http.db import get_database
from release_calendar.models import Release
from tests.conftest import SSB_EDITOR, csrf_token, login

NB, EN = "/min-side/kalender/ny", "/en/my-page/calendar/new"


def _form(page: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": csrf_token(page),
        "statistic": "kpi",
        "title_nb": "KPI desember",
        "title_en": "CPI December",
        "kind": "new-figures",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "period_label_nb": "november 2026",
        "period_label_en": "November 2026",
        "precision": "exact",
        "release_date": "2026-12-10",
        "release_time": "08:00",
        "confirmed": "y",
        **changes,
    }


def _releases(app: Flask) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(Release))


def _tag(html: str, field_id: str) -> str:
    found = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{field_id}"[^>]*>', html)
    assert found, f"no field {field_id}"
    return found.group(0)


def test_a_late_announcement_is_refused_in_norwegian_at_the_field(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _releases(app)
    refused = client.post(NB, data=_form(client.get(NB).text))
    html = refused.text
    assert refused.status_code == 400 and _releases(app) == before
    summary = html[html.index("error-summary") : html.index("</ul>", html.index("error-summary"))]
    assert "Det er et problem" in summary
    assert '<a href="#late_justification">Publiseringen er mindre enn tre måneder' in summary
    assert 'id="late_justification-error">Publiseringen er mindre enn tre måneder' in html
    tag = _tag(html, "late_justification")
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="late_justification-hint late_justification-error"' in tag
    assert "aria-invalid" not in _tag(html, "title_nb")
    for english in ("/late_justification", "K11", "write a justification", "calendar months"):
        assert english not in html
    assert 'value="KPI desember"' in html and 'value="2026-12-10"' in html

    accepted = client.post(NB, data=_form(html, late_justification="Nye tall fra Eurostat."))
    assert accepted.status_code == 303 and _releases(app) == before + 1
    banner = client.get(accepted.headers["Location"])
    with get_database(app).sessions() as s:
        newest = s.scalar(select(Release).order_by(Release.id.desc()))
        assert newest is not None and newest.late_justification == "Nye tall fra Eurostat."
        page = f"/min-side/kalender/{newest.id}"
    # The editor lands on the release's own page, told it is announced and what they can do there.
    assert accepted.headers["Location"].split("?")[0].endswith(page)
    assert "Publiseringen er varslet. Her kan du bekrefte" in banner.text
    assert "KPI desember" in banner.text and "error-summary" not in banner.text


def test_a_past_time_is_refused_at_the_date_in_english_on_the_english_page(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    before = _releases(app)
    refused = client.post(EN, data=_form(client.get(EN).text, release_date="2020-01-10"))
    html = refused.text
    assert refused.status_code == 400 and _releases(app) == before
    assert "There is a problem" in html
    assert '<a href="#release_date">The release time must be in the future.</a>' in html
    assert 'aria-invalid="true"' in _tag(html, "release_date")
    assert "/release_at" not in html and "not after now" not in html
    assert "Publiseringstidspunktet" not in html


def test_an_unknown_statistic_and_a_backwards_period_are_named_at_their_fields(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    page = client.get(NB).text
    unknown = client.post(NB, data=_form(page, statistic="finnes-ikke"))
    assert unknown.status_code == 400
    assert '<a href="#statistic">Velg en av deres statistikker.</a>' in unknown.text
    assert "There is no statistic" not in unknown.text
    backwards = client.post(NB, data=_form(page, period_end="2026-10-01"))
    assert backwards.status_code == 400
    assert '<a href="#period_end">Referanseperioden kan ikke slutte før den begynner.</a>' in (
        backwards.text
    )
    assert "before period_start" not in backwards.text
    vague = client.post(NB, data=_form(page, precision="month", release_date="2027-06-01"))
    assert vague.status_code == 400
    assert '<a href="#confirmed">Bare en eksakt dato' in vague.text
    assert 'aria-invalid="true"' in _tag(vague.text, "confirmed")
    assert "needs precision" not in vague.text


def test_no_banner_for_a_release_the_user_may_not_change(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    assert "Publiseringen er varslet" not in client.get(NB + "?varslet=999999").text
    assert "Publiseringen er varslet" not in client.get(NB + "?varslet=x").text
