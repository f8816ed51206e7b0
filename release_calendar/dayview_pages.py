"""The producers' day view (issue 20): ``/min-side/kalender/dag`` and its JSON twin, and the panel the
announce and manage pages show beside their date fields (the Jinja global ``day_panel``).

The page works without JavaScript: a small GET form picks the day. ``portal/static/dayview.js`` only
fetches the twin when a date field changes and redraws the panel from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask import Response, jsonify, request, url_for

from portal.http.auth import current_actor, login_required, signed_in_actor
from portal.http.db import get_session
from portal.http.instant import now
from portal.http.routing import bilingual, render_page
from portal.kernel.clock import in_oslo
from portal.kernel.errors import BadRequest, PortalError
from portal.kernel.i18n import current_language, pick, translate
from portal.programme import service as programme
from release_calendar.dayview import (
    AreaName,
    DayView,
    day_view,
    parse_day,
    parse_hour,
    subject_area_named,
    subject_areas_of,
)
from release_calendar.rules import MONTHS_EN, MONTHS_NB
from release_calendar.views import bp

WEEKDAYS_NB = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayAsk:
    """What the day view was asked, as the query string says it (``dato``, ``tid``, ``statistikk``,
    ``emne``, ``utenom``)."""

    day: date
    clock: str | None = None
    statistic: str | None = None
    area: str | None = None
    leave_out: int | None = None

    def args(self) -> dict[str, Any]:
        found = {
            "dato": self.day.isoformat(),
            "tid": self.clock,
            "statistikk": self.statistic,
            "emne": self.area,
            "utenom": str(self.leave_out) if self.leave_out is not None else None,
        }
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class DayPanel:
    """A day view with its sentences in the page's language and its two addresses."""

    ask: DayAsk
    view: DayView
    heading: str
    sentences: tuple[str, ...]
    page_url: str
    json_url: str


def long_date(day: date, lang: str | None = None) -> str:
    """ "mandag 15. mars 2027" / "Monday 15 March 2027": the weekday matters when planning."""
    if (lang or current_language()) == "en":
        return f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{WEEKDAYS_NB[day.weekday()]} {day.day}. {MONTHS_NB[day.month - 1]} {day.year}"


def _counted(prefix: str, n: int, **values: str) -> str:
    form = "none" if n == 0 else "one" if n == 1 else "many"
    return translate(f"{prefix}.{form}", n=n, **values)


def _sentences(view: DayView, leave_out: int | None) -> tuple[str, ...]:
    said = [_counted("dayview.count", view.day_count)]
    if view.day_count and view.hour is not None and view.hour_count is not None:
        start, end = f"{view.hour:02d}:00", f"{(view.hour + 1) % 24:02d}:00"
        said.append(_counted("dayview.hour", view.hour_count, start=start, end=end))
    if view.day_count and view.subject_areas:
        areas = ", ".join(pick(a.name_nb, a.name_en) for a in view.subject_areas)
        said.append(_counted("dayview.same", len(view.same_subject_area), areas=areas))
    if leave_out is not None:
        said.append(translate("dayview.left_out"))
    return tuple(said)


def build_panel(ask: DayAsk) -> DayPanel:
    """The day view asked for, at the request's instant. Raises BadRequest for an unknown statistic or
    subject area, or a bad time."""
    db = get_session()
    areas: tuple[AreaName, ...] = ()
    if ask.statistic:
        areas = subject_areas_of(db, ask.statistic)
    elif ask.area:
        areas = subject_area_named(db, ask.area)
    hour = parse_hour(ask.clock) if ask.clock else None
    view = day_view(db, ask.day, hour=hour, areas=areas, now=now(), leave_out=ask.leave_out)
    return DayPanel(
        ask=ask,
        view=view,
        heading=translate("dayview.heading", date=long_date(ask.day)),
        sentences=_sentences(view, ask.leave_out),
        page_url=url_for("release_calendar.day_page", **ask.args()),
        json_url=url_for("release_calendar.day_json", **ask.args()),
    )


def _ask_from_request() -> DayAsk:
    args = request.args
    text = (args.get("dato") or "").strip()
    day = parse_day(text) if text else in_oslo(now()).date()
    leave = (args.get("utenom") or "").strip()
    if leave and not (leave.isdigit() and len(leave) < 10):
        raise BadRequest("").said("dayview.bad_release", given=leave[:40])
    return DayAsk(
        day=day,
        clock=(args.get("tid") or "").strip() or None,
        statistic=(args.get("statistikk") or "").strip() or None,
        area=(args.get("emne") or "").strip() or None,
        leave_out=int(leave) if leave else None,
    )


