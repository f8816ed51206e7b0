"""Search results as people read them (issue 18): a statistic's releases under it with its next and
latest release, one result per page, dates, the order by date, facets by name, snippets in the page's
language, and synonyms ("KPI", "folketall", "AKU") with a "Mente du …?" for what finds nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.search import documents
from portal.search.documents import SearchDoc
from portal.search.extension import get_index
from portal.search.index import SearchIndex, SearchQuery
from release_calendar.demo import seed_releases

NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


GroupedDoc = SearchDoc  # a document that says where it belongs and its date (parent, dated)


def _statistic(slug: str, name: str, name_en: str) -> GroupedDoc:
    return GroupedDoc(
        id=f"statistic:{slug}",
        kind="statistic",
        title_nb=name,
        title_en=name_en,
        text_nb=f"Om {name.lower()}.",
        text_en=f"About {name_en.lower()}.",
        path_nb=f"/statistikk/{slug}",
        path_en=f"/en/statistics/{slug}",
        producer="ssb",
    )


def _release(number: int, slug: str, title: str, at: datetime, note: bool = False) -> GroupedDoc:
    return GroupedDoc(
        id=f"{'note' if note else 'release'}:{number}",
        kind="note" if note else "release",
        title_nb=title,
        title_en=title,
        text_nb=f"{title}. Ny statistikk.",
        text_en=f"{title}. New figures.",
        path_nb=f"/kalender/{number}",
        path_en=f"/en/calendar/{number}",
        producer="ssb",
        parent=f"statistic:{slug}",
        dated=at,
        visible_from=at if note else None,
    )


@pytest.fixture
def grouped(tmp_path: Path) -> SearchIndex:
    index = SearchIndex(tmp_path / "index")
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august"]
    docs: list[SearchDoc] = [_statistic("kpi", "Konsumprisindeksen", "Consumer price index")]
    for n, month in enumerate(months, start=1):
        at = datetime(2026, n, 10, 6, 0, tzinfo=UTC)
        docs.append(_release(n, "kpi", f"Konsumprisindeksen, {month} 2026", at))
        docs.append(_release(n, "kpi", f"Konsumprisindeksen, {month} 2026", at, note=True))
    index.rebuild(docs)
    return index


def test_releases_are_grouped_under_their_statistic_with_next_and_latest(
    grouped: SearchIndex,
) -> None:
    found = grouped.search(SearchQuery("konsumprisindeks"), NOW)
    assert [h.id for h in found.hits] == ["statistic:kpi"]  # no result per release
    assert found.total == 1 and found.facets["kind"] == {"statistic": 1}
    kpi = found.hits[0]
    assert kpi.latest is not None and kpi.latest.title == "Konsumprisindeksen, mai 2026"
    assert kpi.latest.dated == datetime(2026, 5, 10, 6, 0, tzinfo=UTC)
    assert kpi.next is not None and kpi.next.path == "/kalender/6"
    english = grouped.search(SearchQuery("consumer price index", lang="en"), NOW).hits[0]
    assert english.next is not None and english.next.path == "/en/calendar/6"


def test_a_release_the_query_names_is_its_own_result_once(grouped: SearchIndex) -> None:
    found = grouped.search(SearchQuery("konsumprisindeks mars 2026"), NOW)
    assert [h.id for h in found.hits][:1] in (["release:3"], ["note:3"])
    assert [h.path for h in found.hits] == ["/kalender/3"]  # a release and its note: one page
    assert found.hits[0].dated == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


def test_sort_by_date_puts_the_newest_first(grouped: SearchIndex) -> None:
    by_date = grouped.search(SearchQuery("2026", kind="release", sort="date"), NOW)
    dates = [h.dated for h in by_date.hits]
    assert dates and None not in dates
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert by_date.hits[0].path == "/kalender/8"


@pytest.fixture
def demo(app: Flask, clock: FixedClock) -> Iterator[None]:
    # Seeded outside an app context, so the commit does not index what the rebuild indexes again.
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        s.commit()
    with app.app_context(), get_database(app).sessions() as s:
        get_index(app).rebuild(documents.all_docs(s))
    yield


def _ids(client: FlaskClient, q: str, **args: str) -> list[str]:
    answer = client.get("/api/v1/search", query_string={"q": q, **args})
    assert answer.status_code == 200, answer.text
    return [h["id"] for h in answer.json["hits"]]


def test_konsumprisindeks_puts_the_statistic_first_and_each_page_once(
    client: FlaskClient, demo: None
) -> None:
    for lang in ("nb", "en"):
        answer = client.get("/api/v1/search", query_string={"q": "konsumprisindeks", "lang": lang})
        hits = answer.json["hits"]
        assert hits[0]["id"] == "statistic:kpi"
        urls = [h["url"] for h in hits]
        assert len(urls) == len(set(urls))  # a release and its release note: one result


def test_synonyms_and_abbreviations_find_their_statistics(client: FlaskClient, demo: None) -> None:
    assert _ids(client, "KPI")[0] == "statistic:kpi"
    assert "statistic:folkemengde" in _ids(client, "folketall")[:3]
    assert "statistic:aku" in _ids(client, "AKU")[:3]
    answer = client.get("/api/v1/search?q=folketall").json
    assert answer["also_searched"] == ["befolkning"]
    page = client.get("/sok?q=folketall")
    assert "Søket tok også med «befolkning»." in page.text


def test_a_query_that_finds_nothing_is_offered_a_known_word(
    client: FlaskClient, demo: None
) -> None:
    page = client.get("/sok?q=innbyggertal")
    assert "Mente du" in page.text
    answer = client.get("/api/v1/search?q=innbyggertal").json
    assert answer["did_you_mean"]


def test_snippets_facets_and_dates_speak_the_pages_language(
    client: FlaskClient, demo: None
) -> None:
    english = client.get("/api/v1/search?q=konsumprisindeks&lang=en").json
    kpi = english["hits"][0]
    assert kpi["id"] == "statistic:kpi"
    assert "consumer" in kpi["snippet"].lower() or "price" in kpi["snippet"].lower()
    assert english["facet_labels"]["producer"]["ssb"] == "SSB"
    norsk = client.get("/sok?q=konsumprisindeks").text
    assert ">SSB (" in norsk and ">ssb (" not in norsk
    assert ">Statistikk (" in norsk  # the kind in words
    en_page = client.get("/en/search?q=konsumprisindeks").text
    assert ">Statistic (" in en_page and ">Subject area</h2>" in en_page
    assert not re.search(r">[a-z]+(-[a-z]+)+ \(\d+\)<", en_page)  # no slug shown as a name


def test_sort_by_date_keeps_the_filters(client: FlaskClient, demo: None) -> None:
    answer = client.get("/api/v1/search?q=konsumprisindeks&kind=release&sort=date").json
    assert answer["sort"] == "date" and answer["hits"]
    assert {h["kind"] for h in answer["hits"]} == {"release"}
    page = client.get("/sok?q=konsumprisindeks&kind=release&sort=date").text
    assert "sort=date" in page and "kind=release" in page
    assert client.get("/api/v1/search?q=kpi&sort=oldest").status_code == 400


def test_the_demos_releases_group_under_their_statistics_when_dated(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    # Seeded outside an app context, so the commit does not index what the rebuild indexes again.
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        s.commit()
    with app.app_context(), get_database(app).sessions() as s:
        get_index(app).rebuild(documents.all_docs(s))
    answer = client.get("/api/v1/search?q=konsumprisindeks").json
    kpi = answer["hits"][0]
    assert kpi["id"] == "statistic:kpi"
    assert kpi["latest_release"] or kpi["next_release"]
    assert not [
        h for h in answer["hits"] if h["kind"] in {"release", "note"} and "Konsumpris" in h["title"]
    ]
    page = client.get("/sok?q=konsumprisindeks").text
    assert "Neste publisering" in page or "Siste publisering" in page
    by_date = client.get("/api/v1/search?q=konsumprisindeks&kind=release&sort=date").json
    dates = [h["date"] for h in by_date["hits"]]
    assert dates and None not in dates and dates == sorted(dates, reverse=True)


def test_the_calendar_says_each_releases_statistic_and_date(
    client: FlaskClient, demo: None
) -> None:
    answer = client.get("/api/v1/search?q=konsumprisindeks&kind=release").json
    assert answer["hits"] and all(h["date"] for h in answer["hits"])
    top = client.get("/api/v1/search?q=konsumprisindeks").json["hits"][0]
    assert top["latest_release"] or top["next_release"]


def test_nothing_but_the_future_is_next(grouped: SearchIndex) -> None:
    later = grouped.search(SearchQuery("konsumprisindeks"), NOW + timedelta(days=365)).hits[0]
    assert later.next is None and later.latest is not None
    assert later.latest.path == "/kalender/8"
