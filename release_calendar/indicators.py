"""The calendar's indicators, computed from its own history (never typed in):

* on-time announcement: share of published releases whose exact time was confirmed at least 3 calendar
  months ahead (K11);
* punctuality in three definitions, because producers and the IMF use different ones:
  ``first_confirmed`` (published at the time first confirmed), ``pre_announced`` (published on the date that
  stood in the calendar 3 months before, which needs an exact date by then) and ``last_announced`` (the
  IMF's: published on the last date announced; the portal publishes at the announced minute, so this one
  shows the guarantee holding);
* the causes of date changes, by coded reason;
* timeliness (K41): days from the end of the reference period to publication, mean per frequency, for
  preliminary and for final figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.access import released_filter
from portal.kernel.clock import in_oslo
from portal.programme.models import Statistic
from release_calendar.models import Release, ReleaseChange
from release_calendar.rules import Action, Kind, Precision, announcement_deadline


@dataclass(frozen=True)
class IndicatorRow:
    producer: str
    year: int
    frequency: str
    published: int
    announced_on_time: int
    punctual_first_confirmed: int
    punctual_pre_announced: int
    punctual_last_announced: int
    timeliness_preliminary_days: float | None
    timeliness_final_days: float | None

    def share(self, count: int) -> float | None:
        return round(100 * count / self.published, 1) if self.published else None


@dataclass(frozen=True)
class ReasonRow:
    producer: str
    year: int
    reason: str
    changes: int


@dataclass(frozen=True)
class Indicators:
    rows: tuple[IndicatorRow, ...]
    reasons: tuple[ReasonRow, ...]
    years: tuple[int, ...]


def _in_force(changes: list[ReleaseChange], at: datetime) -> tuple[datetime | None, str | None]:
    """The release time and precision that stood in the calendar at instant ``at``."""
    moment, precision = None, None
    for change in changes:
        if change.at > at:
            break
        if change.action == Action.CANCELLED:
            return None, None
        if change.new_release_at is not None:
            moment, precision = change.new_release_at, change.new_precision
    return moment, precision


def _oslo_date(moment: datetime) -> object:
    return in_oslo(moment).date()


def compute(
    session: Session, now: datetime, *, year: int | None = None, producer: str | None = None
) -> Indicators:
    """Indicators over every release published by ``now`` (visibility rule), by producer, year and
    frequency. Each release counts in the year (Oslo) it was published."""
    stmt = (
        select(Release)
        .where(released_filter(Release.state, Release.release_at, now))
        .options(
            selectinload(Release.changes),
            selectinload(Release.statistic).selectinload(Statistic.producer),
        )
    )
    groups: dict[tuple[str, int, str], list[Release]] = defaultdict(list)
    years: set[int] = set()
    for release in session.scalars(stmt):
        published_year = in_oslo(release.release_at).year
        years.add(published_year)
        key = (release.statistic.producer.short_name, published_year, release.statistic.frequency)
        if (year is None or published_year == year) and (
            producer is None or release.statistic.producer.slug == producer
        ):
            groups[key].append(release)
    rows = tuple(_row(key, releases) for key, releases in sorted(groups.items()))
    reasons: Counter[tuple[str, int, str]] = Counter()
    change_stmt = (
        select(ReleaseChange)
        .where(ReleaseChange.action == Action.RESCHEDULED, ReleaseChange.at <= now)
        .options(
            selectinload(ReleaseChange.release)
            .selectinload(Release.statistic)
            .selectinload(Statistic.producer)
        )
    )
    for change in session.scalars(change_stmt):
        changed_year = in_oslo(change.at).year
        who = change.release.statistic.producer
        if (year is None or changed_year == year) and (producer is None or who.slug == producer):
            reasons[(who.short_name, changed_year, change.reason_code or "other")] += 1
    return Indicators(
        rows=rows,
        reasons=tuple(ReasonRow(p, y, r, n) for (p, y, r), n in sorted(reasons.items())),
        years=tuple(sorted(years)),
    )


def _row(key: tuple[str, int, str], releases: list[Release]) -> IndicatorRow:
    producer, year, frequency = key
    on_time = first = pre = last = 0
    lags: dict[str, list[int]] = {"preliminary": [], "final": []}
    for release in releases:
        changes = list(release.changes)
        if not any(c.late for c in changes):
            on_time += 1
        if release.first_confirmed_release_at == release.release_at:
            first += 1
        deadline_at, deadline_precision = _in_force(
            changes, announcement_deadline(release.release_at)
        )
        if (
            deadline_at is not None
            and deadline_precision == Precision.EXACT
            and _oslo_date(deadline_at) == _oslo_date(release.release_at)
        ):
            pre += 1
        last_at, _ = _in_force(changes, release.release_at)
        if last_at is not None and _oslo_date(last_at) == _oslo_date(release.release_at):
            last += 1
        lag = (in_oslo(release.release_at).date() - release.period_end).days
        lags["preliminary" if release.kind == Kind.PRELIMINARY else "final"].append(lag)
    return IndicatorRow(
        producer=producer,
        year=year,
        frequency=frequency,
        published=len(releases),
        announced_on_time=on_time,
        punctual_first_confirmed=first,
        punctual_pre_announced=pre,
        punctual_last_announced=last,
        timeliness_preliminary_days=_mean(lags["preliminary"]),
        timeliness_final_days=_mean(lags["final"]),
    )


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def totals(rows: tuple[IndicatorRow, ...]) -> dict[str, IndicatorRow]:
    """One row per producer, all years and frequencies summed (timeliness weighted by releases)."""
    by_producer: dict[str, list[IndicatorRow]] = defaultdict(list)
    for row in rows:
        by_producer[row.producer].append(row)
    result = {}
    for name, items in sorted(by_producer.items()):
        result[name] = IndicatorRow(
            producer=name,
            year=0,
            frequency="all",
            published=sum(r.published for r in items),
            announced_on_time=sum(r.announced_on_time for r in items),
            punctual_first_confirmed=sum(r.punctual_first_confirmed for r in items),
            punctual_pre_announced=sum(r.punctual_pre_announced for r in items),
            punctual_last_announced=sum(r.punctual_last_announced for r in items),
            timeliness_preliminary_days=None,
            timeliness_final_days=None,
        )
    return result


DEFINITIONS = {
    "announced_on_time": "Published releases whose exact date and time were confirmed at least 3 "
    "calendar months (Oslo time) before release.",
    "punctual_first_confirmed": "Published at the date and time first confirmed.",
    "punctual_pre_announced": "Published on the date that stood in the calendar 3 calendar months "
    "before release (an exact date was needed by then).",
    "punctual_last_announced": "Published on the last announced date (the IMF's definition).",
    "timeliness_preliminary_days": "Mean days from the end of the reference period to publication, "
    "preliminary figures.",
    "timeliness_final_days": "The same for final figures (new figures of statistics that publish "
    "once count as final).",
}

CSV_COLUMNS = (
    "producer",
    "year",
    "frequency",
    "published",
    "announced_on_time",
    "announced_on_time_pct",
    "punctual_first_confirmed",
    "punctual_first_confirmed_pct",
    "punctual_pre_announced",
    "punctual_pre_announced_pct",
    "punctual_last_announced",
    "punctual_last_announced_pct",
    "timeliness_preliminary_days",
    "timeliness_final_days",
)


def as_record(row: IndicatorRow) -> dict[str, object]:
    """A row with its shares in per cent, as the API and CSV give it."""
    record: dict[str, object] = dict(row.__dict__)
    for name in (
        "announced_on_time",
        "punctual_first_confirmed",
        "punctual_pre_announced",
        "punctual_last_announced",
    ):
        record[f"{name}_pct"] = row.share(getattr(row, name))
    return record


def to_csv(rows: tuple[IndicatorRow, ...]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(as_record(row))
    return out.getvalue()
