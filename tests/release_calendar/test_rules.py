"""The 3-month rule at its edges: month ends, leap years, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from release_calendar.rules import (
    Move,
    Precision,
    State,
    Status,
    announcement_deadline,
    derive_status,
    is_late_announcement,
    oslo_instant,
    provisional_instant,
    when_label,
)


def oslo(*args: int) -> datetime:
    return oslo_instant(datetime(*args))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("release", "deadline"),
    [
        # An ordinary date keeps its day and its 08:00 wall time.
        ((2027, 3, 15, 8, 0), (2026, 12, 15, 8, 0)),
        # Month ends clamp: 31 May → 28 Feb, 30 Nov → 30 Aug, 31 Aug → 31 May, 31 Dec → 30 Sep.
        ((2027, 5, 31, 8, 0), (2027, 2, 28, 8, 0)),
        ((2026, 11, 30, 8, 0), (2026, 8, 30, 8, 0)),
        ((2027, 8, 31, 8, 0), (2027, 5, 31, 8, 0)),
        ((2026, 12, 31, 8, 0), (2026, 9, 30, 8, 0)),
        # Leap year: 31 May 2028 → 29 Feb 2028; 29 May 2028 → 29 Feb 2028.
        ((2028, 5, 31, 8, 0), (2028, 2, 29, 8, 0)),
        ((2028, 5, 29, 8, 0), (2028, 2, 29, 8, 0)),
        # Across a year boundary.
        ((2027, 1, 31, 8, 0), (2026, 10, 31, 8, 0)),
    ],
)
def test_deadline_is_three_calendar_months_earlier_in_oslo_wall_time(
    release: tuple[int, ...], deadline: tuple[int, ...]
) -> None:
    assert announcement_deadline(oslo(*release)) == oslo(*deadline)


def test_wall_time_is_kept_across_daylight_saving() -> None:
    # 08:00 CEST (06:00 UTC) in June → 08:00 CET (07:00 UTC) in March.
    release = oslo(2027, 6, 15, 8, 0)
    assert release == datetime(2027, 6, 15, 6, 0, tzinfo=UTC)
    assert announcement_deadline(release) == datetime(2027, 3, 15, 7, 0, tzinfo=UTC)


def test_spring_gap_counts_one_hour_later_and_autumn_overlap_at_first_occurrence() -> None:
    # 28 March 2027: clocks jump from 02:00 to 03:00; 02:30 does not exist.
    gap = announcement_deadline(oslo(2027, 6, 28, 2, 30))
    assert gap == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # = 03:30 CEST
    # 31 October 2027: 02:30 happens twice; the first (CEST, 00:30 UTC) is the stricter reading.
    overlap = announcement_deadline(oslo(2028, 1, 31, 2, 30))
    assert overlap == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)


def test_late_exactly_after_the_deadline_and_not_at_it() -> None:
    release = oslo(2027, 5, 31, 8, 0)
    deadline = oslo(2027, 2, 28, 8, 0)
    assert not is_late_announcement(deadline, release)
    assert not is_late_announcement(deadline - timedelta(days=30), release)
    assert is_late_announcement(deadline + timedelta(seconds=1), release)


def test_provisional_instants_are_the_first_day_at_eight() -> None:
    assert provisional_instant(Precision.MONTH, 2027, 3) == oslo(2027, 3, 1, 8, 0)
    assert provisional_instant(Precision.QUARTER, 2027, 4) == oslo(2027, 10, 1, 8, 0)
    with pytest.raises(ValueError):
        provisional_instant(Precision.MONTH, 2027, 13)


def test_status_is_derived_from_state_clock_and_history() -> None:
    at = oslo(2027, 3, 15, 8, 0)
    second = timedelta(seconds=1)
    assert derive_status(State.CONFIRMED, at, at - second, last_move=None) is Status.CONFIRMED
    assert derive_status(State.CONFIRMED, at, at, last_move=None) is Status.PUBLISHED
    assert (
        derive_status(State.CONFIRMED, at, at - second, last_move=Move(True, False))
        is Status.POSTPONED
    )
    assert (
        derive_status(State.CONFIRMED, at, at - second, last_move=Move(False, True))
        is Status.CONFIRMED
    )
    assert derive_status(State.PROVISIONAL, at, at + second, last_move=None) is Status.PROVISIONAL
    assert derive_status(State.CANCELLED, at, at + second, last_move=None) is Status.CANCELLED


def test_labels_always_carry_the_zone_when_exact() -> None:
    winter, summer = oslo(2027, 3, 15, 8, 0), oslo(2027, 6, 15, 8, 0)
    assert when_label(Precision.EXACT, winter, "nb") == "15. mars 2027 kl. 08.00 norsk tid"
    assert when_label(Precision.EXACT, summer, "en") == "15 June 2027, 08:00 CEST"
    assert when_label(Precision.MONTH, winter, "nb") == "mars 2027"
    assert when_label(Precision.QUARTER, summer, "en") == "Q2 2027"
