"""``portal notify run``: send the alerts (issue 22), beside ``portal serve``; safe on several machines at
once (every step claims its work with a conditional UPDATE)."""

from __future__ import annotations

import time

import click
from flask import current_app

from portal.http.db import get_database
from portal.http.instant import now
from portal.notify.extension import settings
from portal.notify.mail import SmtpSender
from portal.notify.worker import health, run_once


@click.group("notify", help="Alerts by e-mail: the worker that sends them.")
def notify_group() -> None:
    pass


@notify_group.command("run")
@click.option("--once", is_flag=True, help="One pass, then exit (for cron or a test).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def notify_run(once: bool, interval: float) -> None:
    """Queue what became public, fan it out to subscribers, gather digests and send what is due, through
    PORTAL_SMTP_URL."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        raise click.ClickException("Set PORTAL_SMTP_URL (smtp://host:port) to send alerts.")
    sender = SmtpSender(str(url))
    database = get_database()
    try:
        while True:
            done = run_once(database.sessions, sender, settings(current_app), now())
            if done.sent or done.failed or done.dead or done.events:
                click.echo(
                    f"{done.events} new alerts, {done.queued} messages queued, {done.digests} digests, "
                    f"{done.sent} sent, {done.failed} to retry, {done.dead} given up"
                )
            if once:
                return
            sender.close()
            time.sleep(interval)
    finally:
        sender.close()


@notify_group.command("status")
def notify_status() -> None:
    """Is the worker keeping up? Subscribers, what waits, the oldest message due, messages given up;
    exits 1 when the worker has not run for 5 minutes or a message has waited that long."""
    with get_database().sessions() as session:
        found = health(session, now())
    click.echo(
        f"{found.subscribers} subscribers, {found.confirmed} confirmed subscriptions; "
        f"{found.events_waiting} alerts waiting to be fanned out; {found.messages_due} messages due"
        + (
            f" (the oldest for {int(found.oldest_due_seconds)} s)"
            if found.oldest_due_seconds is not None
            else ""
        )
        + f"; {found.dead} given up"
    )
    problems = found.problems()
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