def as_json(panel: DayPanel) -> dict[str, Any]:
    """The twin: the counts and the releases, with the panel's sentences in the page's language so
    the script redraws the panel exactly as the page draws it."""
    view = panel.view
    return {
        "date": view.day.isoformat(),
        "hour": view.hour,
        "day_count": view.day_count,
        "hour_count": view.hour_count,
        "same_subject_area_count": len(view.same_subject_area),
        "subject_areas": [
            {"slug": a.slug, "name": pick(a.name_nb, a.name_en)} for a in view.subject_areas
        ],
        "heading": panel.heading,
        "sentences": list(panel.sentences),
        "page_url": panel.page_url,
        "labels": {
            "same_subject_area": translate("dayview.same_area"),
            "in_hour": translate("dayview.in_hour"),
        },
        "releases": [
            {
                "id": e.release_id,
                "time": e.clock,
                "release_at": e.release_at.isoformat(),
                "producer": e.producer_short_name,
                "statistic_slug": e.statistic_slug,
                "statistic": pick(e.statistic_name_nb, e.statistic_name_en),
                "status": e.status.value,
                "status_label": translate(f"status.{e.status.value}"),
                "same_subject_area": e.same_subject_area,
                "in_hour": e.in_hour,
                "url": url_for("release_calendar.release", release_id=e.release_id),
            }
            for e in view.entries
        ],
    }


def _own_statistics() -> list[tuple[str, str]]:
    own = programme.writable_statistics(get_session(), signed_in_actor())
    return [(s.slug, pick(s.name_nb, s.name_en)) for s in own]


@bilingual(
    "/min-side/kalender/dag",
    "/en/my-page/calendar/day",
    twin="release_calendar.day_json",
    blueprint=bp,
)
@login_required
def day_page() -> Response:
    """Every producer's releases on one Oslo day (``?dato=``, default today), with the count in the
    hour of ``?tid=`` and those in the subject areas of ``?statistikk=`` marked. 400 for a bad date or
    time, 401 when not signed in."""
    panel = build_panel(_ask_from_request())
    if request.args.get("format") == "json":
        return jsonify(as_json(panel))
    return render_page(
        "release_calendar/day.html",
        twin_url=panel.json_url,
        panel=panel,
        statistics=_own_statistics(),
        public_day_url=url_for("release_calendar.calendar", view="day", date=panel.view.day),
    )


@bilingual(
    "/min-side/kalender/dag.json",
    "/en/my-page/calendar/day.json",
    no_twin_because="it is the JSON form of the day page",
    blueprint=bp,
)
@login_required
def day_json() -> Response:
    """The day page as JSON (see :func:`as_json`); the same errors as the page."""
    return jsonify(as_json(build_panel(_ask_from_request())))


@bp.app_template_global("day_panel")
def day_panel(
    day: datetime | date | str | None,
    clock: object = None,
    statistic: str | None = None,
    leave_out: int | None = None,
) -> DayPanel | None:
    """For the announce and manage pages: the day view of the date a form holds (or of a release's
    instant, read in Oslo), or None when there is no usable date yet (nothing entered, a date that does
    not exist) or nobody is signed in; a form's half-typed input never breaks the page around it."""
    if current_actor() is None or not day:
        return None
    try:
        parsed, clock_text = _day_and_clock(day, clock)
        if parsed is None:
            parsed = parse_day(str(day))
        return build_panel(DayAsk(parsed, clock_text, statistic or None, None, leave_out))
    except PortalError:
        return None


@bp.app_template_global("day_page_url")
def day_page_url(
    day: datetime | date | str | None = None,
    clock: object = None,
    statistic: str | None = None,
    leave_out: int | None = None,
) -> str:
    """The day page's address for what a form holds; today's when it holds no date yet."""
    parsed, clock_text = _day_and_clock(day, clock)
    values: dict[str, Any] = {
        "dato": parsed.isoformat() if parsed else day,
        "tid": clock_text,
        "statistikk": statistic,
        "utenom": leave_out,
    }
    return url_for("release_calendar.day_page", **{k: v for k, v in values.items() if v})


def _day_and_clock(day: object, clock: object) -> tuple[date | None, str | None]:
    """A date (None for text, which the caller parses) and a clock text from what a template has: an
    instant (its Oslo date and time), a date, or text; a ``time`` or "HH:MM" text as the clock."""
    if isinstance(day, datetime):
        local = in_oslo(day)
        return local.date(), _clock_text(clock) or f"{local:%H:%M}"
    return (day if isinstance(day, date) else None), _clock_text(clock)


def _clock_text(clock: object) -> str | None:
    if isinstance(clock, time):
        return f"{clock:%H:%M}"
    return str(clock) if clock else None
