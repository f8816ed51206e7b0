"""SIMS 2.0 concept scheme and the "Om statistikken" documentation records (issue 4)."""

from metadata.sims import messages as _messages  # noqa: E402,F401  (registers the strings)
