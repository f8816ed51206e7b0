"""The alerts' pages as people use them (issue 22), through the Flask client against a real SMTP server
(aiosmtpd on loopback): from a statistic page's link to the form, the confirmation e-mail, the confirm
page's button, an alert after an announcement and the one-click unsubscribe that leaves nothing of the
address; the manage page; the links on every page people look for them; refusals in the page's language;
the administrators' delivery log."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from metadata.codelists.demo import seed_code_lists
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.notify import service
from portal.notify.models import OutgoingMessage, Subscriber, Subscription
from portal.notify.service import address_hash
from tests.conftest import PORTAL_ADMIN, SSB_ADMIN, csrf_token, login
from tests.portal.test_alerts import Inbox, _confirm, _link, _run, _subscribe, smtp  # noqa: F401
from tests.pxbridge.conftest import px_table, store_table
from tests.refusals import assert_reads_norwegian, message_at_field, visible_text
from tests.release_calendar.factories import announce_release, oslo

EMAIL = "kari@example.no"


def _alert_href(page: str) -> str:
    """The address of the page's "Få varsel på e-post" link (fails when there is none)."""
    found = re.search(r'<a href="([^"]*)">(?:Få varsel på e-post|Get alerts by e-mail)</a>', page)
    assert found, "no link to alerts by e-mail"
    return html.unescape(found.group(1))


def _subscribers(app: Flask) -> list[str]:
    with get_database(app).sessions() as s:
        return list(s.scalars(select(Subscriber.email)))


def _subscriptions(app: Flask) -> list[tuple[str, str, dict[str, str], bool]]:
    with get_database(app).sessions() as s:
        return [
            (x.topic, x.frequency, x.label, x.consent_at is not None)
            for x in s.scalars(select(Subscription).order_by(Subscription.id))
        ]


def _path(url: str) -> str:
    return url.removeprefix("https://statistikk.example.no")


