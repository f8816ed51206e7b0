"""The visibility rule in portal/kernel/access.py: its states match the calendar's, and its variants agree
with the predicate one second either side of a release time (issue 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.access import (
    CANCELLED_STATE,
    NEVER,
    RELEASED_STATE,
    ahead_filter,
    embargoed_filter,
    goes_out_at,
    is_embargoed,
    is_pending,
    is_released,
    is_visible,
    pending_filter,
    released_filter,
)
from portal.kernel.clock import FixedClock
from release_calendar.models import Release
from release_calendar.rules import State
from tests.conftest import START
from tests.release_calendar.factories import releases_in_each_state


def test_the_access_states_are_the_calendars() -> None:
    # access.py imports no domain, so the calendar's enum and these constants are held equal here.
    assert RELEASED_STATE == State.CONFIRMED.value
    assert CANCELLED_STATE == State.CANCELLED.value


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_variants_are_the_one_rule(state: str, offset: int) -> None:
    release_at, now = START, START + timedelta(seconds=offset)
    released = is_released(state, release_at, now)
    assert released == is_visible(goes_out_at(state, release_at), now)
    assert is_embargoed(state, release_at, now) == (state == RELEASED_STATE and not released)
    assert is_pending(state, release_at, now) == (state != CANCELLED_STATE and not released)
    assert goes_out_at(state, release_at) == (release_at if state == RELEASED_STATE else NEVER)


def test_the_filters_agree_with_the_predicates(app: Flask, clock: FixedClock) -> None:
    releases_in_each_state(app, clock)
    rules = {
        released_filter: is_released,
        embargoed_filter: is_embargoed,
        pending_filter: is_pending,
        ahead_filter: lambda state, at, now: state != CANCELLED_STATE and not is_visible(at, now),
    }
    with get_database(app).sessions() as s:
        releases = list(s.scalars(select(Release)))
        assert {r.state for r in releases} >= {State.PROVISIONAL.value, State.CONFIRMED.value}
        for release in releases:
            for offset in (-1, 0, 1):
                now = release.release_at + timedelta(seconds=offset)
                for condition, predicate in rules.items():
                    found = set(
                        s.scalars(
                            select(Release.id).where(
                                condition(Release.state, Release.release_at, now)
                            )
                        )
                    )
                    expected = {r.id for r in releases if predicate(r.state, r.release_at, now)}
                    assert found == expected, (condition.__name__, offset)
