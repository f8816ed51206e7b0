"""Numbers, dates, times and counts in Norwegian and English (issue 18): the exact patterns of
portal.kernel.formatting, and the pages that show them (docs/formatting.md)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel import formatting
from portal.kernel.clock import FixedClock
from portal.kernel.i18n import MESSAGES, format_oslo
from release_calendar import service
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import px_table
from tests.release_calendar.factories import actor_for, announcement, oslo

NBSP = "\u00a0"
WINTER = datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # 08:00 CET
SUMMER = datetime(2026, 7, 3, 6, 0, tzinfo=UTC)  # 08:00 CEST
ODD_SECOND = datetime(2026, 12, 5, 9, 14, 30, tzinfo=UTC)  # 10:14:30 CET


@pytest.mark.parametrize(
    ("value", "decimals", "nb", "en"),
    [
        (155.1, None, "155,1", "155.1"),
        (155.1, 1, "155,1", "155.1"),
        (155.1, 2, "155,10", "155.10"),  # the table's decimals, not the float's
        (1234, None, f"1{NBSP}234", "1,234"),
        (1234567.891, None, f"1{NBSP}234{NBSP}567,891", "1,234,567.891"),  # never rounded away
        (2.25, 1, "2,3", "2.3"),  # half away from zero, as statistics tables round
        (-2.25, 1, "-2,3", "-2.3"),
        (-0.04, 1, "0,0", "0.0"),  # no "-0,0"
        (Decimal("0.1"), None, "0,1", "0.1"),
        (0, None, "0", "0"),
        (None, None, "–", "–"),
    ],
)
def test_numbers(value: float | None, decimals: int | None, nb: str, en: str) -> None:
    assert formatting.number(value, decimals, lang="nb") == nb
    assert formatting.number(value, decimals, lang="en") == en


@pytest.mark.parametrize("text", ["0", "-0", "7", "-1234.50", "12345678.123", "100000", "-0.01"])
def test_number_text_is_number_with_the_texts_decimals(text: str) -> None:
    decimals = len(text.partition(".")[2])
    for lang in ("nb", "en"):
        assert formatting.number_text(text, lang) == formatting.number(
            Decimal(text), decimals, lang
        )
    assert formatting.number_text("..", "nb") == ".."  # a symbol stays as it is


def test_percentages() -> None:
    assert formatting.percent(87.5, lang="nb") == f"87,5{NBSP}%"
    assert formatting.percent(87.5, lang="en") == "87.5%"
    assert formatting.percent(66.66, 1, lang="nb") == f"66,7{NBSP}%"
    assert formatting.percent(100, 1, lang="en") == "100.0%"
    assert formatting.percent(None, lang="nb") == "–"


def test_dates() -> None:
    assert formatting.date(date(2026, 12, 5), lang="nb") == "5. desember 2026"
    assert formatting.date(date(2026, 12, 5), lang="en") == "5 December 2026"
    assert formatting.date(date(2026, 12, 5), "short", lang="nb") == "05.12.2026"
    assert formatting.date(date(2026, 12, 5), "short", lang="en") == "05/12/2026"
    # An instant's day is its day in Oslo: 23:30 UTC on 31 December is 1 January there.
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert formatting.date(new_year, lang="nb") == "1. januar 2027"
    assert formatting.month(date(2026, 12, 5), lang="nb") == "desember 2026"
    assert formatting.month(date(2026, 12, 5), lang="en") == "December 2026"
    assert formatting.quarter(date(2026, 11, 5), lang="nb") == "4. kvartal 2026"
    assert formatting.quarter(date(2026, 11, 5), lang="en") == "Q4 2026"


def test_date_times_are_oslo_time_with_the_zone_on_english_pages() -> None:
    assert formatting.datetime(WINTER, lang="nb") == "5. desember 2026 kl. 08.00"
    assert formatting.datetime(WINTER, lang="en") == "5 December 2026, 08:00 CET"
    # Summer time: the same 08:00 in Oslo is 06:00 UTC, and the zone is CEST.
    assert formatting.datetime(SUMMER, lang="nb") == "3. juli 2026 kl. 08.00"
    assert formatting.datetime(SUMMER, lang="en") == "3 July 2026, 08:00 CEST"
    assert formatting.datetime(WINTER, "short", lang="nb") == "05.12.2026 kl. 08.00"
    assert formatting.datetime(WINTER, "short", lang="en") == "05/12/2026, 08:00 CET"
    # The zone when asked for (a release time), or left out.
    assert (
        formatting.datetime(WINTER, lang="nb", zone=True) == "5. desember 2026 kl. 08.00 norsk tid"
    )
    assert formatting.datetime(WINTER, lang="en", zone=False) == "5 December 2026, 08:00"


def test_seconds_only_when_they_are_not_zero() -> None:
    assert formatting.datetime(ODD_SECOND, lang="nb") == "5. desember 2026 kl. 10.14.30"
    assert formatting.datetime(ODD_SECOND, lang="en") == "5 December 2026, 10:14:30 CET"
    assert formatting.time(ODD_SECOND, lang="nb") == "10.14.30"
    assert formatting.time(WINTER, lang="nb") == "08.00"
    assert formatting.time(SUMMER, lang="en") == "08:00 CEST"


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        formatting.datetime(datetime(2026, 12, 5, 8, 0), lang="nb")


def test_format_oslo_is_the_datetime_format(app: Flask) -> None:
    with app.test_request_context("/"):
        assert format_oslo(WINTER) == "5. desember 2026 kl. 08.00"


def test_ranges() -> None:
    assert (
        formatting.date_range(date(2026, 12, 5), date(2026, 12, 7), "nb") == "5.–7. desember 2026"
    )
    assert (
        formatting.date_range(date(2026, 11, 5), date(2026, 12, 7), "nb")
        == "5. november–7. desember 2026"
    )
    assert (
        formatting.date_range(date(2025, 12, 30), date(2026, 1, 2), "nb")
        == "30. desember 2025–2. januar 2026"
    )
    assert formatting.date_range(date(2026, 12, 5), date(2026, 12, 5), "nb") == "5. desember 2026"
    # CLDR's English intervals have thin spaces (U+2009) around the dash.
    assert (
        formatting.date_range(date(2026, 12, 5), date(2026, 12, 7), "en")
        == "5\u2009–\u20097 December 2026"
    )
    assert formatting.month_range(date(2026, 1, 1), date(2026, 3, 31), "nb") == "januar–mars 2026"
    assert (
        formatting.month_range(date(2026, 1, 1), date(2026, 3, 31), "en")
        == "January\u2009–\u2009March 2026"
    )
    assert formatting.month_range(date(2026, 3, 1), date(2026, 3, 31), "en") == "March 2026"


@pytest.mark.parametrize(
    ("n", "nb", "en"),
    [
        (0, "0 publiseringer", "0 releases"),
        (1, "1 publisering", "1 release"),
        (2, "2 publiseringer", "2 releases"),
        (1234, f"1{NBSP}234 publiseringer", "1,234 releases"),
    ],
)
def test_plurals_through_the_catalogue(n: int, nb: str, en: str) -> None:
    assert formatting.count(n, "count.releases", "nb") == nb
    assert formatting.count(n, "count.releases", "en") == en


def test_every_counted_noun_has_both_forms_in_both_languages() -> None:
    keys = {k.rsplit(".", 1)[0] for k in formatting.PLURALS}
    for key in keys:
        for form in ("one", "other"):
            nb, en = MESSAGES[f"{key}.{form}"]
            assert "{n}" in nb and "{n}" in en
    assert formatting.count(1234, "count.statistics", "nb") == f"1{NBSP}234 statistikker"


# Pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def release_id(app: Flask, clock: FixedClock) -> int:
    """A confirmed release at 08:00 Oslo time on 10 March 2027, with a correction-free history whose
    entries are stamped by the test clock."""
    with get_database(app).sessions() as s:
        release = service.announce(
            s, actor_for(s, "ssb"), announcement(oslo(2027, 3, 10, 8, 0)), clock.now()
        )
        s.commit()
        return release.id


def _text(html: str) -> str:
    """What a reader sees: no tags, no scripts (JSON-LD keeps its machine dates)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_release_page_in_norwegian_and_english(client: FlaskClient, release_id: int) -> None:
    nb = _text(client.get(f"/kalender/{release_id}").text)
    assert "10. mars 2027 kl. 08.00 norsk tid" in nb
    assert "08:00" not in nb and "CET" not in nb
    en = _text(client.get(f"/en/calendar/{release_id}").text)
    assert "10 March 2027, 08:00 CET" in en
    assert "kl." not in en


