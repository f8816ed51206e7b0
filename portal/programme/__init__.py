"""The statistics programme: producers, subject areas (hovedområder) and statistics.

Every pillar hangs off these: releases, documentation, code lists and tables all belong to a statistic, and
a statistic belongs to exactly one producer, which is what producer scoping checks against.
"""

from portal.programme import messages as _messages  # noqa: E402,F401  (registers the strings)
