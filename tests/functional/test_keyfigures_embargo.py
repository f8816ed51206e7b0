"""Equal access has no side door through the key figures (issues 16 and 18): a statistic whose producer
chose as its main table one tied to a coming release shows none of that table's values, on its page (nb
and en), its release's page or its JSON twin, a second before the release's minute; at the minute, they
lead its page.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from tests.conftest import bearer, make_token
from tests.pxbridge.conftest import px_table, store_table
from tests.release_calendar.factories import announce_release

SECOND = timedelta(seconds=1)
NBSP = "\u00a0"


def _upload(app: Flask, client: FlaskClient, matrix: str, release: int | None = None) -> None:
    table = px_table(matrix, f"Hemmelig befolkning {matrix}")
    store_table(app, client, table, "kpi", table_id=matrix, release=release)


def _text(html: str) -> str:
    """A page as text: tags dropped, blanks collapsed (the no-break spaces of numbers kept)."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def _shows(public: FlaskClient, release: int, table_id: str) -> dict[str, bool]:
    """Where a value of table ``table_id`` (or the table itself) shows now."""
    return {
        "statistic page nb": f"/tabeller/{table_id}" in public.get("/statistikk/kpi").text,
        "statistic page en": f"/en/tables/{table_id}" in public.get("/en/statistics/kpi").text,
        "release page nb": f"/tabeller/{table_id}" in public.get(f"/kalender/{release}").text,
        "release page en": f"/en/tables/{table_id}" in public.get(f"/en/calendar/{release}").text,
        "statistic api": table_id in public.get("/api/v1/statistics/kpi").text,
        "statistics api": table_id in public.get("/api/v1/statistics?q=kpi").text,
    }


def test_the_key_figures_of_an_embargoed_main_table_wait_for_the_minute(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = clock.now() + timedelta(hours=2)
    release = announce_release(app, clock.now(), at, late_justification="Test.")
    _upload(app, client, "99401")  # public now
    _upload(app, client, "99402", release=release)
    # The producer chooses the waiting table, Oslo's share: 2109.9 (2024) and 2108.8 (2023).
    chosen = client.patch(
        "/api/v1/statistics/kpi",
        json={"main_table_id": "99402", "headline": {"ContentsCode": ["Andel"], "Region": ["03"]}},
        headers=bearer(make_token(app, "ssb", "choice")),
    )
    assert chosen.status_code == 200, chosen.text
    public = app.test_client()

    for moment in (clock.now(), at - SECOND):
        clock.set(moment)
        seen = _shows(public, release, "99402")
        assert not any(seen.values()), {k for k, v in seen.items() if v}
        page = _text(public.get("/statistikk/kpi").text)
        # The key figures come from the public table meanwhile, its first contents value.
        assert "Fra tabell 99401" in page
        assert (
            f"2{NBSP}109,9" not in page and "2,109.9" not in public.get("/en/statistics/kpi").text
        )
        assert "Dette ble publisert" not in public.get(f"/kalender/{release}").text

    clock.set(at)
    seen = _shows(public, release, "99402")
    assert all(seen.values()), {k for k, v in seen.items() if not v}
    page = _text(public.get("/statistikk/kpi").text)
    assert "Fra tabell 99402" in page and f"2{NBSP}109,9 prosent" in page
    assert "2,109.9 per cent" in _text(public.get("/en/statistics/kpi").text)
    out = _text(public.get(f"/kalender/{release}").text)
    assert "Dette ble publisert" in out and f"2{NBSP}109,9 prosent" in out
