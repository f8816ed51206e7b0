"""Accounts: people (users with a role at one producer), machines (API tokens) and the audit log."""

from portal.accounts import messages as _messages  # noqa: E402,F401  (registers the strings)