def test_from_a_statistic_page_to_an_alert_and_one_click_unsubscribe(
    app: Flask,
    client: FlaskClient,
    clock: FixedClock,
    smtp: tuple[Inbox, str],  # noqa: F811
) -> None:
    inbox, url = smtp
    form_path = _alert_href(client.get("/statistikk/kpi").text)
    assert form_path == "/varsler/ny?topic=statistic:kpi"

    form = client.get(form_path)
    assert form.status_code == 200
    text = assert_reads_norwegian(form.text)
    assert "statistikken Konsumprisindeksen" in text
    assert "Med en gang" in text and "Samlet én gang om dagen" in text
    assert "e-postadressen din" in text  # the consent: what is kept
    answer = client.post(
        form_path,
        data={"csrf_token": csrf_token(form.text), "email": EMAIL, "frequency": "immediate"},
    )
    assert answer.status_code == 200
    assert "Sjekk e-posten din" in assert_reads_norwegian(answer.text)
    # The label is the statistic's own name, in both languages, looked up rather than taken from the link.
    assert _subscriptions(app) == [
        (
            "statistic:kpi",
            "immediate",
            {"nb": "Konsumprisindeksen", "en": "Consumer price index"},
            False,
        )
    ]

    _run(app, url, clock)
    [confirmation] = inbox.take()
    token = _link(confirmation, "bekreft")
    # Opening the link (as a mail scanner does) confirms nothing; the page's button does.
    page = client.get(f"/varsler/bekreft/{token}")
    assert page.status_code == 200
    text = assert_reads_norwegian(page.text)
    assert "statistikken Konsumprisindeksen, med en gang" in text
    assert not _subscriptions(app)[0][3]
    done = client.post(f"/varsler/bekreft/{token}", data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 200
    assert "Varslene er bekreftet" in assert_reads_norwegian(done.text)
    assert _subscriptions(app)[0][3]

    clock.advance(timedelta(minutes=1))
    announce_release(app, clock.now(), oslo(2027, 7, 10, 8, 0), statistic="kpi")
    _run(app, url, clock)
    [alert] = inbox.take()
    assert alert["To"] == EMAIL
    one_click = _path(alert["List-Unsubscribe"].strip("<>"))
    assert one_click.startswith("/varsler/avmeld/")

    # RFC 8058: the mail client posts this body, without a session or a CSRF token.
    fresh = app.test_client()
    gone = fresh.post(
        one_click,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert gone.status_code == 200
    assert "Du er meldt av" in assert_reads_norwegian(gone.text)
    assert _subscribers(app) == []
    assert _subscriptions(app) == []
    # The delivery log keeps the messages sent, by a hash of the address only.
    with get_database(app).sessions() as s:
        assert {m.address_hash for m in s.scalars(select(OutgoingMessage))} == {address_hash(EMAIL)}
    # The link is spent: a readable 404 in the page's language.
    again = fresh.post(one_click, data="List-Unsubscribe=One-Click")
    assert again.status_code == 404
    assert "Lenken virker ikke lenger" in assert_reads_norwegian(again.text)


def test_the_answer_is_the_same_for_a_known_address(app: Flask, client: FlaskClient) -> None:
    answers = []
    for _ in range(2):
        form = client.get("/varsler/ny?topic=calendar")
        assert "alt i publiseringskalenderen" in visible_text(form.text)
        answers.append(
            client.post(
                "/varsler/ny?topic=calendar",
                data={"csrf_token": csrf_token(form.text), "email": EMAIL, "frequency": "weekly"},
            )
        )
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].text == answers[1].text
    assert _subscriptions(app) == [("calendar", "weekly", {}, False)]


def test_the_unsubscribe_page_asks_first(
    app: Flask,
    client: FlaskClient,
    clock: FixedClock,
    smtp: tuple[Inbox, str],  # noqa: F811
) -> None:
    inbox, url = smtp
    _subscribe(app, clock, "statistic:kpi", email=EMAIL, lang="en")
    _run(app, url, clock)
    [confirmation] = inbox.take()
    _confirm(app, clock, confirmation)
    with get_database(app).sessions() as s:
        [subscription] = s.scalars(select(Subscription))
        token = service.links("test-secret-key", subscription)["unsubscribe"]
    page = client.get(f"/en/alerts/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Do you want to stop getting alerts about the statistic Population?" in visible_text(
        page.text
    )
    assert _subscribers(app) == [EMAIL]  # looking is not unsubscribing
    done = client.post(f"/en/alerts/unsubscribe/{token}")
    assert done.status_code == 200
    assert "You are unsubscribed" in visible_text(done.text)
    assert _subscribers(app) == []


def test_the_manage_page_changes_how_often_and_deletes(
    app: Flask,
    client: FlaskClient,
    clock: FixedClock,
    smtp: tuple[Inbox, str],  # noqa: F811
) -> None:
    inbox, url = smtp
    _subscribe(app, clock, "statistic:kpi", email=EMAIL)
    _subscribe(app, clock, "calendar", email=EMAIL, frequency="daily")
    _run(app, url, clock)
    for message in inbox.take():
        _confirm(app, clock, message)
    with app.app_context(), get_database(app).sessions() as s:
        ids = list(s.scalars(select(Subscription.id).order_by(Subscription.id)))
    # Every e-mail carries the manage link.
    clock.advance(timedelta(minutes=1))
    announce_release(app, clock.now(), oslo(2027, 7, 10, 8, 0), statistic="kpi")
    _run(app, url, clock)
    [alert] = inbox.take()
    token = _link(alert, "mine")

    page = client.get(f"/varsler/mine/{token}")
    assert page.status_code == 200
    text = assert_reads_norwegian(page.text)
    assert EMAIL in text
    assert "statistikken Befolkning" in text and "alt i publiseringskalenderen" in text
    csrf = csrf_token(page.text)

    saved = client.post(
        f"/varsler/mine/{token}",
        data={
            "csrf_token": csrf,
            "subscription": ids[0],
            "frequency": "weekly",
            "action": "frequency",
        },
    )
    assert saved.status_code == 303
    after = client.get(saved.headers["Location"])
    assert "Endringen er lagret." in visible_text(after.text)
    assert [(t, f) for t, f, _, _ in _subscriptions(app)] == [
        ("statistic:kpi", "weekly"),
        ("calendar", "daily"),
    ]

    deleted = client.post(
        f"/varsler/mine/{token}",
        data={"csrf_token": csrf, "subscription": ids[0], "action": "delete"},
    )
    assert deleted.status_code == 303
    assert "Varselet er slettet." in visible_text(client.get(deleted.headers["Location"]).text)
    assert [t for t, _, _, _ in _subscriptions(app)] == ["calendar"]

    # Without the CSRF token the page's forms change nothing.
    assert client.post(f"/varsler/mine/{token}", data={"action": "delete_all"}).status_code == 400
    everything = client.post(
        f"/varsler/mine/{token}", data={"csrf_token": csrf, "action": "delete_all"}
    )
    assert everything.status_code == 200
    assert "Alt er slettet" in assert_reads_norwegian(everything.text)
    assert _subscribers(app) == []
    assert client.get(f"/varsler/mine/{token}").status_code == 404


def test_every_place_people_look_links_to_its_alerts(app: Flask, client: FlaskClient) -> None:
    table_id = store_table(app, client, px_table(), "folkemengde")
    with get_database(app).sessions() as s:
        seed_code_lists(s, app.config["CLOCK"].now())
        s.commit()
    pages = {
        "/statistikk/kpi": ("statistic:kpi", "statistikken Konsumprisindeksen"),
        "/en/statistics/kpi": ("statistic:kpi", "the statistic Consumer price index"),
        "/produsenter/ssb": ("producer:ssb", "statistikk fra Statistisk sentralbyrå"),
        "/emner/befolkning": ("subject:befolkning", "statistikk om Befolkning"),
        "/kalender": ("calendar", "alt i publiseringskalenderen"),
        "/kalender?producer=ssb": ("producer:ssb", "statistikk fra Statistisk sentralbyrå"),
        "/kalender?subject_area=befolkning": ("subject:befolkning", "statistikk om Befolkning"),
        f"/tabeller/{table_id}": (f"table:{table_id}", f"tabellen {table_id} Testbefolkning"),
        "/klassifikasjoner/131": ("codelist:131", "kodelisten"),
    }
    for page, (topic, words) in pages.items():
        href = _alert_href(client.get(page).text)
        prefix = "/en/alerts/new" if page.startswith("/en/") else "/varsler/ny"
        assert href == f"{prefix}?topic={topic}", page
        assert words in visible_text(client.get(href).text), page


def test_refusals_speak_the_page_language(client: FlaskClient) -> None:
    unknown = client.get("/varsler/ny?topic=statistic:finnes-ikke")
    assert unknown.status_code == 404
    assert "Vi fant ikke det du ville ha varsler om" in assert_reads_norwegian(unknown.text)
    english = client.get("/en/alerts/new?topic=table:00000")
    assert english.status_code == 404
    assert "We could not find what you wanted alerts about" in visible_text(english.text)
    assert client.get("/varsler/ny?topic=<script>").status_code == 400
    assert client.get("/varsler/ny").status_code == 400
    for path in ("/varsler/bekreft/x", "/varsler/mine/x", "/varsler/avmeld/x"):
        gone = client.get(path)
        assert gone.status_code == 404, path
        assert "Lenken virker ikke lenger" in assert_reads_norwegian(gone.text)
    assert "The link no longer works" in visible_text(client.get("/en/alerts/mine/x").text)

    form = client.get("/varsler/ny?topic=producer:ssb")
    bad = client.post(
        "/varsler/ny?topic=producer:ssb",
        data={"csrf_token": csrf_token(form.text), "email": "ikke en adresse"},
    )
    assert bad.status_code == 400
    assert message_at_field(bad.text, "email") == (
        "Skriv en e-postadresse, for eksempel navn@eksempel.no."
    )
    assert_reads_norwegian(bad.text)


def test_the_privacy_page_says_what_the_alerts_keep(client: FlaskClient) -> None:
    home = client.get("/")
    assert 'href="/personvern"' in home.text
    text = assert_reads_norwegian(client.get("/personvern").text)
    for said in (
        "e-postadressen din, språket",
        "til du melder deg av",
        "sletter vi e-postadressen din",
        "en hash",
        "ingen sporingspiksler",
    ):
        assert said in text, said
    assert "no tracking pixels" in visible_text(client.get("/en/privacy").text)


@pytest.mark.parametrize("who, status", [(None, 401), (SSB_ADMIN, 403), (PORTAL_ADMIN, 200)])
def test_the_delivery_log_is_for_portal_administrators(
    app: Flask, client: FlaskClient, clock: FixedClock, who: tuple[str, str] | None, status: int
) -> None:
    _subscribe(app, clock, email=EMAIL)
    if who:
        login(client, who)
    page = client.get("/min-side/admin/varsler")
    assert page.status_code == status
    if status == 200:
        text = assert_reads_norwegian(page.text)
        assert address_hash(EMAIL) in text
        assert EMAIL not in page.text
        assert re.search(r"i kø ?: 1 sendt ?: 0", text), text
        assert "bekreftelse i kø 0" in text  # kind, status, attempts


def test_deleting_the_last_subscription_deletes_the_address(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    _subscribe(app, clock, "calendar", email=EMAIL)
    with get_database(app).sessions() as s:
        [subscription] = s.scalars(select(Subscription))
        token = service.links("test-secret-key", subscription)["manage"]
        subscription_id = subscription.id
    page = client.get(f"/en/alerts/mine/{token}")
    text = visible_text(page.text)
    assert "everything in the release calendar" in text
    assert "Waiting for confirmation" in text
    done = client.post(
        f"/en/alerts/mine/{token}",
        data={
            "csrf_token": csrf_token(page.text),
            "subscription": subscription_id,
            "action": "delete",
        },
    )
    assert done.status_code == 200
    assert "We have deleted your alerts and your e-mail address." in visible_text(done.text)
    assert _subscribers(app) == []


def test_the_form_is_rate_limited_by_its_own_name(app_config: dict[str, object]) -> None:
    from portal.app import create_app

    limited = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "RATELIMITS": {"subscribe": "2 per minute"}}
    )
    client = limited.test_client()
    form = client.get("/varsler/ny?topic=calendar")
    # Refused addresses write nothing to the shared test database, and count all the same.
    answers = [
        client.post(
            "/varsler/ny?topic=calendar",
            data={"csrf_token": csrf_token(form.text), "email": "nei"},
        ).status_code
        for _ in range(3)
    ]
    assert answers == [400, 400, 429]
    assert client.get("/varsler/ny?topic=calendar").status_code == 200  # reading is not limited
    get_database(limited).dispose()
