"""The instant a request runs at: the one way the portal reads its clock (issue 17).

Within a request, :func:`now` reads the app's :class:`~portal.kernel.clock.Clock` once and returns that instant
for the rest of the request, so every rule applied in one answer (the page, its feed links, the search
hits) sees the same "now" even when a release time falls between two reads. Outside a request (commands,
background index updates) it reads the clock at each call. Services never call it: they take ``now``.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request

from portal.kernel.clock import Clock

_CLOCK = "portal.clock"


def init_app(app: Flask, clock: Clock) -> None:
    """Give ``app`` its clock (tests pass a :class:`~portal.kernel.clock.FixedClock`)."""
    app.extensions[_CLOCK] = clock


def now() -> datetime:
    """The current instant (aware, UTC): the request's, read once, or the clock's outside a request."""
    if not has_request_context():
        return _read()
    # Keyed by the request, not just g: a test's outer app context shares one g across its requests.
    current = request._get_current_object()  # type: ignore[attr-defined]
    cached: tuple[object, datetime] | None = g.get("portal_instant")
    if cached is None or cached[0] is not current:
        cached = (current, _read())
        g.portal_instant = cached
    return cached[1]


def _read() -> datetime:
    moment: datetime = current_app.extensions[_CLOCK].now()
    return moment
