"""The page that makes a year of provisional releases from a rule (issue 20): the producer picks the rule,
sees every release it gives (and which dates moved off a weekend or a holiday), and saves them all in one
step. Saving goes through :func:`release_calendar.schedule.import_schedule`, as an uploaded schedule does,
so the producer-scoping rule, the duplicate rule, the audit log and all-or-nothing apply unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from flask import Response, request
from sqlalchemy import select
from wtforms import IntegerField, SelectField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

import release_calendar.recurrence_messages  # noqa: F401  (registers the page's strings)
from portal.http.actions import save
from portal.http.auth import login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.forms import PortalForm
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.clock import in_oslo
from portal.kernel.i18n import current_language, pick, translate
from portal.programme import service as programme
from portal.programme.models import Statistic
from release_calendar import schedule
from release_calendar.recurrence import (
    MAX_DAYS_AFTER,
    MAX_MONTHS_AFTER,
    Anchor,
    Frequency,
    Occurrence,
    Rule,
    TooFewWorkingDays,
    max_n,
    releases_in_year,
)
from release_calendar.rules import MONTHS_EN, MONTHS_NB, Kind, Precision
from release_calendar.schemas import ReleaseCreate
from release_calendar.views import bp

#: How many years ahead a plan may be made: the current one and the next two.
YEARS_AHEAD = 2


class RuleForm(PortalForm):
    # Offers only the user's own statistics; a forged choice reaches the service, which refuses it.
    statistic = SelectField(validators=[DataRequired()], validate_choice=False)
    kind = SelectField(default=Kind.NEW_FIGURES.value, validators=[DataRequired()])
    frequency = SelectField(default=Frequency.MONTHLY.value, validators=[DataRequired()])
    anchor = SelectField(default=Anchor.WORKING_DAY.value, validators=[DataRequired()])
    n = IntegerField(default=10, validators=[InputRequired()])
    months_after = IntegerField(default=1, validators=[InputRequired()])
    at = TimeField(default=time(8, 0), validators=[InputRequired()])
    year = IntegerField(validators=[InputRequired()])


@dataclass(frozen=True)
class PreviewRow:
    """One generated release as the page shows it: plain text in the page's language."""

    number: int
    date: str
    weekday: str
    period: str
    label_nb: str
    label_en: str
    note: str
    problem: str


def _choices(form: RuleForm) -> None:
    form.statistic.choices = [
        SelectChoice(s.slug, pick(s.name_nb, s.name_en))
        for s in programme.writable_statistics(get_session(), signed_in_actor())
    ]
    form.kind.choices = [SelectChoice(k.value, translate(f"kind.{k.value}")) for k in Kind]
    form.frequency.choices = [
        SelectChoice(f.value, translate(f"rule.freq.{f.value}")) for f in Frequency
    ]
    form.anchor.choices = [
        SelectChoice(a.value, translate(f"rule.anchor.{a.value}")) for a in Anchor
    ]


def _n_message(frequency: Frequency, anchor: Anchor) -> str:
    if anchor is Anchor.DAYS_AFTER:
        return translate("rule.n_days", max=MAX_DAYS_AFTER)
    return translate("rule.n_week" if frequency is Frequency.WEEKLY else "rule.n_month")


def _read_rule(form: RuleForm, this_year: int) -> Rule | None:
    """The rule the form holds, or None with a message in the page's language at every field that is
    wrong (WTForms' own wording replaced by ours, which says what to write)."""
    form.validate()
    messages = {
        "statistic": translate("rule.choose_statistic"),
        "kind": translate("rule.choose"),
        "frequency": translate("rule.choose"),
        "anchor": translate("rule.choose"),
        "months_after": translate("rule.months_after_range", max=MAX_MONTHS_AFTER),
        "at": translate("rule.bad_time"),
        "year": translate("rule.year_range", first=this_year, last=this_year + YEARS_AHEAD),
    }
    for name, message in messages.items():
        if form[name].errors:
            form[name].errors = [message]
    frequency = Frequency(form.frequency.data) if not form.frequency.errors else Frequency.MONTHLY
    anchor = Anchor(form.anchor.data) if not form.anchor.errors else Anchor.WORKING_DAY
    if form.n.errors or not 1 <= (form.n.data or 0) <= max_n(frequency, anchor):
        form.n.errors = [_n_message(frequency, anchor)]
    if not form.months_after.errors and not 1 <= form.months_after.data <= MAX_MONTHS_AFTER:
        form.months_after.errors = [messages["months_after"]]
    if not form.year.errors and not this_year <= form.year.data <= this_year + YEARS_AHEAD:
        form.year.errors = [messages["year"]]
    if any(f.errors for f in form):
        return None
    return Rule(frequency, anchor, form.n.data, form.at.data, form.months_after.data)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _note(occurrence: Occurrence, lang: str) -> str:
    """Where the release moved from and why, when the rule's day was not a working day."""
    moved = occurrence.moved_from
    if moved is None:
        return ""
    months = MONTHS_NB if lang == "nb" else MONTHS_EN
    day = translate(
        "rule.moved_day",
        weekday=translate(f"rule.weekday.{moved.weekday()}"),
        day=moved.day,
        month=months[moved.month - 1],
    )
    if not occurrence.holidays:
        return translate("rule.moved_weekend", day=day)
    names = ", ".join(pick(h.nb, h.en) for h in occurrence.holidays)
    return translate("rule.moved_holiday", day=day, holiday=names)


