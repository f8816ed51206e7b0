"""The calendar's rules as plain functions: the 3-month rule, precision, status, moves. No database here.

"3 calendar months" (K11) is defined in Oslo wall time: a release at 08:00 on 31 May must have been
confirmed by 08:00 on 28 February (or 29 in leap years). The months are subtracted the way
``dateutil.relativedelta`` does, clamping to the month's last day, and the wall time is kept across
daylight-saving changes (08:00 CEST in June → 08:00 CET in March). A wall time that falls in the spring
gap counts as the instant one hour later; one that occurs twice in autumn counts at its first occurrence,
which is the stricter reading.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta

from portal.kernel import formatting
from portal.kernel.access import is_released
from portal.kernel.clock import OSLO, as_utc, in_oslo

NOTICE = relativedelta(months=3)
#: Statistics Norway's release time since 2016; the default for every producer.
STANDARD_TIME = time(8, 0)


class Kind(enum.StrEnum):
    NEW_FIGURES = "new-figures"
    PRELIMINARY = "preliminary"
    FINAL = "final"
    PLANNED_REVISION = "planned-revision"
    CORRECTION = "correction"
    SPECIAL_ANALYSIS = "special-analysis"


class Precision(enum.StrEnum):
    EXACT = "exact"
    MONTH = "month"
    QUARTER = "quarter"


class State(enum.StrEnum):
    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Status(enum.StrEnum):
    """What the public sees, derived from state, clock and history; never stored."""

    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Reason(enum.StrEnum):
    """Coded causes of a date change, so the causes become statistics of their own."""

    LATE_DATA = "late-data"
    EXTRA_QUALITY_ASSURANCE = "extra-quality-assurance"
    CAPACITY = "capacity"
    TECHNICAL_FAILURE = "technical-failure"
    READY_EARLY = "ready-early"
    COORDINATION = "coordination"
    OTHER = "other"


class Action(enum.StrEnum):
    ANNOUNCED = "announced"
    CONFIRMED = "confirmed"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"


def oslo_instant(wall: datetime) -> datetime:
    """A naive Oslo wall time as an aware UTC instant (gap: one hour later; overlap: first occurrence)."""
    if wall.tzinfo is not None:
        raise ValueError("expects a naive wall time")
    return wall.replace(tzinfo=OSLO, fold=0).astimezone(UTC)


def announcement_deadline(release_at: datetime) -> datetime:
    """The last instant at which confirming a release at ``release_at`` is on time (UTC)."""
    wall = in_oslo(release_at).replace(tzinfo=None)
    return oslo_instant(wall - NOTICE)


def is_late_announcement(confirmed_at: datetime, release_at: datetime) -> bool:
    """True if the exact time was confirmed less than 3 calendar months before release (K11)."""
    return as_utc(confirmed_at) > announcement_deadline(release_at)


def provisional_instant(precision: Precision, year: int, period: int) -> datetime:
    """The instant standing for a provisional month (1–12) or quarter (1–4): its first day at 08:00."""
    if precision is Precision.MONTH:
        if not 1 <= period <= 12:
            raise ValueError("month must be 1 to 12")
        first = date(year, period, 1)
    elif precision is Precision.QUARTER:
        if not 1 <= period <= 4:
            raise ValueError("quarter must be 1 to 4")
        first = date(year, 3 * period - 2, 1)
    else:
        raise ValueError("only month and quarter precision are provisional")
    return oslo_instant(datetime.combine(first, STANDARD_TIME))


def normalise_provisional(precision: Precision, release_at: datetime) -> datetime:
    """Snap a provisional time to the start of its month or quarter (Oslo), so equal periods compare."""
    local = in_oslo(release_at)
    period = local.month if precision is Precision.MONTH else (local.month - 1) // 3 + 1
    return provisional_instant(precision, local.year, period)


@dataclass(frozen=True)
class Move:
    """How a date change moved the release."""

    later: bool
    earlier: bool


def classify_move(old: datetime | None, new: datetime | None) -> Move:
    if old is None or new is None:
        return Move(False, False)
    return Move(later=new > old, earlier=new < old)


def derive_status(
    state: State, release_at: datetime, now: datetime, *, last_move: Move | None
) -> Status:
    """The public status: cancelled, published (confirmed and its time has come), postponed, and so on."""
    if state is State.CANCELLED:
        return Status.CANCELLED
    if is_released(state, release_at, now):
        return Status.PUBLISHED
    if state is State.CONFIRMED:
        if last_move is not None and last_move.later:
            return Status.POSTPONED
        return Status.CONFIRMED
    return Status.PROVISIONAL


MONTHS_NB = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def when_label(precision: Precision, release_at: datetime, lang: str) -> str:
    """A release time as people read it, always with its zone when it is exact: nb "15. mars 2027
    kl. 08.00 norsk tid", en "15 March 2027, 08:00 CET"; a month "mars 2027", a quarter "1. kvartal
    2027" (:mod:`portal.kernel.formatting`)."""
    if precision is Precision.MONTH:
        return formatting.month(release_at, lang)
    if precision is Precision.QUARTER:
        return formatting.quarter(release_at, lang)
    return formatting.datetime(release_at, lang=lang, zone=True)
