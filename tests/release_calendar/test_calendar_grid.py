"""The public calendar's month grid, its statistic filter, the published list and its subscribe links
(issue 18)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.clock import FixedClock
from tests.conftest import START
from tests.release_calendar.factories import announce_release, oslo


def _announce(app: Flask, at: tuple[int, ...], statistic: str = "kpi") -> int:
    """A confirmed release at Oslo wall time ``at``, announced at START (late, so justified)."""
    return announce_release(
        app, START, oslo(*at), statistic=statistic, late_justification="Ny statistikk."
    )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _grid(html: str) -> str:
    found = re.search(r'<table class="calendar-grid".*?</table>', html, re.S)
    assert found, html
    return found.group(0)


def _cell(grid: str, day: str) -> str:
    found = re.search(rf'<td[^>]*data-date="{day}"[^>]*>.*?</td>', grid, re.S)
    assert found, day
    return found.group(0)


def test_month_view_is_a_grid_with_monday_first_and_releases_in_their_days(
    app: Flask, client: FlaskClient
) -> None:
    kpi = _announce(app, (2026, 12, 10, 8, 0))
    aku = _announce(app, (2026, 12, 10, 10, 0), statistic="aku")
    grid = _grid(client.get("/kalender?view=month&date=2026-12-01").text)
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', grid, re.S)
    assert [_text(h) for h in headers][:2] == ["man. mandag", "tir. tirsdag"]
    assert _text(headers[6]) == "søn. søndag"
    cell = _cell(grid, "2026-12-10")
    assert f'href="/kalender/{kpi}"' in cell and f'href="/kalender/{aku}"' in cell
    assert cell.index(f"/kalender/{kpi}") < cell.index(f"/kalender/{aku}")
    assert "08.00" in _text(cell) and "SSB" in _text(cell)
    # December 2026 starts on a Tuesday: the week begins with 30 November, greyed.
    assert 'class="other-month"' in _cell(grid, "2026-11-30")
    assert "other-month" not in _cell(grid, "2026-12-01")
    assert 'class="other-month"' in _cell(grid, "2027-01-03")
    assert grid.count("<tr") == 6  # the header row and five weeks

    en = _grid(client.get("/en/calendar?view=month&date=2026-12-01").text)
    assert [_text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', en, re.S)][0] == (
        "Mon Monday"
    )
    assert f'href="/en/calendar/{kpi}"' in _cell(en, "2026-12-10")


def test_the_count_line_says_one_release_and_many(app: Flask, client: FlaskClient) -> None:
    _announce(app, (2026, 12, 10, 8, 0))
    one = _text(client.get("/kalender?view=month&date=2026-12-01").text)
    assert "1 publisering " in one + " " and "1 publiseringer" not in one
    assert "1 release" in _text(client.get("/en/calendar?view=month&date=2026-12-01").text)
    _announce(app, (2026, 12, 11, 8, 0))
    assert "2 publiseringer" in _text(client.get("/kalender?view=month&date=2026-12-01").text)


def test_the_statistic_filter_narrows_the_calendar(app: Flask, client: FlaskClient) -> None:
    kpi = _announce(app, (2026, 12, 10, 8, 0))
    aku = _announce(app, (2026, 12, 11, 8, 0), statistic="aku")
    page = client.get("/kalender?statistic=kpi")
    assert page.status_code == 200
    assert f"/kalender/{kpi}" in page.text and f"/kalender/{aku}" not in page.text
    assert re.search(r'<label for="c-statistic">Statistikk</label>', page.text)
    assert '<option value="kpi" selected>' in page.text
    month = client.get("/kalender?view=month&date=2026-12-01&statistic=aku").text
    assert f"/kalender/{aku}" in month and f"/kalender/{kpi}" not in month


def test_subscribe_links_carry_every_filter_of_the_page(client: FlaskClient) -> None:
    page = client.get("/kalender?producer=ssb&statistic=kpi&kind=new-figures&q=pris").text
    section = page.split('id="subscribe"')[1].split("</section>")[0]
    assert "Abonner på dette utvalget" in section
    links = re.findall(r'href="([^"]+)"', section)
    for feed in ("/feeds/releases.ics", "/feeds/releases.atom"):
        found = next(link for link in links if feed in link)
        args = parse_qs(urlsplit(found.replace("&amp;", "&")).query)
        assert args["producer"] == ["ssb"] and args["statistic"] == ["kpi"], found
        assert args["kind"] == ["new-figures"] and args["q"] == ["pris"], found
        assert args["lang"] == ["nb"]
        # The page's own window (today onwards, or the month shown) is not a filter to subscribe to.
        assert "from" not in args, found
    month = client.get("/kalender?view=month&date=2026-12-01&producer=nav").text
    section = month.split('id="subscribe"')[1].split("</section>")[0]
    atom = next(link for link in re.findall(r'href="([^"]+)"', section) if "atom" in link)
    assert "producer=nav" in atom and "from=" not in atom and "to=" not in atom


def test_published_list_is_newest_first(app: Flask, client: FlaskClient, clock: FixedClock) -> None:
    older = _announce(app, (2026, 11, 24, 8, 0))
    newer = _announce(app, (2026, 11, 26, 8, 0))
    clock.advance(timedelta(days=5))
    page = client.get("/kalender?status=published").text
    assert page.index(f"/kalender/{newer}") < page.index(f"/kalender/{older}")
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    assert "Publisert" in tabs and 'aria-current="page"' in tabs.split("Publisert")[0][-200:]
    assert client.get("/en/calendar?status=published").text.count("Published") >= 1


def test_the_grid_falls_back_to_a_list_on_phones(client: FlaskClient) -> None:
    response = client.get("/static/portal.css")
    css = response.get_data(as_text=True)
    response.close()
    block = css.split("calendar grid", 1)[1]
    assert "@media (max-width: 36em)" in block and ".calendar-grid" in block


def test_view_tabs_keep_the_filters_but_not_the_months_window(client: FlaskClient) -> None:
    """From the month of March 2027, the list tab lists from 1 March on (not only March), the week and
    day tabs show that day's week and day, and every tab keeps the producer chosen."""
    page = client.get("/kalender?view=month&date=2027-03-01&producer=nav").text
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    links = {
        args["view"][0]: args
        for args in (
            parse_qs(urlsplit(href.replace("&amp;", "&")).query)
            for href in re.findall(r'href="([^"]+)"', tabs)
        )
        if "view" in args
    }
    assert set(links) == {"list", "day", "week", "month"}
    assert all(args["producer"] == ["nav"] for args in links.values())
    assert links["list"]["from"] == ["2027-03-01"] and "to" not in links["list"]
    assert all("from" not in links[v] and "to" not in links[v] for v in ("day", "week", "month"))
    assert links["week"]["date"] == ["2027-03-01"]
    # In the list, a window people chose is theirs: the list tab keeps it.
    page = client.get("/kalender?from=2027-01-01&to=2027-02-01&producer=nav").text
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    listed = next(h for h in re.findall(r'href="([^"]+)"', tabs) if "view=list" in h)
    args = parse_qs(urlsplit(listed.replace("&amp;", "&")).query)
    assert args["from"] == ["2027-01-01"] and args["to"] == ["2027-02-01"]
