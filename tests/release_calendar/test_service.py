"""The calendar's rules through its service, on a real database and a controllable clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.kernel.clock import FixedClock
from portal.kernel.errors import BadRequest, Conflict, Forbidden, Unauthorized
from release_calendar import listing, service
from release_calendar.models import ReleaseChange
from release_calendar.rules import Precision, Reason, Status
from tests.release_calendar.factories import actor_for, announcement, oslo

SECOND = timedelta(seconds=1)


@pytest.fixture
def db(app: Flask):
    with get_database(app).sessions() as session:
        yield session


def test_provisional_month_is_snapped_to_its_first_day(db, clock: FixedClock) -> None:
    ssb = actor_for(db, "ssb")
    release = service.announce(
        db,
        ssb,
        announcement(oslo(2027, 3, 17, 10, 0), precision=Precision.MONTH, confirmed=False),
        clock.now(),
    )
    view = listing.get_release(db, release.id, clock.now())
    assert view.release_at == oslo(2027, 3, 1, 8, 0)
    assert view.status == Status.PROVISIONAL and not view.late
    assert [c.action for c in view.changes] == ["announced"]


def test_confirmed_on_time_is_not_late_and_one_second_later_is(db, clock: FixedClock) -> None:
    ssb = actor_for(db, "ssb")
    release_at = oslo(2027, 5, 31, 8, 0)
    clock.set(oslo(2027, 2, 28, 8, 0))  # exactly the deadline
    on_time = service.announce(db, ssb, announcement(release_at), clock.now())
    assert not listing.get_release(db, on_time.id, clock.now()).late
    clock.advance(SECOND)
    with pytest.raises(BadRequest, match="less than three months away") as refused:
        service.announce(db, ssb, announcement(release_at), clock.now())
    assert refused.value.errors[0].pointer == "/late_justification"
    late = service.announce(
        db, ssb, announcement(release_at, late_justification="Ny statistikk."), clock.now()
    )
    view = listing.get_release(db, late.id, clock.now())
    assert view.late and view.late_justification == "Ny statistikk."


def test_confirming_a_provisional_release_records_the_first_confirmation(db, clock) -> None:
    ssb = actor_for(db, "ssb")
    release = service.announce(
        db,
        ssb,
        announcement(oslo(2027, 6, 1, 8, 0), precision=Precision.MONTH, confirmed=False),
        clock.now(),
    )
    clock.set(oslo(2027, 3, 1, 12, 0))
    exact = oslo(2027, 6, 10, 8, 0)
    service.confirm(
        db,
        ssb,
        release.id,
        exact,
        late_justification=None,
        expected_version=release.version,
        now=clock.now(),
    )
    view = listing.get_release(db, release.id, clock.now())
    assert view.status == Status.CONFIRMED and view.first_confirmed_at == clock.now()
    assert view.release_at == exact and not view.late
    with pytest.raises(Conflict, match="already confirmed"):
        service.confirm(
            db,
            ssb,
            release.id,
            exact,
            late_justification=None,
            expected_version=None,
            now=clock.now(),
        )


def test_every_move_needs_a_reason_and_is_kept_in_history(db, clock: FixedClock) -> None:
    ssb = actor_for(db, "ssb")
    first = oslo(2027, 3, 10, 8, 0)
    release = service.announce(db, ssb, announcement(first), clock.now())
    change = service.DateChange(oslo(2027, 3, 17, 8, 0), Precision.EXACT, Reason.LATE_DATA, "  ")
    with pytest.raises(BadRequest, match="reason"):
        service.reschedule(db, ssb, release.id, change, expected_version=None, now=clock.now())
    later = service.DateChange(
        oslo(2027, 3, 17, 8, 0),
        Precision.EXACT,
        Reason.LATE_DATA,
        "Data fra Skatteetaten kom sent.",
    )
    service.reschedule(db, ssb, release.id, later, expected_version=None, now=clock.now())
    view = listing.get_release(db, release.id, clock.now())
    assert view.status == Status.POSTPONED
    earlier = service.DateChange(
        oslo(2027, 3, 3, 8, 0), Precision.EXACT, Reason.READY_EARLY, "Klar tidligere."
    )
    service.reschedule(db, ssb, release.id, earlier, expected_version=None, now=clock.now())
    view = listing.get_release(db, release.id, clock.now())
    assert view.status == Status.CONFIRMED and view.moved_earlier
    assert [(c.action, c.later, c.earlier) for c in view.changes] == [
        ("announced", False, False),
        ("rescheduled", True, False),
        ("rescheduled", False, True),
    ]
    assert view.changes[1].old_release_at == first and view.changes[1].reason_code == "late-data"
    past = service.DateChange(clock.now() - SECOND, Precision.EXACT, Reason.OTHER, "x")
    with pytest.raises(BadRequest, match="future"):
        service.reschedule(db, ssb, release.id, past, expected_version=None, now=clock.now())


def test_release_goes_out_at_its_minute_and_not_a_second_before(db, clock: FixedClock) -> None:
    ssb = actor_for(db, "ssb")
    at = oslo(2027, 3, 10, 8, 0)
    release = service.announce(db, ssb, announcement(at), clock.now())
    service.disclose_access(
        db,
        ssb,
        release.id,
        recipient="Finansdepartementet",
        purpose="Kvalitetssikring",
        hours_before=16,
        now=clock.now(),
    )
    before = listing.get_release(db, release.id, at - SECOND)
    assert (
        not before.is_out and before.release_note_nb is None and before.pre_release_access is None
    )
    assert before.contents_nb  # what will be published is announced in advance
    after = listing.get_release(db, release.id, at)
    assert after.is_out and after.status == Status.PUBLISHED
    assert after.release_note_en.startswith("The CPI rose")
    assert after.pre_release_access[0].recipient == "Finansdepartementet"


def test_published_releases_cannot_move_or_be_cancelled_but_can_be_corrected(db, clock) -> None:
    ssb = actor_for(db, "ssb")
    at = oslo(2027, 3, 10, 8, 0)
    release = service.announce(db, ssb, announcement(at), clock.now())
    notice = service.CorrectionNotice("Feil", "Wrong", "Rettet", "Fixed")
    with pytest.raises(Conflict, match="Only a published"):
        service.add_correction(db, ssb, release.id, notice, clock.now())
    clock.set(at + SECOND)
    with pytest.raises(Conflict, match="already published"):
        service.cancel(
            db, ssb, release.id, Reason.OTHER, "x", expected_version=None, now=clock.now()
        )
    move = service.DateChange(at + timedelta(days=7), Precision.EXACT, Reason.OTHER, "x")
    with pytest.raises(Conflict, match="already published"):
        service.reschedule(db, ssb, release.id, move, expected_version=None, now=clock.now())
    service.add_correction(db, ssb, release.id, notice, clock.now())
    view = listing.get_release(db, release.id, clock.now())
    assert view.corrections[0].what_changed_en == "Fixed"


def test_cancelled_release_stays_with_its_reason_and_never_goes_out(db, clock) -> None:
    ssb = actor_for(db, "ssb")
    at = oslo(2027, 3, 10, 8, 0)
    release = service.announce(db, ssb, announcement(at), clock.now())
    service.cancel(
        db,
        ssb,
        release.id,
        Reason.CAPACITY,
        "Mangler kapasitet.",
        expected_version=None,
        now=clock.now(),
    )
    view = listing.get_release(db, release.id, at + timedelta(days=1))
    assert view.status == Status.CANCELLED and not view.is_out and view.release_note_nb is None
    assert view.cancel_reason_code == "capacity" and view.cancel_reason_text == "Mangler kapasitet."


def test_writes_are_scoped_to_the_producer(db, clock: FixedClock) -> None:
    with pytest.raises(Forbidden):
        service.announce(
            db, actor_for(db, "nav"), announcement(oslo(2027, 3, 10, 8, 0)), clock.now()
        )
    with pytest.raises(Unauthorized):
        service.announce(db, None, announcement(oslo(2027, 3, 10, 8, 0)), clock.now())
    release = service.announce(
        db, actor_for(db, "ssb"), announcement(oslo(2027, 3, 10, 8, 0)), clock.now()
    )
    with pytest.raises(Forbidden):
        service.cancel(
            db,
            actor_for(db, "nav"),
            release.id,
            Reason.OTHER,
            "x",
            expected_version=None,
            now=clock.now(),
        )


def test_stale_version_is_a_conflict_and_writes_are_audited(db, clock: FixedClock) -> None:
    ssb = actor_for(db, "ssb")
    release = service.announce(db, ssb, announcement(oslo(2027, 3, 10, 8, 0)), clock.now())
    service.update_texts(
        db, ssb, release.id, texts={"title_en": "CPI"}, expected_version=1, now=clock.now()
    )
    with pytest.raises(Conflict):
        service.update_texts(
            db, ssb, release.id, texts={"title_en": "Lost"}, expected_version=1, now=clock.now()
        )
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "release", AuditEntry.entity_id == str(release.id))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["announce", "update"]
    assert (
        len(db.scalars(select(ReleaseChange).where(ReleaseChange.release_id == release.id)).all())
        == 1
    )


def test_a_correction_shows_on_the_statistic_page_and_in_the_release_feed(
    app: Flask, db, clock: FixedClock
) -> None:
    ssb = actor_for(db, "ssb")
    at = oslo(2027, 3, 10, 8, 0)
    release = service.announce(db, ssb, announcement(at), clock.now())
    db.commit()
    clock.set(at + SECOND)
    service.add_correction(
        db,
        ssb,
        release.id,
        service.CorrectionNotice("Feil i tabell", "Wrong table", "Rettet", "Fixed"),
        clock.now(),
    )
    db.commit()
    client = app.test_client()
    assert "Rettet" in client.get("/statistikk/kpi").get_data(as_text=True)
    atom = client.get("/feeds/releases.atom?from=2027-03-01").get_data(as_text=True)
    assert "Feil i tabell" in atom
