"""The demo year of releases holds every kind of event the calendar shows."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.programme.models import Statistic
from release_calendar import listing
from release_calendar.demo import seed_releases
from release_calendar.models import Release


def test_demo_year_has_every_event_and_covers_every_statistic(
    app: Flask, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        added = seed_releases(s, clock.now())
        assert added > 500
        assert seed_releases(s, clock.now()) == 0  # idempotent
        covered = s.scalar(select(func.count(func.distinct(Release.statistic_id))))
        assert covered == s.scalar(select(func.count()).select_from(Statistic))
        kinds = Counter(n.kind for n in listing.list_change_notices(s, clock.now(), limit=1000))
        assert {
            "late-announcement",
            "postponed",
            "brought-forward",
            "cancelled",
            "correction",
        } <= set(kinds)
        states = Counter(s.scalars(select(Release.state)))
        assert states["provisional"] and states["confirmed"] and states["cancelled"] == 1
        published = listing.list_releases(
            s, listing.ReleaseQuery(status=listing.Status.PUBLISHED, per_page=1), clock.now()
        )
        assert published.total > 100
        # Nothing in the demo history happens after "now".
        latest_change = max(c.at for r in s.scalars(select(Release)) for c in r.changes)
        assert latest_change <= clock.now()
