"""The cross-producer day view (issue 20): what else goes out on a day, for producers choosing a time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar import service
from release_calendar.dayview import day_view, subject_areas_of
from release_calendar.rules import Precision, Reason, Status
from tests.conftest import NAV_EDITOR, SSB_EDITOR, csrf_token, login
from tests.release_calendar.factories import actor_for, announcement, oslo

DAY = date(2027, 3, 15)


def _announce(
    app: Flask,
    now: datetime,
    release_at: datetime,
    statistic: str,
    producer: str,
    *,
    confirmed: bool = True,
    precision: Precision = Precision.EXACT,
    cancel: bool = False,
) -> int:
    with app.app_context(), get_database(app).sessions() as s:
        actor = actor_for(s, producer)
        data = announcement(
            release_at, statistic=statistic, confirmed=confirmed, precision=precision
        )
        release = service.announce(s, actor, data, now)
        if cancel:
            service.cancel(
                s, actor, release.id, Reason.CAPACITY, "Ingen folk.", expected_version=None, now=now
            )
        s.commit()
        return release.id


@pytest.fixture
def day(app: Flask, clock: FixedClock) -> dict[str, int]:
    """Three producers on 15 March 2027, plus what must not count: a cancelled release, one with only
    a month, and one on the next day."""
    at = clock.now()
    return {
        "kpi": _announce(app, at, oslo(2027, 3, 15, 8, 0), "kpi", "ssb"),
        "aku": _announce(app, at, oslo(2027, 3, 15, 8, 30), "aku", "ssb", confirmed=False),
        "nav": _announce(app, at, oslo(2027, 3, 15, 10, 0), "nav-helt-ledige", "nav"),
        "fhi": _announce(app, at, oslo(2027, 3, 15, 13, 0), "fhi-dodsarsaker", "fhi"),
        "cancelled": _announce(app, at, oslo(2027, 3, 15, 8, 0), "ppi", "ssb", cancel=True),
        "month": _announce(
            app,
            at,
            oslo(2027, 3, 1, 8, 0),
            "k2",
            "ssb",
            confirmed=False,
            precision=Precision.MONTH,
        ),
        "next_day": _announce(app, at, oslo(2027, 3, 16, 8, 0), "bpi", "ssb"),
    }


def test_counts_every_producer_but_not_cancelled_or_undated(
    app: Flask, clock: FixedClock, day: dict[str, int]
) -> None:
    with get_database(app).sessions() as s:
        view = day_view(
            s, DAY, hour=8, areas=subject_areas_of(s, "nav-helt-ledige"), now=clock.now()
        )
        month = day_view(s, date(2027, 3, 1), hour=None, areas=(), now=clock.now())
    assert [e.release_id for e in view.entries] == [day["kpi"], day["aku"], day["nav"], day["fhi"]]
    assert {e.producer_short_name for e in view.entries} == {"SSB", "Nav", "FHI"}
    assert view.day_count == 4 and view.hour_count == 2
    assert [e.clock for e in view.entries if e.in_hour] == ["08:00", "08:30"]
    assert [e.status for e in view.entries] == [
        Status.CONFIRMED,
        Status.PROVISIONAL,
        Status.CONFIRMED,
        Status.CONFIRMED,
    ]
    # Nav's unemployment figures and the labour force survey share "Arbeid og lønn".
    assert [e.statistic_slug for e in view.same_subject_area] == ["aku", "nav-helt-ledige"]
    assert month.day_count == 0, "a release with only a month has no day yet"


def test_releases_already_out_still_count_and_the_moved_one_leaves_itself_out(
    app: Flask, clock: FixedClock, day: dict[str, int]
) -> None:
    clock.set(oslo(2027, 3, 15, 9, 0))
    with get_database(app).sessions() as s:
        view = day_view(s, DAY, hour=None, areas=(), now=clock.now(), leave_out=day["nav"])
    assert view.day_count == 3 and view.hour_count is None
    assert [e.status for e in view.entries] == [
        Status.PUBLISHED,
        Status.PROVISIONAL,  # a provisional date is never "out"
        Status.CONFIRMED,
    ]


def test_oslo_dates_across_daylight_saving(app: Flask, clock: FixedClock) -> None:
    at = clock.now()
    # 00:30 in Oslo is the evening before in UTC, in summer (CEST) and in winter (CET).
    summer = _announce(app, at, oslo(2027, 6, 10, 0, 30), "kpi", "ssb")
    winter = _announce(app, at, oslo(2027, 12, 10, 0, 30), "kpi", "ssb")
    # The 23-hour day (clocks go forward on 28 March 2027) and the 25-hour day (31 October).
    spring_last = _announce(app, at, oslo(2027, 3, 28, 23, 30), "kpi", "ssb")
    autumn_first = _announce(app, at, oslo(2027, 10, 31, 0, 30), "kpi", "ssb")
    autumn_last = _announce(app, at, oslo(2027, 10, 31, 23, 30), "kpi", "ssb")
    with get_database(app).sessions() as s:

        def ids(d: date, hour: int | None = None) -> list[int]:
            return [e.release_id for e in day_view(s, d, hour=hour, areas=(), now=at).entries]

        assert ids(date(2027, 6, 10)) == [summer] and ids(date(2027, 6, 9)) == []
        assert ids(date(2027, 12, 10)) == [winter] and ids(date(2027, 12, 9)) == []
        assert ids(date(2027, 3, 28)) == [spring_last] and ids(date(2027, 3, 29)) == []
        assert ids(date(2027, 10, 31)) == [autumn_first, autumn_last]
        assert ids(date(2027, 10, 30)) == [] and ids(date(2027, 11, 1)) == []
        view = day_view(s, date(2027, 6, 10), hour=0, areas=(), now=at)
    assert view.hour_count == 1 and view.entries[0].clock == "00:30"


def test_day_page_in_norwegian(client: FlaskClient, day: dict[str, int]) -> None:
    login(client, NAV_EDITOR)
    page = client.get("/min-side/kalender/dag?dato=2027-03-15&tid=08:00&statistikk=nav-helt-ledige")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Publiseringer mandag 15. mars 2027" in text
    assert "4 publiseringer er satt opp denne dagen." in text
    assert "2 av dem er mellom kl. 08:00 og 09:00." in text
    assert "2 av dem gjelder samme emne (Arbeid og lønn)." in text
    assert text.count(">Samme emne</span>") == 2
    assert "<td>Foreløpig dato</td>" in text and "<td>Avlyst</td>" not in text
    # the form picks the day without JavaScript
    assert 'name="dato" value="2027-03-15"' in text and 'method="get"' in text


def test_day_page_in_english_and_its_json_twin(client: FlaskClient, day: dict[str, int]) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/en/my-page/calendar/day?dato=2027-03-15&tid=10:15&statistikk=kpi")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Releases on Monday 15 March 2027" in text
    assert "4 releases are set for this day." in text
    assert "1 of them is between 10:00 and 11:00." in text
    twin = page.headers["Link"].split(">")[0][1:]
    assert twin.startswith("/en/my-page/calendar/day.json?")
    assert f'<link rel="alternate" type="application/json" href="{twin}">' in page.text.replace(
        "&amp;", "&"
    )
    data = client.get(twin).json
    assert data is not None
    assert data["day_count"] == 4 and data["hour_count"] == 1
    assert data["sentences"][0] == "4 releases are set for this day."
    assert [r["producer"] for r in data["releases"]] == ["SSB", "SSB", "Nav", "FHI"]
    assert [r["same_subject_area"] for r in data["releases"]] == [True, False, False, False]
    assert data["releases"][2]["status_label"] == "Confirmed"
    assert client.get(page.request.full_path + "&format=json").json == data


def test_day_page_needs_login(client: FlaskClient) -> None:
    for path in ("/min-side/kalender/dag", "/min-side/kalender/dag.json?dato=2027-03-15"):
        assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/min-side/kalender/dag?dato=2027-02-30", "Datoen «2027-02-30» finnes ikke."),
        ("/en/my-page/calendar/day?dato=15.03.2027", "The date “15.03.2027” does not exist."),
        ("/min-side/kalender/dag?dato=2027-03-15&tid=25:00", "Klokkeslettet «25:00» finnes ikke."),
        ("/en/my-page/calendar/day?statistikk=nope", "There is no statistic with the short name"),
    ],
)
def test_bad_input_is_a_readable_400_in_the_page_language(
    client: FlaskClient, path: str, said: str
) -> None:
    login(client, SSB_EDITOR)
    response = client.get(path)
    assert response.status_code == 400
    assert said in response.text


def test_day_page_defaults_to_today_in_oslo(client: FlaskClient, clock: FixedClock) -> None:
    login(client, SSB_EDITOR)
    clock.set(oslo(2027, 1, 5, 0, 30))  # still 4 January in UTC
    page = client.get("/min-side/kalender/dag")
    assert page.status_code == 200 and "tirsdag 5. januar 2027" in page.text


def test_announce_page_shows_the_panel_once_a_date_is_entered(
    client: FlaskClient, day: dict[str, int]
) -> None:
    login(client, SSB_EDITOR)
    empty = client.get("/min-side/kalender/ny")
    assert "Se hva annet som publiseres denne dagen" in empty.text
    assert "publiseringer er satt opp" not in empty.text
    asked = client.get("/min-side/kalender/ny?dato=2027-03-15")
    text = re.sub(r"\s+", " ", asked.text)
    assert 'value="2027-03-15"' in text
    assert "4 publiseringer er satt opp denne dagen." in text
    assert "/min-side/kalender/dag?dato=2027-03-15&amp;tid=08:00" in text
    assert "dayview.js" in text


def test_manage_page_shows_the_day_of_the_release_without_itself(
    client: FlaskClient, day: dict[str, int]
) -> None:
    login(client, NAV_EDITOR)
    page = client.get(f"/min-side/kalender/{day['nav']}")
    text = re.sub(r"\s+", " ", page.text)
    assert page.status_code == 200
    assert "3 publiseringer er satt opp denne dagen." in text
    assert "Denne publiseringen er ikke regnet med." in text
    assert f"utenom={day['nav']}" in text
    assert "1 av dem gjelder samme emne (Arbeid og lønn)." in text


def test_the_public_calendar_is_unchanged(client: FlaskClient, day: dict[str, int]) -> None:
    page = client.get("/kalender?view=day&date=2027-03-15")
    assert page.status_code == 200
    assert "publiseringer er satt opp denne dagen" not in page.text


def test_a_day_with_nothing(client: FlaskClient, clock: FixedClock) -> None:
    login(client, SSB_EDITOR)
    later = (clock.now() + timedelta(days=400)).date().isoformat()
    data = client.get(f"/min-side/kalender/dag.json?dato={later}&tid=08:00").json
    assert data is not None
    assert data["day_count"] == 0 and data["releases"] == []
    assert data["sentences"] == ["Ingen publiseringer er satt opp denne dagen."]


def test_announce_page_refused_shows_the_panel_for_the_entered_date(
    client: FlaskClient, day: dict[str, int]
) -> None:
    login(client, NAV_EDITOR)
    form = client.get("/min-side/kalender/ny")
    refused = client.post(
        "/min-side/kalender/ny",
        data={
            "csrf_token": csrf_token(form.text),
            "statistic": "nav-helt-ledige",
            "title_nb": "",  # missing: the form comes back
            "release_date": "2027-03-15",
            "release_time": "10:20",
        },
    )
    assert refused.status_code >= 400
    text = re.sub(r"\s+", " ", refused.text)
    assert "4 publiseringer er satt opp denne dagen." in text
    assert "1 av dem er mellom kl. 10:00 og 11:00." in text
    assert "2 av dem gjelder samme emne (Arbeid og lønn)." in text
