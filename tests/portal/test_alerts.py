"""Alerts by e-mail (issue 22) against a real SMTP server (aiosmtpd on loopback, started here): double
opt-in, an alert after and never before a release's minute, retries with growing waits and then giving
up, a daily digest, messages in nb and en with valid headers, and nothing kept of an address once its
last subscription goes."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.devserver import free_port
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.notify import service
from portal.notify.mail import SmtpSender
from portal.notify.models import OutgoingMessage, Subscriber, Subscription
from portal.notify.worker import BACKOFF, MAX_ATTEMPTS, Pass, Settings, run_once
from tests.release_calendar.factories import announce_release, oslo

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

SECRET = "test-secret-key"
SETTINGS = Settings(
    SECRET, "https://statistikk.example.no", "Statistikkportalen <varsler@example.no>"
)


@dataclass
class Inbox:
    """What the SMTP server accepted; ``refuse`` makes it answer 451 to every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def take(self) -> list[EmailMessage]:
        with self.lock:
            found, self.messages = self.messages, []
        return found


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def _run(app: Flask, url: str, clock: FixedClock) -> Pass:
    sender = SmtpSender(url, timeout=5)
    try:
        with app.app_context():
            return run_once(get_database(app).sessions, sender, SETTINGS, clock.now())
    finally:
        sender.close()


def _subscribe(
    app: Flask, clock: FixedClock, topic: str = "statistic:folkemengde", **kw: str
) -> None:
    with app.app_context(), get_database(app).sessions() as s:
        service.subscribe(
            s,
            kw.get("email", "ola@example.no"),
            kw.get("lang", "nb"),
            topic,
            kw.get("frequency", "immediate"),
            clock.now(),
            label={"nb": "Befolkning", "en": "Population"},
        )
        s.commit()


