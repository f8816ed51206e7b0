"""The common release calendar (pillar 1).

Named ``release_calendar`` rather than ``calendar``: a top-level ``calendar`` package would shadow Python's
standard-library module, which ``requests`` imports through ``http.cookiejar``.

Releases, the 3-month pre-announcement rule, the public change history, equal access at release time
(through :func:`portal.kernel.access.is_visible`), corrections, iCal and Atom feeds, and the indicators
(punctuality, timeliness, on-time announcement) land here: see issue 3.
"""

from release_calendar import dayview_messages as _dayview_messages  # noqa: E402,F401
from release_calendar import messages as _messages  # noqa: E402,F401  (registers the strings)
from release_calendar import recurrence_messages as _recurrence_messages  # noqa: E402,F401
