"""How long a public answer may be kept by a cache in front of the portal (issue 23).

A public answer changes at a write (a cache learns that by revalidating) and at the next instant the
calendar already knows of: a release going out, a planned time passing, or midnight in Oslo (the
calendar's "today"). :func:`shared_cache_control` turns that next instant into ``Cache-Control`` so a
shared cache (a CDN, Varnish) can never hold an answer past it for longer than
:data:`STALE_WHILE_REVALIDATE` seconds, and never for longer than :data:`MAX_AGE` seconds after a
write. An answer is never early: what a cache holds was rendered before the instant, and the next
instant bounds how long it may keep it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from portal.kernel.clock import in_oslo

#: The longest a shared cache may keep a public answer without asking again (seconds): a write shows
#: in every cache within this time.
MAX_AGE = 60
#: How long a cache may go on serving an expired answer while it fetches the new one (seconds): the
#: most a release's content can be held back after its minute.
STALE_WHILE_REVALIDATE = 5


def next_midnight(now: datetime) -> datetime:
    """The next midnight in Oslo after ``now`` (aware): where the calendar's "today" moves on."""
    local = in_oslo(now)
    tomorrow = (local + timedelta(days=1)).date()
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=local.tzinfo)


def max_age(until: datetime | None, now: datetime) -> int:
    """Whole seconds from ``now`` to ``until`` (the next instant that can change the answer), at most
    :data:`MAX_AGE` and never negative; MAX_AGE when nothing is coming."""
    if until is None:
        return MAX_AGE
    return max(0, min(MAX_AGE, math.floor((until - now).total_seconds())))


def shared_cache_control(until: datetime | None, now: datetime) -> str:
    """``Cache-Control`` for a public answer that may change at ``until``: ``max-age`` never reaches
    past it, ``stale-while-revalidate`` at most 5 s; ``no-cache`` (always revalidate) when ``until``
    is under a second away."""
    seconds = max_age(until, now)
    if seconds == 0:
        return "public, no-cache"
    return f"public, max-age={seconds}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"