def _preview(occurrences: list[Occurrence], problems: dict[int, str]) -> list[PreviewRow]:
    lang = current_language()
    months = MONTHS_NB if lang == "nb" else MONTHS_EN
    return [
        PreviewRow(
            number=i,
            date=translate(
                "rule.date",
                day=o.day.day,
                month=months[o.day.month - 1],
                year=o.day.year,
                time=o.at.strftime("%H:%M"),
            ),
            weekday=_capitalised(translate(f"rule.weekday.{o.day.weekday()}")),
            period=f"{o.period.start.isoformat()} – {o.period.end.isoformat()}",
            label_nb=o.period.label_nb,
            label_en=o.period.label_en,
            note=_note(o, lang),
            problem=problems.get(i, ""),
        )
        for i, o in enumerate(occurrences, start=1)
    ]


def _rows(
    occurrences: list[Occurrence], statistic: Statistic, kind: Kind
) -> list[tuple[int, ReleaseCreate]]:
    """The releases as schedule rows, numbered from 1: provisional, at an exact date and time."""
    return [
        (
            i,
            ReleaseCreate(
                statistic=statistic.slug,
                title_nb=f"{statistic.name_nb}, {o.period.label_nb}",
                title_en=f"{statistic.name_en}, {o.period.label_en}",
                kind=kind,
                period_start=o.period.start,
                period_end=o.period.end,
                period_label_nb=o.period.label_nb,
                period_label_en=o.period.label_en,
                release_at=o.release_at,
                precision=Precision.EXACT,
                confirmed=False,
                release_note_nb="",
                late_justification=None,
                late_justification_en=None,
            ),
        )
        for i, o in enumerate(occurrences, start=1)
    ]


@bilingual(
    "/min-side/kalender/regel",
    "/en/my-page/calendar/rule",
    methods=("GET", "POST"),
    no_twin_because="a form; systems send a schedule to POST /api/v1/releases/schedule",
    blueprint=bp,
)
@login_required
def rule_schedule() -> Response:
    """The rule form; "preview" shows the releases the rule gives (nothing saved), "save" saves them
    all or none (400 with the reason beside each release; 403 when the statistic is another
    producer's)."""
    actor = signed_in_actor()
    db, moment = get_session(), now()
    this_year = in_oslo(moment).year
    form = RuleForm(year=this_year + 1)
    _choices(form)
    if request.method != "POST":
        return _render(form)
    rule = _read_rule(form, this_year)
    statistic = db.scalar(select(Statistic).where(Statistic.slug == form.statistic.data))
    if statistic is None and not form.statistic.errors:
        form.statistic.errors = [translate("rule.choose_statistic")]
    if rule is None or statistic is None:
        return _render(form, status=400)
    year = form.year.data
    try:
        occurrences = releases_in_year(rule, year)
    except TooFewWorkingDays as short:
        span = _capitalised(pick(short.span.label_nb, short.span.label_en))
        form.n.errors = [translate("rule.too_few", span=span, count=short.count)]
        return _render(form, status=400)
    upcoming = [o for o in occurrences if o.release_at > moment]
    passed = len(occurrences) - len(upcoming)
    if not upcoming:
        form.year.errors = [translate("rule.none_left", year=year)]
        return _render(form, status=400)
    context = {"year": year, "passed": passed}
    if request.form.get("action") != "save":
        return _render(form, rows=_preview(upcoming, {}), **context)
    parsed = schedule.ParsedSchedule(_rows(upcoming, statistic, Kind(form.kind.data)), [])
    # A refusal is the form's problem, whatever its status; a role that may not announce at all is
    # not, and goes to the error handler after the rollback (as on the upload page).
    outcome = save(
        lambda: schedule.import_schedule(db, actor, parsed, moment), not_the_forms_fault={401}
    )
    problem = outcome.problem
    if problem is None:
        titles = [pick(row.title_nb, row.title_en) for _, row in parsed.rows]
        return _render(form, created=list(zip(outcome.value or [], titles, strict=False)))
    if not isinstance(problem, schedule.ScheduleRefused):
        raise problem
    by_row: dict[int, str] = {}
    for p in problem.problems:
        by_row[p.row] = " ".join(filter(None, [by_row.get(p.row, ""), p.text()]))
    if problem.status == 403:
        # Only rows of another producer's statistic: one message, at the statistic.
        form.statistic.errors = [problem.problems[0].text()]
        return _render(form, status=403)
    unplaced = [translate("rule.refused", n=len(by_row))]
    rows = _preview(upcoming, by_row)
    return _render(form, status=problem.status, rows=rows, unplaced=unplaced, **context)


def _render(
    form: RuleForm,
    *,
    status: int = 200,
    rows: list[PreviewRow] | None = None,
    unplaced: list[str] | None = None,
    created: list[tuple[int, str]] | None = None,
    year: int | None = None,
    passed: int = 0,
) -> Response:
    return render_page(
        "release_calendar/rule.html",
        status=status,
        form=form,
        rows=rows or [],
        unplaced=unplaced or [],
        created=created or [],
        year=year,
        passed=passed,
        has_errors=bool(unplaced) or any(f.errors for f in form),
    )
