"""The one clock. Every "now" in the portal comes from here as an aware UTC datetime.

Release times are the law of the portal (equal access at the announced minute), so tests must be able to
stand one second before and one second after any instant: they pass a :class:`FixedClock`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)

    def advance(self, delta: timedelta) -> None:
        self._at = self._at + delta


def as_utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; raise ValueError for a naive one (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: every time in the portal must carry its timezone")
    return moment.astimezone(UTC)


def in_oslo(moment: datetime) -> datetime:
    """The same instant in Europe/Oslo, for display."""
    return as_utc(moment).astimezone(OSLO)
