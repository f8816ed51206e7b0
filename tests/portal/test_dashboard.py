"""The producer's dashboard (/min-side, issue 20): the date by which each coming release must be
confirmed under the 3-month rule (K11) at a month's end and across DST, the releases at risk first, only
the actor's own producer's items, colleagues' changes in words, and nb pages without English."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from metadata.codelists import editing as codelists
from metadata.codelists.importing import ItemIn
from metadata.sims import review, scheme
from metadata.sims import service as documentation
from portal.accounts.models import User
from portal.accounts.service import user_actor
from portal.http.db import get_database
from portal.kernel.access import Actor
from portal.kernel.clock import FixedClock
from portal.web import dashboard
from portal.web.messages import MESSAGES
from release_calendar import service
from release_calendar.rules import Precision, Reason, Status, announcement_deadline
from tests.conftest import NAV_EDITOR, PORTAL_ADMIN, SSB_ADMIN, SSB_EDITOR, START, login
from tests.release_calendar.factories import actor_for, announcement, oslo


def _actor(session: Session, email: str) -> Actor:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user_actor(user)


def _announce(
    session: Session,
    actor: Actor,
    release_at: datetime,
    title: str,
    *,
    statistic: str = "kpi",
    precision: Precision = Precision.EXACT,
    confirmed: bool = False,
    late_justification: str | None = None,
) -> int:
    data = dataclasses.replace(
        announcement(
            release_at,
            statistic=statistic,
            precision=precision,
            confirmed=confirmed,
            late_justification=late_justification,
        ),
        title_nb=title,
        title_en=f"{title} (en)",
    )
    release = service.announce(session, actor, data, START)
    session.commit()
    return release.id


def _board(app: Flask, actor: Actor, now: datetime) -> dashboard.Dashboard:
    """The dashboard read in a session of its own, as a request reads it (the test's session keeps
    relationships it loaded before its own writes)."""
    with get_database(app).sessions() as fresh:
        return dashboard.build_dashboard(fresh, actor, now)


def _by_id(board: dashboard.Dashboard, release_id: int) -> dashboard.ComingRelease:
    return next(r for r in board.releases if r.id == release_id)


def _text(page: str) -> str:
    """What a reader sees: the body without tags, scripts or attribute values."""
    body = page.split("<main", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize(
    ("release_day", "confirm_day"),
    [
        (date(2027, 5, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 5, 31), date(2028, 2, 29)),  # a leap year
        (date(2027, 8, 31), date(2027, 5, 31)),
        (date(2027, 3, 1), date(2026, 12, 1)),
    ],
)
def test_a_release_on_a_months_last_day_is_confirmed_by_the_rules_date(
    app: Flask, session: Session, release_day: date, confirm_day: date
) -> None:
    ssb = actor_for(session, "ssb")
    release_at = oslo(release_day.year, release_day.month, release_day.day, 8, 0)
    release_id = _announce(session, ssb, release_at, "Månedsslutt")

    coming = _by_id(dashboard.build_dashboard(session, ssb, START), release_id)

    assert coming.confirm_by == oslo(confirm_day.year, confirm_day.month, confirm_day.day, 8, 0)
    # The one rule, not a second reading of it.
    assert coming.confirm_by == announcement_deadline(release_at)
    assert coming.days_left == (confirm_day - date(2026, 11, 23)).days


def test_the_deadline_keeps_oslo_wall_time_across_a_dst_change(
    app: Flask, session: Session
) -> None:
    ssb = actor_for(session, "ssb")
    # 08:00 CEST on 15 June (06:00 UTC) is confirmed by 08:00 CET on 15 March (07:00 UTC).
    summer = _announce(session, ssb, datetime(2027, 6, 15, 6, 0, tzinfo=UTC), "Sommer")
    # 08:00 CET on 10 January 2028 is confirmed by 08:00 CEST on 10 October 2027 (06:00 UTC).
    winter = _announce(session, ssb, datetime(2028, 1, 10, 7, 0, tzinfo=UTC), "Vinter")

    board = dashboard.build_dashboard(session, ssb, START)

    assert _by_id(board, summer).confirm_by == datetime(2027, 3, 15, 7, 0, tzinfo=UTC)
    assert _by_id(board, winter).confirm_by == datetime(2027, 10, 10, 6, 0, tzinfo=UTC)


def test_days_left_count_oslo_dates_across_the_spring_change(app: Flask, session: Session) -> None:
    ssb = actor_for(session, "ssb")
    # Confirm by 08:00 CEST on 1 April 2027 (06:00 UTC); on 20 March at 08:00 CET (07:00 UTC) that
    # is 12 Oslo calendar days ahead, though 11 days and 23 hours by the UTC clock.
    release_id = _announce(session, ssb, oslo(2027, 7, 1, 8, 0), "Juli")
    now = datetime(2027, 3, 20, 7, 0, tzinfo=UTC)

    coming = _by_id(dashboard.build_dashboard(session, ssb, now), release_id)

    assert coming.days_left == 12
    assert coming.at_risk and not coming.deadline_passed


def test_releases_at_risk_come_first_by_their_deadline(app: Flask, session: Session) -> None:
    ssb = actor_for(session, "ssb")
    far = _announce(session, ssb, oslo(2027, 12, 1, 8, 0), "Langt fram")
    confirmed_soon = _announce(
        session,
        ssb,
        oslo(2027, 1, 10, 8, 0),
        "Bekreftet snart",
        confirmed=True,
        late_justification="Nytt oppdrag fra departementet.",
    )
    # Confirm by 15 November 2026: already passed on 23 November.
    passed = _announce(session, ssb, oslo(2027, 2, 15, 8, 0), "Frist passert")
    # March 2027, read from its first day: confirm by 1 December 2026, 8 days ahead.
    soon = _announce(session, ssb, oslo(2027, 3, 1, 8, 0), "Frist snart", precision=Precision.MONTH)
    # Confirm by 1 January 2027: 39 days ahead, not yet at risk.
    later = _announce(session, ssb, oslo(2027, 4, 1, 8, 0), "Frist senere")

    board = dashboard.build_dashboard(session, ssb, START)
    order = [r.id for r in board.releases if r.id in {far, confirmed_soon, passed, soon, later}]

    assert order == [passed, soon, confirmed_soon, later, far]
    assert _by_id(board, passed).deadline_passed and _by_id(board, passed).days_left == -8
    assert _by_id(board, soon).at_risk and _by_id(board, soon).days_left == 8
    assert _by_id(board, soon).confirm_by == oslo(2026, 12, 1, 8, 0)
    assert not _by_id(board, later).at_risk
    assert _by_id(board, confirmed_soon).confirm_by is None
    assert _by_id(board, confirmed_soon).status is Status.CONFIRMED
    assert _by_id(board, confirmed_soon).late


@pytest.mark.parametrize(
    ("now", "days_left", "passed", "nb", "en"),
    [
        (oslo(2026, 11, 30, 9, 0), 1, False, "(1 dag igjen)", "(1 day left)"),
        (oslo(2026, 12, 1, 7, 59), 0, False, "Fristen er i dag", "The deadline is today"),
        (oslo(2026, 12, 1, 8, 1), 0, True, "Fristen gikk ut i dag", "The deadline passed today"),
        (
            oslo(2026, 12, 2, 7, 0),
            -1,
            True,
            "Fristen gikk ut i går",
            "The deadline passed yesterday",
        ),
    ],
)
def test_the_deadline_day_is_told_to_the_minute(
    app: Flask,
    client: FlaskClient,
    session: Session,
    clock: FixedClock,
    now: datetime,
    days_left: int,
    passed: bool,
    nb: str,
    en: str,
) -> None:
    ssb = actor_for(session, "ssb")
    release_id = _announce(session, ssb, oslo(2027, 3, 1, 8, 0), "Mars")  # confirm by 1 December
    clock.set(now)

    coming = _by_id(dashboard.build_dashboard(session, ssb, now), release_id)

    assert (coming.days_left, coming.deadline_passed, coming.at_risk) == (days_left, passed, True)
    login(client, SSB_EDITOR)
    assert nb in _text(client.get("/min-side").text)
    assert en in _text(client.get("/en/my-page").text)


def test_a_portal_administrator_sees_every_producers_releases(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    ssb = _announce(session, actor_for(session, "ssb"), oslo(2027, 6, 1, 8, 0), "SSBs plan")
    nav = _announce(
        session,
        actor_for(session, "nav"),
        oslo(2027, 6, 1, 8, 0),
        "Navs plan",
        statistic="nav-helt-ledige",
    )

    admin = _actor(session, PORTAL_ADMIN[0])

    assert {ssb, nav} <= {r.id for r in dashboard.build_dashboard(session, admin, START).releases}
    login(client, PORTAL_ADMIN)
    page = client.get("/min-side")
    assert page.status_code == 200 and "SSBs plan" in page.text and "Navs plan" in page.text


def test_documentation_gaps_and_reviews_due(app: Flask, session: Session) -> None:
    ssb = actor_for(session, "ssb")
    complete = {code: documentation.Entry(nb="Skrevet.") for code in scheme.required_codes()}
    documentation.save_draft(session, ssb, "kpi", complete, expected_version=None, now=START)
    documentation.publish(
        session,
        ssb,
        "kpi",
        change_note="Første versjon.",
        with_release=None,
        expected_version=None,
        now=START,
    )
    half = dict(list(complete.items())[:10])
    documentation.save_draft(session, ssb, "bpi", half, expected_version=None, now=START)
    session.commit()
    # kpi's new version counts as its coming releases' review (K68); bpi's release still needs one.
    reviewed = _announce(session, ssb, oslo(2027, 6, 1, 8, 0), "KPI juni")
    release_id = _announce(session, ssb, oslo(2027, 6, 1, 8, 0), "BPI juni", statistic="bpi")

    assert ssb.producer_id is not None
    found = dashboard.documentation_gaps(session, frozenset({ssb.producer_id}), START)
    gaps = {g.statistic_slug: g for g in found}

    assert "kpi" not in gaps  # every required field filled
    assert gaps["bpi"].has_draft and gaps["bpi"].done == 0  # the draft is not public yet
    assert found[0].statistic_slug == "bpi"  # work under way first
    assert gaps["bpi"].required == len(scheme.required_codes())
    board = dashboard.build_dashboard(session, ssb, START)
    assert release_id in {r.release_id for r in board.reviews}
    assert reviewed not in {r.release_id for r in board.reviews}
    review.confirm_reviewed(session, ssb, release_id, START)
    session.commit()
    assert release_id not in {
        r.release_id for r in dashboard.build_dashboard(session, ssb, START).reviews
    }


def test_cancelled_releases_are_not_coming(app: Flask, session: Session) -> None:
    ssb = actor_for(session, "ssb")
    cancelled = _announce(session, ssb, oslo(2027, 6, 1, 8, 0), "Avlyst")
    service.cancel(
        session,
        ssb,
        cancelled,
        Reason.CAPACITY,
        "Ingen folk.",
        expected_version=None,
        now=START,
    )
    session.commit()
    kept = _announce(session, ssb, oslo(2027, 6, 2, 8, 0), "Står")

    ids = {r.id for r in dashboard.build_dashboard(session, ssb, START).releases}

    assert kept in ids and cancelled not in ids


def test_another_producers_items_are_never_shown(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    nav_editor = _actor(session, NAV_EDITOR[0])
    nav_release = _announce(
        session,
        nav_editor,
        oslo(2027, 6, 1, 8, 0),
        "Navs hemmelige plan",
        statistic="nav-helt-ledige",
    )
    nav_list = codelists.create(
        session,
        nav_editor,
        producer_slug="nav",
        kind="CODELIST",
        name_nb="Navs kodeliste",
        name_en="Nav's code list",
        description_nb="",
        description_en="",
        now=START,
    )
    codelists.add_version(
        session,
        nav_editor,
        nav_list.id,
        valid_from=date(2027, 1, 1),
        valid_to=None,
        items=[ItemIn(code="1", name_nb="En")],
        now=START,
    )
    session.commit()
    ssb_release = _announce(session, actor_for(session, "ssb"), oslo(2027, 6, 1, 8, 0), "SSBs plan")

    ssb = _actor(session, SSB_EDITOR[0])
    board = _board(app, ssb, START)

    assert ssb_release in {r.id for r in board.releases}
    assert nav_release not in {r.id for r in board.releases}
    assert nav_list.id not in {c.id for c in board.code_lists}
    assert all(not d.statistic_slug.startswith("nav-") for d in board.documentation)
    assert all(r.release_id != nav_release for r in board.reviews)
    assert all("Navs" not in c.sentence for c in board.changes)

    login(client, SSB_EDITOR)
    page = client.get("/min-side").text
    assert "SSBs plan" in page
    assert "Navs hemmelige plan" not in page and "Navs kodeliste" not in page
    assert "nav-helt-ledige" not in page
    # ...while Nav's editor sees Nav's.
    nav_board = _board(app, nav_editor, START)
    assert {r.id for r in nav_board.releases} == {nav_release}
    assert [c.id for c in nav_board.code_lists] == [nav_list.id]


def test_colleagues_changes_are_told_in_words_by_name_without_emails(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    colleague = _actor(session, SSB_ADMIN[0])
    me = _actor(session, SSB_EDITOR[0])
    colleagues = _announce(session, colleague, oslo(2027, 6, 1, 8, 0), "Kollegaens publisering")
    _announce(session, me, oslo(2027, 6, 2, 8, 0), "Min egen publisering")

    changes = dashboard.build_dashboard(session, me, START).changes

    # Newest first, told by the audit log's own wording (portal.web.audit_words); the editor's own
    # change is not a colleague's.
    assert changes[0].sentence.startswith("Admin ")
    assert changes[0].sentence.endswith(" publiseringen «Kollegaens publisering»")
    assert all("Min egen" not in c.sentence for c in changes)
    login(client, SSB_EDITOR)
    page = client.get("/min-side").text
    assert changes[0].sentence in _text(page)
    assert f'href="/min-side/kalender/{colleagues}"' in page
    assert "Min egen publisering»" not in _text(page)
    en = _text(client.get("/en/my-page").text)
    assert "the release “Kollegaens publisering (en)”" in en
    assert "@" not in _text(page)


def _english_phrases() -> list[str]:
    """Every English text of the dashboard's catalogue (its words, with placeholders cut out), and
    the enum values and library wording that must never reach an nb page."""
    phrases = set()
    for nb, en in MESSAGES.values():
        for part in re.split(r"\{[a-z_]+\}", en):
            part = part.strip(" .,:()“”")
            if len(part) > 3 and part not in nb:
                phrases.add(part)
    return sorted(
        phrases
        | {
            "provisional",
            "confirmed",
            "new-figures",
            "Confirm by",
            "None",
            "Traceback",
            "/release_at",
        }
    )


def test_the_nb_page_has_no_english_and_the_en_page_is_english(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    colleague = _actor(session, SSB_ADMIN[0])
    _announce(session, colleague, oslo(2027, 2, 15, 8, 0), "Haster")
    _announce(
        session,
        colleague,
        oslo(2027, 1, 10, 8, 0),
        "Bekreftet",
        confirmed=True,
        late_justification="Nytt oppdrag.",
    )
    code_list = codelists.create(
        session,
        colleague,
        producer_slug="ssb",
        kind="CODELIST",
        name_nb="Utkastliste",
        name_en="Draft list",
        description_nb="",
        description_en="",
        now=START,
    )
    codelists.add_version(
        session,
        colleague,
        code_list.id,
        valid_from=date(2027, 1, 1),
        valid_to=None,
        items=[ItemIn(code="1", name_nb="En")],
        now=START,
    )
    session.commit()
    login(client, SSB_EDITOR)

    nb = client.get("/min-side")
    assert nb.status_code == 200
    text = _text(nb.text)
    for phrase in _english_phrases():
        assert phrase not in text, phrase
    assert "Bekreft innen: 15. november 2026 kl. 08.00 norsk tid" in " ".join(text.split())
    assert "Fristen gikk ut for 8 dager siden" in text
    assert "Utkastliste" in text and "Admin opprettet kodelisten «Utkastliste»" in text
    assert f'href="/min-side/kodelister/{code_list.id}"' in nb.text

    en = _text(client.get("/en/my-page").text)
    assert "Confirm by: 15 November 2026, 08:00 CET" in " ".join(en.split())
    assert "The deadline passed 8 days ago" in en
    assert "Draft list" in en
    assert "Bekreft innen" not in en


def test_the_dashboard_needs_a_login(client: FlaskClient) -> None:
    assert client.get("/min-side").status_code == 401
