"""Release dates from a rule, against 2027's Norwegian calendar worked out by hand: Easter on 25, 26 and
29 March, Labour Day on a Saturday, Ascension on 6 May, 17 May a Monday and Whit Monday too."""

from __future__ import annotations

from datetime import date, time

import pytest

from release_calendar.recurrence import (
    Anchor,
    Frequency,
    Holiday,
    Rule,
    TooFewWorkingDays,
    is_working_day,
    next_working_day,
    releases_in_year,
    working_days,
)

EIGHT = time(8, 0)


def test_the_holidays_of_2027_are_not_working_days() -> None:
    for holiday in (
        date(2027, 1, 1),
        date(2027, 3, 25),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 6),
        date(2027, 5, 17),
    ):
        assert not is_working_day(holiday), holiday
    # 27 December, a Monday, is an ordinary working day.
    assert is_working_day(date(2027, 12, 27))
    assert is_working_day(date(2027, 3, 24)) and is_working_day(date(2027, 3, 30))
    assert not is_working_day(date(2027, 5, 15))  # a Saturday
    assert len(working_days(date(2027, 5, 1), date(2027, 5, 31))) == 19


def test_a_day_off_moves_to_the_next_working_day() -> None:
    assert next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)  # Easter: Thu, Fri, Mon
    assert next_working_day(date(2027, 5, 15)) == date(2027, 5, 18)  # Sat, Sun, 17 May
    assert next_working_day(date(2027, 5, 6)) == date(2027, 5, 7)
    assert next_working_day(date(2027, 6, 2)) == date(2027, 6, 2)


def test_monthly_on_the_10th_working_day_in_2027() -> None:
    rule = Rule(Frequency.MONTHLY, Anchor.WORKING_DAY, 10, EIGHT)
    releases = releases_in_year(rule, 2027)
    # Counted by hand on a 2027 calendar.
    assert [r.day for r in releases] == [
        date(2027, 1, 15),  # 1 January off: 4–8 and 11–15
        date(2027, 2, 12),
        date(2027, 3, 12),
        date(2027, 4, 14),  # Easter was in March: 1–2, 5–9, 12–14
        date(2027, 5, 18),  # 6 and 17 May off: 3–5, 7, 10–14, 18
        date(2027, 6, 14),
        date(2027, 7, 14),
        date(2027, 8, 13),
        date(2027, 9, 14),
        date(2027, 10, 14),
        date(2027, 11, 12),
        date(2027, 12, 14),
    ]
    assert [r.period.label_nb for r in releases[:2]] == ["desember 2026", "januar 2027"]
    assert [r.period.label_en for r in releases[:2]] == ["December 2026", "January 2027"]
    assert releases[1].period.start == date(2027, 1, 1)
    assert releases[1].period.end == date(2027, 1, 31)
    assert all(r.moved_from is None for r in releases)
    # 08:00 in Oslo: CET in winter, CEST in summer.
    assert releases[0].release_at.isoformat() == "2027-01-15T07:00:00+00:00"
    assert releases[5].release_at.isoformat() == "2027-06-14T06:00:00+00:00"


def test_the_nth_working_day_in_a_later_month() -> None:
    rule = Rule(Frequency.MONTHLY, Anchor.WORKING_DAY, 1, EIGHT, months_after=2)
    releases = releases_in_year(rule, 2027)
    assert releases[0].period.label_en == "November 2026"
    assert releases[0].day == date(2027, 1, 4)
    assert releases[4].day == date(2027, 5, 3)  # 1 May is a Saturday


def test_a_month_without_the_nth_working_day_is_refused() -> None:
    with pytest.raises(TooFewWorkingDays) as refused:
        releases_in_year(Rule(Frequency.MONTHLY, Anchor.WORKING_DAY, 21, EIGHT), 2027)
    assert refused.value.span.label_nb == "januar 2027" and refused.value.count == 20
    # May 2027 has 19 working days; 19 is its last.
    may = releases_in_year(Rule(Frequency.MONTHLY, Anchor.WORKING_DAY, 19, EIGHT), 2027)[4]
    assert may.day == date(2027, 5, 31)


