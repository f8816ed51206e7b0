"""A year of release dates from a rule such as "monthly, the 10th working day, 08:00" or "quarterly, 45
days after the quarter, 08:00" (issue 20). Plain functions: no Flask, no database.

Working days are Monday to Friday except Norwegian public holidays, as the ``holidays`` package lists
them (it computes the moving Easter, Ascension and Whitsun holidays; we keep no table of our own to
update each year). A date that falls on a weekend or a holiday moves to the next working day, and the
occurrence says from where and why, so the producer sees it before saving.

"A year of releases" means the releases dated in that year: "monthly, 10th working day" in 2027 gives
December 2026's figures in January 2027 up to November 2027's in December 2027.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from release_calendar.rules import MONTHS_EN, MONTHS_NB, oslo_instant

#: A month has at most 23 weekdays (31 days starting on a Monday); a week has 5.
MAX_WORKING_DAY = 23
MAX_WORKING_DAY_OF_WEEK = 5
#: "n days after the period": up to a year, the longest lag of an official statistic we know of.
MAX_DAYS_AFTER = 365
MAX_MONTHS_AFTER = 12


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Anchor(enum.StrEnum):
    """How the release day is counted from the reference period."""

    #: The n-th working day of a month after the period (of the week after it, for weekly figures).
    WORKING_DAY = "working-day"
    #: n calendar days after the period's last day, moved on to a working day.
    DAYS_AFTER = "days-after"


@dataclass(frozen=True)
class Rule:
    """A release rule. ``months_after`` says which month the n-th working day is counted in: 1 the
    month right after the reference period, 2 the one after that; it is ignored for weekly figures
    and for ``DAYS_AFTER``. Raises ValueError when a number is out of range."""

    frequency: Frequency
    anchor: Anchor
    n: int
    at: time
    months_after: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.n <= max_n(self.frequency, self.anchor):
            raise ValueError(f"n must be 1 to {max_n(self.frequency, self.anchor)}")
        if not 1 <= self.months_after <= MAX_MONTHS_AFTER:
            raise ValueError(f"months_after must be 1 to {MAX_MONTHS_AFTER}")


def max_n(frequency: Frequency, anchor: Anchor) -> int:
    """The largest n a rule may have."""
    if anchor is Anchor.DAYS_AFTER:
        return MAX_DAYS_AFTER
    return MAX_WORKING_DAY_OF_WEEK if frequency is Frequency.WEEKLY else MAX_WORKING_DAY


@dataclass(frozen=True)
class Holiday:
    """A public holiday's name in both languages ("Andre pinsedag og grunnlovsdag" when two fall on one
    day)."""

    nb: str
    en: str


@dataclass(frozen=True)
class Period:
    """A reference period and its label as the calendar writes it (see ``rules.when_label``)."""

    start: date
    end: date
    label_nb: str
    label_en: str


@dataclass(frozen=True)
class Occurrence:
    """One release the rule gives: its period, its day and Oslo wall time, and, when the rule's day was
    not a working day, that day (``moved_from``) and the holidays on it (none: a weekend)."""

    period: Period
    day: date
    at: time
    moved_from: date | None = None
    holidays: tuple[Holiday, ...] = ()

    @property
    def release_at(self) -> datetime:
        """The release instant, in UTC."""
        return oslo_instant(datetime.combine(self.day, self.at))


class TooFewWorkingDays(ValueError):
    """The n-th working day does not exist in a month (or week): ``span`` (labelled like a period) has
    only ``count`` working days."""

    def __init__(self, span: Period, count: int) -> None:
        super().__init__(f"{span.label_en} has only {count} working days")
        self.span = span
        self.count = count


def _joined(names: list[str], word: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


@cache
def _holidays(year: int) -> dict[date, Holiday]:
    # Named in both languages by the package itself, so no holiday name is kept here.
    nb = holidays.country_holidays("NO", years=year, language="no")
    en = holidays.country_holidays("NO", years=year, language="en_US")
    return {
        day: Holiday(
            _joined(nb.get_list(day), "og"),
            _joined(en.get_list(day), "and"),
        )
        for day in sorted(nb)
    }


def holidays_on(day: date) -> tuple[Holiday, ...]:
    """The Norwegian public holiday on ``day``, if any."""
    found = _holidays(day.year).get(day)
    return (found,) if found is not None else ()


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days(first: date, last: date) -> list[date]:
    """The working days from ``first`` to ``last``, both included."""
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return [d for d in days if is_working_day(d)]


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    return Period(
        date(year, month, 1),
        _month_end(year, month),
        f"{MONTHS_NB[month - 1]} {year}",
        f"{MONTHS_EN[month - 1]} {year}",
    )


def quarter_period(year: int, quarter: int) -> Period:
    return Period(
        date(year, 3 * quarter - 2, 1),
        _month_end(year, 3 * quarter),
        f"{quarter}. kvartal {year}",
        f"Q{quarter} {year}",
    )


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year), str(year))


def week_period(monday: date) -> Period:
    year, week, _ = monday.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"uke {week} {year}", f"week {week} {year}")


def periods(frequency: Frequency, first_year: int, last_year: int) -> list[Period]:
    """The reference periods that start in ``first_year`` to ``last_year``, in order."""
    if frequency is Frequency.MONTHLY:
        return [month_period(y, m) for y in range(first_year, last_year + 1) for m in range(1, 13)]
    if frequency is Frequency.QUARTERLY:
        return [quarter_period(y, q) for y in range(first_year, last_year + 1) for q in range(1, 5)]
    if frequency is Frequency.YEARLY:
        return [year_period(y) for y in range(first_year, last_year + 1)]
    start = date(first_year, 1, 1)
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    weeks = []
    while monday.year <= last_year:
        weeks.append(week_period(monday))
        monday += timedelta(days=7)
    return weeks


def release_day(rule: Rule, period: Period) -> Occurrence:
    """The release of ``period`` under ``rule``. Raises TooFewWorkingDays."""
    if rule.anchor is Anchor.DAYS_AFTER:
        planned = period.end + timedelta(days=rule.n)
        day = next_working_day(planned)
        if day == planned:
            return Occurrence(period, day, rule.at)
        return Occurrence(period, day, rule.at, planned, holidays_on(planned))
    if rule.frequency is Frequency.WEEKLY:
        span = week_period(period.end + timedelta(days=1))
    else:
        first = _add_months(period.end.replace(day=1), rule.months_after)
        span = month_period(first.year, first.month)
    days = working_days(span.start, span.end)
    if rule.n > len(days):
        raise TooFewWorkingDays(span, len(days))
    return Occurrence(period, days[rule.n - 1], rule.at)


def releases_in_year(rule: Rule, year: int) -> list[Occurrence]:
    """Every release ``rule`` gives whose day falls in ``year``, in date order. Raises
    TooFewWorkingDays for the first month (or week) where the n-th working day does not exist."""
    # A release can come up to a year and a month after its period ends, so periods start two years
    # before.
    found = []
    for period in periods(rule.frequency, year - 2, year):
        try:
            found.append(release_day(rule, period))
        except TooFewWorkingDays as short:
            if short.span.start.year == year:
                raise
    return sorted((o for o in found if o.day.year == year), key=lambda o: o.day)
