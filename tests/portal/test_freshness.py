"""Cache lifetimes bounded by the next release (issue 23)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.kernel.freshness import (
    MAX_AGE,
    STALE_WHILE_REVALIDATE,
    max_age,
    next_midnight,
    shared_cache_control,
)

NOW = datetime(2026, 12, 7, 7, 59, 30, tzinfo=UTC)


def test_max_age_never_reaches_past_the_next_change() -> None:
    assert max_age(NOW + timedelta(seconds=30), NOW) == 30
    assert max_age(NOW + timedelta(seconds=30.9), NOW) == 30
    assert max_age(NOW + timedelta(hours=2), NOW) == MAX_AGE
    assert max_age(None, NOW) == MAX_AGE
    assert max_age(NOW + timedelta(milliseconds=400), NOW) == 0
    assert max_age(NOW - timedelta(seconds=5), NOW) == 0


def test_cache_control_header() -> None:
    assert shared_cache_control(NOW + timedelta(seconds=12), NOW) == (
        f"public, max-age=12, stale-while-revalidate={STALE_WHILE_REVALIDATE}"
    )
    assert shared_cache_control(NOW + timedelta(milliseconds=999), NOW) == "public, no-cache"
    assert STALE_WHILE_REVALIDATE <= 5 and MAX_AGE <= 60


def test_next_midnight_is_oslo_midnight_across_daylight_saving() -> None:
    assert next_midnight(NOW) == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)  # 23:59 in Oslo (CEST)
    assert next_midnight(summer) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