def test_quarterly_45_days_after_the_quarter() -> None:
    rule = Rule(Frequency.QUARTERLY, Anchor.DAYS_AFTER, 45, EIGHT)
    releases = releases_in_year(rule, 2027)
    assert [(r.period.label_nb, r.period.label_en) for r in releases] == [
        ("4. kvartal 2026", "Q4 2026"),
        ("1. kvartal 2027", "Q1 2027"),
        ("2. kvartal 2027", "Q2 2027"),
        ("3. kvartal 2027", "Q3 2027"),
    ]
    # 31 Dec + 45 = Sun 14 Feb; 31 Mar + 45 = Sat 15 May, and Mon 17 May is a holiday;
    # 30 Jun + 45 = Sat 14 Aug; 30 Sep + 45 = Sun 14 Nov.
    assert [r.day for r in releases] == [
        date(2027, 2, 15),
        date(2027, 5, 18),
        date(2027, 8, 16),
        date(2027, 11, 15),
    ]
    assert [r.moved_from for r in releases] == [
        date(2027, 2, 14),
        date(2027, 5, 15),
        date(2027, 8, 14),
        date(2027, 11, 14),
    ]
    assert all(r.holidays == () for r in releases)  # weekends, not holidays


def test_a_date_on_a_holiday_says_which() -> None:
    # 31 March + 36 days = Thursday 6 May, Ascension Day.
    rule = Rule(Frequency.QUARTERLY, Anchor.DAYS_AFTER, 36, EIGHT)
    first_quarter = releases_in_year(rule, 2027)[1]
    assert first_quarter.moved_from == date(2027, 5, 6)
    assert first_quarter.day == date(2027, 5, 7)
    assert first_quarter.holidays == (Holiday("Kristi himmelfartsdag", "Ascension Day"),)
    # 31 March + 47 days = Monday 17 May: two holidays on one day.
    seventeenth = releases_in_year(Rule(Frequency.QUARTERLY, Anchor.DAYS_AFTER, 47, EIGHT), 2027)
    assert seventeenth[1].day == date(2027, 5, 18)
    assert "Grunnlovsdag" in seventeenth[1].holidays[0].nb
    assert "pinsedag" in seventeenth[1].holidays[0].nb


def test_yearly() -> None:
    days = releases_in_year(Rule(Frequency.YEARLY, Anchor.DAYS_AFTER, 85, EIGHT), 2027)
    # 31 Dec 2026 + 85 days = Thursday 26 March, Good Friday after it, then Easter Monday.
    assert [(r.period.label_nb, r.period.label_en, r.day) for r in days] == [
        ("2026", "2026", date(2027, 3, 30))
    ]
    assert days[0].period.start == date(2026, 1, 1) and days[0].period.end == date(2026, 12, 31)
    working = releases_in_year(
        Rule(Frequency.YEARLY, Anchor.WORKING_DAY, 5, EIGHT, months_after=3), 2027
    )
    assert [r.day for r in working] == [date(2027, 3, 5)]


def test_weekly_3_days_after_the_week() -> None:
    releases = releases_in_year(Rule(Frequency.WEEKLY, Anchor.DAYS_AFTER, 3, EIGHT), 2027)
    assert len(releases) == 52
    assert (releases[0].period.label_nb, releases[0].day) == ("uke 53 2026", date(2027, 1, 6))
    assert releases[1].period.label_en == "week 1 2027"
    # Week 19 ends on Sunday 16 May; Wednesday 19 May is a working day.
    week_19 = next(r for r in releases if r.period.label_nb == "uke 19 2027")
    assert week_19.day == date(2027, 5, 19)


@pytest.mark.parametrize(
    ("frequency", "anchor", "n"),
    [
        (Frequency.MONTHLY, Anchor.WORKING_DAY, 0),
        (Frequency.MONTHLY, Anchor.WORKING_DAY, 24),
        (Frequency.WEEKLY, Anchor.WORKING_DAY, 6),
        (Frequency.QUARTERLY, Anchor.DAYS_AFTER, 366),
    ],
)
def test_numbers_out_of_range_make_no_rule(frequency: Frequency, anchor: Anchor, n: int) -> None:
    with pytest.raises(ValueError):
        Rule(frequency, anchor, n, EIGHT)