def _link(message: EmailMessage, kind: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(
        rf"https://statistikk\.example\.no(?:/en)?/(?:varsler|alerts)/(?:{kind})/(\S+)",
        body.get_content(),
    )
    assert found, body.get_content()
    return found.group(1)


def _confirm(app: Flask, clock: FixedClock, message: EmailMessage) -> None:
    token = _link(message, "bekreft|confirm")
    with app.app_context(), get_database(app).sessions() as s:
        service.confirm(s, SECRET, token, clock.now())
        s.commit()


def test_double_opt_in_and_an_alert_at_the_minute_never_before(
    app: Flask, clock: FixedClock, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    _subscribe(app, clock)
    _run(app, url, clock)
    [confirmation] = inbox.take()
    assert confirmation["Subject"] == "Bekreft varsler fra Statistikkportalen"
    assert confirmation["To"] == "ola@example.no"
    assert confirmation["List-Unsubscribe"] is None
    # A link to see and delete one's subscriptions is in every e-mail, the confirmation too.
    assert _link(confirmation, "mine")
    assert "statistikken Befolkning" in confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # Nothing before consent: an announcement now is not sent.
    at = oslo(2027, 6, 10, 8, 0)
    announce_release(app, clock.now(), at, statistic="folkemengde")
    clock.advance(timedelta(minutes=1))
    _run(app, url, clock)
    assert inbox.take() == []

    _confirm(app, clock, confirmation)
    clock.advance(timedelta(minutes=1))
    later = oslo(2027, 7, 10, 8, 0)
    announce_release(app, clock.now(), later, statistic="folkemengde")
    _run(app, url, clock)
    [announced] = inbox.take()
    assert announced["Subject"].startswith("Varsel: ")
    text = announced.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Ny publisering er varslet: 10. juli 2027 kl. 08.00" in text
    assert announced["List-Unsubscribe"].startswith(
        "<https://statistikk.example.no/varsler/avmeld/"
    )
    assert announced["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert announced["Content-Language"] == "nb"
    assert announced.get_body(("html",)) is not None

    # The release's minute: not a second early, then once.
    clock.set(at - timedelta(seconds=1))
    _run(app, url, clock)
    assert inbox.take() == []
    clock.set(at)
    _run(app, url, clock)
    [published] = inbox.take()
    assert "Publisert 10. juni 2027 kl. 08.00" in published.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    clock.advance(timedelta(minutes=5))
    _run(app, url, clock)
    assert inbox.take() == []

    # One click: the subscription and the address are gone; the log keeps a hash only.
    token = _link(published, "avmeld")
    with app.app_context(), get_database(app).sessions() as s:
        assert service.unsubscribe(s, SECRET, token) == "statistic:folkemengde"
        s.commit()
        assert s.scalar(select(func.count()).select_from(Subscriber)) == 0
        hashes = set(s.scalars(select(OutgoingMessage.address_hash)))
        assert hashes == {service.address_hash("ola@example.no")}


def test_a_refusing_server_is_retried_with_growing_waits_then_given_up(
    app: Flask, clock: FixedClock, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    inbox.refuse = True
    _subscribe(app, clock)
    done = _run(app, url, clock)
    assert done.failed == 1 and done.sent == 0
    assert all("ola@example.no" not in e for e in done.errors)
    for wait in BACKOFF:
        # Not before its time …
        clock.advance(wait - timedelta(seconds=1))
        assert _run(app, url, clock).failed == 0
        clock.advance(timedelta(seconds=1))
        attempt = _run(app, url, clock)
        assert attempt.failed + attempt.dead == 1
    with app.app_context(), get_database(app).sessions() as s:
        message = s.scalar(select(OutgoingMessage))
        assert message is not None
        assert message.status == "dead" and message.attempts == MAX_ATTEMPTS
        assert "451" in message.last_error and "ola@example.no" not in message.last_error
    inbox.refuse = False
    clock.advance(timedelta(days=2))
    assert _run(app, url, clock).sent == 0
    assert inbox.take() == []


def test_a_daily_digest_gathers_the_days_alerts_in_english(
    app: Flask, clock: FixedClock, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    _subscribe(app, clock, lang="en", frequency="daily", email="kari@example.com")
    _run(app, url, clock)
    [confirmation] = inbox.take()
    assert confirmation["Subject"] == "Confirm alerts from Statistikkportalen"
    assert "/en/alerts/confirm/" in confirmation.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    _confirm(app, clock, confirmation)
    for month in (6, 7, 8):
        clock.advance(timedelta(minutes=1))
        announce_release(app, clock.now(), oslo(2027, month, 10, 8, 0), statistic="folkemengde")
    _run(app, url, clock)
    assert inbox.take() == []  # gathered, not sent one by one
    with app.app_context(), get_database(app).sessions() as s:
        subscription = s.scalar(select(Subscription))
        assert subscription is not None and subscription.next_digest_at is not None
        due = subscription.next_digest_at
    assert due.astimezone(ZoneInfo("Europe/Oslo")).hour == 6  # 06:00 Oslo time, the next day
    clock.set(due)
    _run(app, url, clock)
    [digest] = inbox.take()
    assert digest["Subject"] == "Alerts from Statistikkportalen: 3 changes"
    assert digest["Content-Language"] == "en"
    text = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.count("A new release is announced") == 3
    assert "https://statistikk.example.no/en/calendar/" in text
    clock.advance(timedelta(days=1))
    _run(app, url, clock)
    assert inbox.take() == []  # nothing new, no empty digest


def test_a_saved_query_is_told_its_revised_numbers_old_and_new_at_the_minute(
    app: Flask, client: Any, clock: FixedClock, smtp: tuple[Inbox, str]
) -> None:
    from tests.pxbridge.conftest import px_table, store_table

    inbox, url = smtp
    store_table(app, client, px_table("99300"), "folkemengde")
    created = client.post(
        "/api/pxwebapi/v2/savedqueries",
        json={
            "tableId": "99300",
            "language": "no",
            "selection": {
                "selection": [
                    {"variableCode": "Region", "valueCodes": ["0"]},
                    {"variableCode": "ContentsCode", "valueCodes": ["Folkemengde"]},
                    {"variableCode": "Tid", "valueCodes": ["2016", "2017"]},
                ]
            },
        },
    )
    assert created.status_code == 201, created.text
    query_id = created.json["id"]
    _subscribe(app, clock, topic=f"savedquery:{query_id}")
    _run(app, url, clock)
    _confirm(app, clock, inbox.take()[0])

    clock.advance(timedelta(minutes=1))
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    revised = px_table("99300").replace(b"1001 1002", b"1001 9999")
    store_table(app, client, revised, "folkemengde", release=release_id)
    clock.set(at - timedelta(seconds=1))
    _run(app, url, clock)
    assert inbox.take() == []
    clock.set(at)
    _run(app, url, clock)
    [alert] = inbox.take()
    text = alert.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert (
        "1 av 2 tall er revidert: Hele landet, Folkemengde, 2017: 1 002 → 9 999 (+8 997)"
        in " ".join(text.split())
    )
    assert alert["Subject"] == f"Varsel: Lagret spørring {query_id} (tabell 99300)"


def test_notify_run_and_status_from_the_command_line(
    app: Flask, clock: FixedClock, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["notify", "run", "--once"])
    assert refused.exit_code != 0 and "PORTAL_SMTP_URL" in refused.output
    _subscribe(app, clock)
    never = runner.invoke(args=["notify", "status"])
    assert never.exit_code == 1
    assert "the worker has never run" in never.output
    assert "1 subscribers, 0 confirmed subscriptions" in never.output
    app.config["SMTP_URL"] = url
    ran = runner.invoke(args=["notify", "run", "--once"])
    assert ran.exit_code == 0, ran.output
    assert len(inbox.take()) == 1
    fine = runner.invoke(args=["notify", "status"])
    assert fine.exit_code == 0, fine.output
    assert "0 messages due" in fine.output
    clock.advance(timedelta(minutes=6))
    stale = runner.invoke(args=["notify", "status"])
    assert stale.exit_code == 1 and "last pass was 360 s ago" in stale.output


def test_a_saved_query_can_be_subscribed_from_the_page(app: Flask, client: Any) -> None:
    from tests.pxbridge.conftest import px_table, store_table

    store_table(app, client, px_table("99301"), "folkemengde")
    created = client.post(
        "/api/pxwebapi/v2/savedqueries",
        json={"tableId": "99301", "selection": {"selection": []}},
    )
    assert created.status_code == 201, created.text
    page = client.get(f"/varsler/ny?topic=savedquery:{created.json['id']}")
    assert page.status_code == 200, page.text
    assert f"Lagret spørring {created.json['id']} (tabell 99301)" in page.text
    assert client.get("/varsler/ny?topic=savedquery:finnesikke").status_code == 404


def test_the_table_page_saves_its_selection_for_an_alert(app: Flask, client: Any) -> None:
    from sqlalchemy import select as sql_select

    from pxbridge.models import SavedQuery
    from tests.conftest import csrf_token
    from tests.pxbridge.conftest import px_table, store_table

    store_table(app, client, px_table("99302"), "folkemengde")
    query = "v-Region=0&v-Region=03&latest-Tid=3&all-ContentsCode=1"
    page = client.get(f"/tabeller/99302?{query}")
    assert page.status_code == 200
    # The table page carries no form token (the same page for everyone): a link to the form.
    assert "csrf_token" not in page.text
    link = re.search(r'<a href="(/tabeller/99302/varsle[^"]*)"', page.text)
    assert link, "no alert link on the table page"
    form = client.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    with get_database(app).sessions() as s:
        assert s.scalars(sql_select(SavedQuery).where(SavedQuery.table_id == "99302")).all() == []
    action = re.search(r'<form method="post" action="([^"]*)"', form.text)
    assert action
    answer = client.post(
        action.group(1).replace("&amp;", "&"), data={"csrf_token": csrf_token(form.text)}
    )
    assert answer.status_code == 303, answer.text[-1500:]
    assert answer.headers["Location"].startswith("/varsler/ny?topic=savedquery")
    with get_database(app).sessions() as s:
        saved = s.scalars(sql_select(SavedQuery).where(SavedQuery.table_id == "99302")).one()
        by_code = {v["variableCode"]: v["valueCodes"] for v in saved.selection["selection"]}
    # "The latest 3 periods" is kept as an expression: it moves on with the table.
    assert by_code["Tid"] == ["top(3)"] and by_code["Region"] == ["0", "03"]
    assert client.get(answer.headers["Location"]).status_code == 200