def test_statistic_page_in_norwegian_and_english(client: FlaskClient, release_id: int) -> None:
    nb = _text(client.get("/statistikk/kpi").text)
    assert "10. mars 2027 kl. 08.00 norsk tid" in nb  # the coming release
    assert re.search(r"\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d\d\.\d\d", nb)  # updated
    assert not re.search(r"\d\d:\d\d", nb)
    en = _text(client.get("/en/statistics/kpi").text)
    assert "10 March 2027, 08:00 CET" in en


@pytest.fixture
def table_id(app: Flask, client: FlaskClient) -> str:
    """The bilingual test table of tests/pxbridge (one decimal), uploaded as SSB."""
    response = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=px_table(),
        content_type="application/octet-stream",
        headers=bearer(make_token(app, "ssb", "test table")),
    )
    assert response.status_code == 201, response.text
    stored = response.json
    assert stored is not None
    return str(stored["id"])


def test_table_page_shows_the_tables_decimals_in_the_pages_language(
    client: FlaskClient, table_id: str
) -> None:
    # Vestland in 2016 in the test table: population 4001 and share 4101.1, both with the table's one
    # decimal.
    query = f"/tabeller/{table_id}?v-Region=46&v-ContentsCode=Folkemengde&v-ContentsCode=Andel&v-Tid=2016"
    nb = client.get(query).text
    assert f'<td class="num">4{NBSP}101,1</td>' in nb and f'<td class="num">4{NBSP}001,0</td>' in nb
    en = client.get(query.replace("/tabeller/", "/en/tables/")).text
    assert '<td class="num">4,101.1</td>' in en and '<td class="num">4,001.0</td>' in en
    # The HTML file is a download, not a page: its numbers stay plain.
    download = client.get(
        f"/api/pxwebapi/v2/tables/{table_id}/data?lang=no&outputFormat=html"
        "&valuecodes[Region]=46&valuecodes[ContentsCode]=Andel&valuecodes[Tid]=2016"
    ).text
    assert "4101.1" in download
