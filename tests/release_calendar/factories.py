"""Builders for calendar tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.http.db import get_database
from portal.kernel.access import Actor
from portal.kernel.clock import FixedClock
from portal.programme.models import Producer
from release_calendar.rules import Kind, Precision, oslo_instant
from release_calendar.service import Announcement


def actor_for(session: Session, producer_slug: str, role: str = "editor") -> Actor:
    producer_id = session.scalar(select(Producer.id).where(Producer.slug == producer_slug))
    return Actor(
        kind="user", id=None, label=f"test@{producer_slug}", role=role, producer_id=producer_id
    )


def oslo(*args: int) -> datetime:
    return oslo_instant(datetime(*args))  # type: ignore[arg-type]


def announcement(
    release_at: datetime,
    *,
    statistic: str = "kpi",
    precision: Precision = Precision.EXACT,
    confirmed: bool = True,
    late_justification: str | None = None,
    kind: Kind = Kind.NEW_FIGURES,
) -> Announcement:
    return Announcement(
        statistic=statistic,
        title_nb="Konsumprisindeksen, februar 2027",
        title_en="Consumer price index, February 2027",
        kind=kind,
        period_start=date(2027, 2, 1),
        period_end=date(2027, 2, 28),
        period_label_nb="februar 2027",
        period_label_en="February 2027",
        release_at=release_at,
        precision=precision,
        confirmed=confirmed,
        contents_nb="Tabeller 03013 og 14700.",
        contents_en="Tables 03013 and 14700.",
        release_note_nb="KPI steg 0,3 prosent fra januar til februar.",
        release_note_en="The CPI rose 0.3 per cent from January to February.",
        late_justification=late_justification,
    )


def announce_release(
    app: Flask,
    now: datetime,
    release_at: datetime,
    *,
    statistic: str = "kpi",
    producer: str = "ssb",
    late_justification: str | None = None,
) -> int:
    """Announce a confirmed release of ``statistic`` as ``producer``'s editor, committed in an app
    context as a request would (so the commit updates the search index); its id."""
    from release_calendar import service

    with app.app_context(), get_database(app).sessions() as s:
        release = service.announce(
            s,
            actor_for(s, producer),
            announcement(release_at, statistic=statistic, late_justification=late_justification),
            now,
        )
        s.commit()
        return release.id


def releases_in_each_state(app: Flask, clock: FixedClock) -> dict[str, int]:
    """An SSB release in each state that writes need: provisional, confirmed (far ahead) and
    published (the clock is moved past it)."""
    from release_calendar import service

    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        ids = {
            "provisional": service.announce(
                s,
                ssb,
                announcement(oslo(2027, 9, 1, 8, 0), precision=Precision.MONTH, confirmed=False),
                clock.now(),
            ).id,
            "confirmed": service.announce(
                s, ssb, announcement(oslo(2027, 6, 10, 8, 0)), clock.now()
            ).id,
            "published": service.announce(
                s,
                ssb,
                announcement(clock.now() + timedelta(days=1), late_justification="Test."),
                clock.now(),
            ).id,
        }
        s.commit()
    clock.advance(timedelta(days=2))
    return ids
