"""Attaching the alerts to an app: the domains' declarations registered, the capture of alerts from writes
on every session, the words, and the settings the worker reads (``SMTP_URL``, ``MAIL_FROM``,
``BASE_URL``)."""

from __future__ import annotations

from flask import Flask

from portal.kernel.notifiable import Notifiable
from portal.notify import events, messages  # noqa: F401  (messages registers the words)
from portal.notify.registry import register
from portal.notify.worker import Settings


def init_app(app: Flask, notifiables: tuple[Notifiable, ...]) -> None:
    register(*notifiables)
    events.listen()


def settings(app: Flask) -> Settings:
    base = app.config.get("BASE_URL") or "http://localhost:8000"
    return Settings(
        secret=str(app.config["SECRET_KEY"]),
        base_url=str(base),
        sender_address=str(app.config.get("MAIL_FROM") or "Statistikkportalen <varsler@localhost>"),
    )
