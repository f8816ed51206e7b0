"""The next instant the calendar already knows will change public answers (issue 23): the earliest
coming release time that is not cancelled (a confirmed release goes out then, a provisional one stops
being "coming"), or the next midnight in Oslo, whichever is first. Caches key and bound what they keep
by it (:mod:`portal.kernel.freshness`), so nothing they hold outlives the minute it was valid for."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.kernel.access import ahead_filter
from portal.kernel.freshness import next_midnight
from release_calendar.models import Release


def next_change_at(session: Session, now: datetime) -> datetime:
    """The first instant after ``now`` at which the calendar changes an answer by itself: one index
    probe on the release time (bench/calendar_feeds.py keeps it cheap)."""
    coming = session.scalar(
        select(func.min(Release.release_at)).where(
            ahead_filter(Release.state, Release.release_at, now)
        )
    )
    midnight = next_midnight(now)
    if coming is None:
        return midnight
    if isinstance(coming, str):  # an aggregate comes back untyped on SQLite: text, naive UTC
        coming = datetime.fromisoformat(coming)
    if coming.tzinfo is None:
        coming = coming.replace(tzinfo=UTC)
    return min(coming, midnight)
