"""The cross-producer day view (issue 20): what else goes out on a day, so agencies can avoid clashes.

An editor choosing a release time sees how many releases of all producers are dated that Oslo day and
in that Oslo clock hour, and which of them share a subject area with the statistic being scheduled.

What counts: every release with an exact date on that day (00:00 to 24:00 Europe/Oslo, so a 00:30
release in winter counts on its Oslo date, not on the UTC date before), provisional or confirmed, of
every producer. Cancelled releases do not count: the slot is free again. Releases with only a month or
a quarter have no day yet and do not count either. A release already out that day still counts and is
marked published: it drew that day's attention all the same.

Dates and provisional dates of every producer are public from the moment they are announced, so this
shows nothing embargoed (no release notes); it is still offered only to signed-in producers, under
/min-side, as a planning aid. Plain Python: no Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.clock import in_oslo
from portal.kernel.errors import BadRequest
from portal.programme.models import Statistic, SubjectArea
from release_calendar import dayview_messages as _messages  # noqa: F401  (registers the strings)
from release_calendar.models import Release
from release_calendar.rules import Precision, State, Status, derive_status, oslo_instant

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class AreaName:
    slug: str
    name_nb: str
    name_en: str


@dataclass(frozen=True)
class DayEntry:
    """One release dated on the day. ``release_at`` is UTC; ``clock`` is its Oslo wall time."""

    release_id: int
    release_at: datetime
    clock: str
    producer_short_name: str
    statistic_slug: str
    statistic_name_nb: str
    statistic_name_en: str
    # provisional, confirmed or published (postponement needs the history, which a clash check does not)
    status: Status
    same_subject_area: bool
    in_hour: bool


@dataclass(frozen=True)
class DayView:
    """The releases dated on ``day`` (Oslo), by time; ``hour_count`` is None when no hour was asked."""

    day: date
    hour: int | None
    day_count: int
    hour_count: int | None
    subject_areas: tuple[AreaName, ...]
    entries: tuple[DayEntry, ...]

    @property
    def same_subject_area(self) -> tuple[DayEntry, ...]:
        return tuple(e for e in self.entries if e.same_subject_area)


def parse_day(text: str) -> date:
    """A date written YYYY-MM-DD. Raises BadRequest (key ``dayview.bad_date``) for anything else."""
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
        day_bounds(day)
    except (ValueError, OverflowError):
        raise BadRequest("").said("dayview.bad_date", given=text[:40]) from None
    return day


def parse_hour(text: str) -> int:
    """The hour of a clock time written HH:MM (or HH). Raises BadRequest (key ``dayview.bad_time``)."""
    try:
        parts = text.strip().split(":")
        if len(parts) > 3 or not all(p.isdigit() and 1 <= len(p) <= 2 for p in parts):
            raise ValueError(text)
        numbers = [int(p) for p in parts] + [0, 0]
        clock = time(numbers[0], numbers[1], numbers[2])
    except ValueError:
        raise BadRequest("").said("dayview.bad_time", given=text[:40]) from None
    return clock.hour


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where the Oslo day starts and the next one starts (23, 24 or 25 hours apart)."""
    start = oslo_instant(datetime.combine(day, time(0)))
    end = oslo_instant(datetime.combine(day + timedelta(days=1), time(0)))
    return start, end


def subject_areas_of(session: Session, statistic: str) -> tuple[AreaName, ...]:
    """The subject areas of the statistic with slug ``statistic``. Raises BadRequest when there is none
    (key ``dayview.unknown_statistic``)."""
    found = session.scalar(
        select(Statistic)
        .where(Statistic.slug == statistic)
        .options(selectinload(Statistic.subject_areas))
    )
    if found is None:
        raise BadRequest("").said("dayview.unknown_statistic", given=statistic[:80])
    return tuple(AreaName(a.slug, a.name_nb, a.name_en) for a in found.subject_areas)


def subject_area_named(session: Session, slug: str) -> tuple[AreaName, ...]:
    """The subject area with ``slug`` alone. Raises BadRequest (key ``dayview.unknown_area``)."""
    found = session.scalar(select(SubjectArea).where(SubjectArea.slug == slug))
    if found is None:
        raise BadRequest("").said("dayview.unknown_area", given=slug[:80])
    return (AreaName(found.slug, found.name_nb, found.name_en),)


def day_view(
    session: Session,
    day: date,
    *,
    hour: int | None,
    areas: tuple[AreaName, ...],
    now: datetime,
    leave_out: int | None = None,
) -> DayView:
    """What is dated on the Oslo date ``day``, all producers, cancelled ones left out (see the module).

    ``hour`` (0–23, Oslo wall clock) asks for the count in that clock hour too; ``areas`` are the
    subject areas of the statistic being scheduled (from :func:`subject_areas_of`), whose releases are
    marked; ``leave_out`` is the release being moved, which does not clash with itself. ``now`` (UTC)
    decides which releases are already out (:func:`portal.kernel.access.is_released`)."""
    if hour is not None and not 0 <= hour <= 23:
        raise ValueError("hour must be 0 to 23")
    start, end = day_bounds(day)
    stmt = (
        select(Release)
        .where(
            Release.release_at >= start,
            Release.release_at < end,
            Release.state != State.CANCELLED,
            Release.precision == Precision.EXACT,
        )
        .options(
            selectinload(Release.statistic).selectinload(Statistic.producer),
            selectinload(Release.statistic).selectinload(Statistic.subject_areas),
        )
        .order_by(Release.release_at, Release.id)
    )
    if leave_out is not None:
        stmt = stmt.where(Release.id != leave_out)
    wanted = {a.slug for a in areas}
    entries = []
    for release in session.scalars(stmt):
        local = in_oslo(release.release_at)
        statistic = release.statistic
        entries.append(
            DayEntry(
                release_id=release.id,
                release_at=release.release_at,
                clock=f"{local:%H:%M}",
                producer_short_name=statistic.producer.short_name,
                statistic_slug=statistic.slug,
                statistic_name_nb=statistic.name_nb,
                statistic_name_en=statistic.name_en,
                status=derive_status(release.state, release.release_at, now, last_move=None),
                same_subject_area=any(a.slug in wanted for a in statistic.subject_areas),
                in_hour=hour is not None and local.hour == hour,
            )
        )
    return DayView(
        day=day,
        hour=hour,
        day_count=len(entries),
        hour_count=None if hour is None else sum(e.in_hour for e in entries),
        subject_areas=areas,
        entries=tuple(entries),
    )
