"""Accounts: people (users with a role at one producer), machines (API tokens) and the audit log."""
