"""A realistic year of releases for the demo statistics, with the history that makes every view and
indicator show something real: late announcements, postponements, a move to an earlier date, a
cancellation, corrections and pre-release access. Deterministic for a given ``now`` (fixed seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.kernel.access import is_embargoed, is_released
from portal.kernel.clock import in_oslo
from portal.programme.models import Statistic
from release_calendar.models import Correction, PreReleaseAccess, Release, ReleaseChange
from release_calendar.rules import (
    MONTHS_EN,
    MONTHS_NB,
    Action,
    Kind,
    Precision,
    Reason,
    State,
    is_late_announcement,
    oslo_instant,
    provisional_instant,
)
from release_calendar.service import bump_revision

SEED = 20261123
EIGHT = time(8, 0)
LATE_REASONS = (
    (
        "Ny statistikk; datagrunnlaget ble klart senere enn planlagt.",
        "New statistic; the data became available later than planned.",
    ),
    ("Endret leveringsavtale med dataeier.", "Changed delivery agreement with the data owner."),
)
# A move's reason in Norwegian and, for some, English: the demo shows both cases of issue 18's language
# marking (an English page shows a Norwegian-only reason marked lang="nb" and "only in Norwegian").
MOVE_REASONS: dict[Reason, tuple[str, str | None]] = {
    Reason.LATE_DATA: (
        "Data fra dataeier kom senere enn avtalt.",
        "The data owner delivered later than agreed.",
    ),
    Reason.EXTRA_QUALITY_ASSURANCE: (
        "Uventede tall krever ekstra kvalitetssikring.",
        "Unexpected figures need extra quality assurance.",
    ),
    Reason.TECHNICAL_FAILURE: ("Feil i produksjonssystemet.", None),
    Reason.CAPACITY: ("Sykdom i seksjonen.", None),
    Reason.COORDINATION: (
        "Samordnet med en annen produsents publisering samme dag.",
        "Coordinated with another producer's release on the same day.",
    ),
}


@dataclass(frozen=True)
class Planned:
    statistic: Statistic
    period_start: date
    period_end: date
    label_nb: str
    label_en: str
    release_day: date
    kind: Kind


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _plan(statistic: Statistic, first: date, last: date, rng: random.Random) -> list[Planned]:
    """Release dates for one statistic between ``first`` and ``last`` following its frequency."""
    plans: list[Planned] = []
    freq = statistic.frequency
    if freq == "monthly":
        lag_day = rng.randint(5, 20)
        cursor = date(first.year, first.month, 1)
        while cursor <= last:
            ref_end = cursor - timedelta(days=1)
            ref_start = ref_end.replace(day=1)
            day = _weekday(cursor.replace(day=lag_day))
            plans.append(
                Planned(
                    statistic,
                    ref_start,
                    ref_end,
                    f"{MONTHS_NB[ref_start.month - 1]} {ref_start.year}",
                    f"{MONTHS_EN[ref_start.month - 1]} {ref_start.year}",
                    day,
                    Kind.NEW_FIGURES,
                )
            )
            cursor = (cursor + timedelta(days=32)).replace(day=1)
    elif freq == "quarterly":
        lag = rng.randint(35, 70)
        for year in range(first.year - 1, last.year + 1):
            for q in range(1, 5):
                ref_start = date(year, 3 * q - 2, 1)
                ref_end = _month_end(year, 3 * q)
                day = _weekday(ref_end + timedelta(days=lag))
                plans.append(
                    Planned(
                        statistic,
                        ref_start,
                        ref_end,
                        f"{q}. kvartal {year}",
                        f"Q{q} {year}",
                        day,
                        Kind.PRELIMINARY if statistic.slug == "knr" else Kind.NEW_FIGURES,
                    )
                )
    elif freq == "weekly":
        day = first + timedelta(days=(2 - first.weekday()) % 7)
        while day <= last:
            week = day.isocalendar().week
            plans.append(
                Planned(
                    statistic,
                    day - timedelta(days=9),
                    day - timedelta(days=3),
                    f"uke {week - 1 or 52}",
                    f"week {week - 1 or 52}",
                    day,
                    Kind.NEW_FIGURES,
                )
            )
            day += timedelta(days=7)
    else:
        month = rng.randint(2, 11)
        for year in range(first.year, last.year + 1):
            if freq in {"biennial", "triennial", "every-four-years", "irregular"} and year % 2:
                continue
            ref = year - 1
            day = _weekday(date(year, month, rng.randint(3, 25)))
            # A quarter of them come out in two steps: preliminary figures, final ones half a year on.
            steps = (
                [(Kind.PRELIMINARY, day), (Kind.FINAL, _weekday(day + timedelta(days=180)))]
                if rng.random() < 0.25
                else [(Kind.NEW_FIGURES, day)]
            )
            plans += [
                Planned(statistic, date(ref, 1, 1), date(ref, 12, 31), str(ref), str(ref), on, kind)
                for kind, on in steps
            ]
    return [p for p in plans if first <= p.release_day <= last]


def seed_releases(session: Session, now: datetime) -> int:
    """Add the demo year of releases unless the calendar has releases already. Returns how many."""
    if (session.scalar(select(func.count()).select_from(Release)) or 0) > 0:
        return 0
    rng = random.Random(SEED)
    today = in_oslo(now).date()
    statistics = list(session.scalars(select(Statistic).order_by(Statistic.slug)))
    plans = [
        p
        for s in statistics
        for p in _plan(s, today - timedelta(days=270), today + timedelta(days=365), rng)
    ]
    plans.sort(key=lambda p: (p.release_day, p.statistic.slug))
    created = [_create(session, plan, now, rng) for plan in plans]
    _special_cases(session, created, now)
    bump_revision(session, now)
    session.flush()
    return len(created)


def _title(plan: Planned, lang: str) -> str:
    name = plan.statistic.name_nb if lang == "nb" else plan.statistic.name_en
    label = plan.label_nb if lang == "nb" else plan.label_en
    return f"{name}, {label}"


def _create(session: Session, plan: Planned, now: datetime, rng: random.Random) -> Release:
    release_at = oslo_instant(datetime.combine(plan.release_day, EIGHT))
    provisional_at = provisional_instant(
        Precision.MONTH, plan.release_day.year, plan.release_day.month
    )
    # Announced provisionally 6 to 12 months ahead; confirmed 3 to 6 months ahead, or late for some.
    announced_at = release_at - timedelta(days=rng.randint(190, 380))
    late = rng.random() < 0.12
    confirm_at = release_at - timedelta(days=rng.randint(20, 80) if late else rng.randint(95, 180))
    confirmed = confirm_at <= now
    justification = rng.choice(LATE_REASONS) if confirmed and late else None
    release = Release(
        statistic=plan.statistic,
        title_nb=_title(plan, "nb"),
        title_en=_title(plan, "en"),
        kind=plan.kind,
        period_start=plan.period_start,
        period_end=plan.period_end,
        period_label_nb=plan.label_nb,
        period_label_en=plan.label_en,
        release_at=release_at if confirmed else provisional_at,
        precision=Precision.EXACT if confirmed else Precision.MONTH,
        state=State.CONFIRMED if confirmed else State.PROVISIONAL,
        first_confirmed_at=confirm_at if confirmed else None,
        first_confirmed_release_at=release_at if confirmed else None,
        late_justification=justification[0] if justification else None,
        late_justification_en=justification[1] if justification else None,
        contents_nb=f"Nye tall for {plan.statistic.name_nb.lower()}, {plan.label_nb}.",
        contents_en=f"New figures for {plan.statistic.name_en.lower()}, {plan.label_en}.",
        release_note_nb=f"{plan.statistic.name_nb}: tallene for {plan.label_nb} er publisert.",
        release_note_en=f"{plan.statistic.name_en}: the figures for {plan.label_en} are published.",
        created_at=min(announced_at, now),
        updated_at=min(confirm_at if confirmed else announced_at, now),
    )
    release.changes.append(
        ReleaseChange(
            at=min(announced_at, now),
            action=Action.ANNOUNCED,
            new_release_at=provisional_at,
            new_precision=Precision.MONTH,
        )
    )
    if confirmed:
        release.changes.append(
            ReleaseChange(
                at=confirm_at,
                action=Action.CONFIRMED,
                old_release_at=provisional_at,
                new_release_at=release_at,
                old_precision=Precision.MONTH,
                new_precision=Precision.EXACT,
                late=is_late_announcement(confirm_at, release_at),
            )
        )
        if rng.random() < 0.06:
            _move(release, now, rng)
    session.add(release)
    return release


def _move(release: Release, now: datetime, rng: random.Random) -> None:
    """Postpone a confirmed release by days to two weeks, a few days before its date."""
    reason = rng.choice(list(MOVE_REASONS))
    moved_at = release.release_at - timedelta(days=rng.randint(2, 12))
    if moved_at > now:
        return
    new_at = release.release_at + timedelta(days=rng.choice([1, 2, 7, 14]))
    if in_oslo(new_at).weekday() >= 5:
        new_at += timedelta(days=2)
    release.changes.append(
        ReleaseChange.date_change(
            release,
            moved_at,
            reason,
            MOVE_REASONS[reason][0],
            (new_at, Precision.EXACT),
            text_en=MOVE_REASONS[reason][1],
        )
    )
    release.release_at = new_at
    release.updated_at = moved_at


def _special_cases(session: Session, releases: list[Release], now: datetime) -> None:
    """One of each rare event, on releases where it fits in time."""
    past = [r for r in releases if is_released(r.state, r.release_at, now)]
    future = [r for r in releases if is_embargoed(r.state, r.release_at, now + timedelta(days=20))]
    by_slug = {r.statistic.slug: r for r in past}
    for release in [by_slug.get("kpi"), by_slug.get("knr")]:
        if release is not None:
            at = release.release_at + timedelta(hours=3)
            release.corrections.append(
                Correction(
                    at=at,
                    what_was_wrong_nb="En tabell viste feil tall for én delindeks.",
                    what_was_wrong_en="One table showed wrong figures for one sub-index.",
                    what_changed_nb="Tabellen er rettet; hovedtallene er uendret.",
                    what_changed_en="The table is corrected; the main figures are unchanged.",
                )
            )
            release.updated_at = at
    if past:
        tax = next(
            (r for r in past if r.statistic.slug in {"inntekt", "ifhus", "skatteregnskap"}), past[0]
        )
        tax.pre_release_access.append(
            PreReleaseAccess(
                recipient="Skatteetaten (dataeier)",
                purpose="Kontroll av tallgrunnlaget",
                hours_before=24,
                created_at=tax.release_at - timedelta(days=2),
            )
        )
    if len(future) >= 2:
        cancelled, earlier = future[len(future) // 3], future[len(future) // 2]
        merged = "Statistikken slås sammen med en annen; tallene kommer i den."
        cancelled.changes.append(
            ReleaseChange.date_change(
                cancelled, now - timedelta(days=3), Reason.OTHER, merged, None
            )
        )
        cancelled.state, cancelled.cancelled_at = State.CANCELLED, now - timedelta(days=3)
        new_at = earlier.release_at - timedelta(days=7)
        earlier.changes.append(
            ReleaseChange.date_change(
                earlier,
                now - timedelta(days=1),
                Reason.READY_EARLY,
                "Dataene kom tidligere enn ventet.",
                (new_at, Precision.EXACT),
                text_en="The data arrived earlier than expected.",
            )
        )
        earlier.release_at = new_at
        for changed in (cancelled, earlier):
            changed.updated_at = now - timedelta(days=1)
