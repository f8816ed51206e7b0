"""A year's schedule from CSV or JSON, in one transaction: the whole file is checked before anything is
written, and a refusal lists every problem by row, in the reader's language (issue 20).

What a file can get wrong, each a :class:`Problem` with a message key of :mod:`release_calendar.messages`:
its form (not text, not CSV or JSON, a header without the required columns), a cell's format (a date, a
time, a choice, a length; pydantic's error types map to our keys, its wording is never shown), a rule of
the calendar (an unknown statistic, a time in the past, the three-month rule's justification), another
producer's statistic, and duplicates: two rows, or a row and a release already in the calendar, for the
same statistic, kind and reference period.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.kernel.access import (
    Actor,
    Permission,
    ensure_permission,
    writable_producer_ids,
)
from portal.kernel.clock import as_utc, in_oslo
from portal.kernel.errors import (
    BadRequest,
    FieldError,
    Forbidden,
    PortalError,
    Unauthorized,
)
from portal.kernel.i18n import MESSAGES, translate
from portal.kernel.parsing import MAX_JSON_DEPTH, MAX_TEXT
from portal.programme.models import Statistic
from release_calendar import service
from release_calendar.models import Release
from release_calendar.rules import MONTHS_EN, MONTHS_NB, Kind, Precision, State, oslo_instant
from release_calendar.schemas import ReleaseCreate

log = logging.getLogger(__name__)

CSV_COLUMNS = (
    "statistic",
    "title_nb",
    "title_en",
    "kind",
    "period_start",
    "period_end",
    "period_label_nb",
    "period_label_en",
    "release_at",
    "precision",
    "confirmed",
    "contents_nb",
    "contents_en",
    "late_justification",
    "late_justification_en",
)
REQUIRED_COLUMNS = CSV_COLUMNS[:9]
MAX_ROWS = 5000

#: The delimiters a schedule file's header line is searched for, in the order that breaks a tie.
CSV_DELIMITERS = (",", ";", "\t")

#: The message key of a row of another producer's statistic: about who may write it, not about what
#: the file holds.
FOREIGN = "sched.foreign"

#: Norwegian Excel's yes and no (TRUE and FALSE are SANN and USANN in its Norwegian edition).
YES = frozenset({"ja", "j", "yes", "y", "true", "sann", "1", "x"})
NO = frozenset({"nei", "n", "no", "false", "usann", "0"})

# Norwegian Excel writes a date cell back as 31.03.2027 and a date-time as 10.04.2027 08:00 when a
# producer saves the template; both are read as the ISO forms the template holds.
_NORWEGIAN_DATE = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2}))?$"
)


@dataclass(frozen=True)
class Problem:
    """One problem of a schedule file: its ``row`` (0 the file as a whole; in CSV 1 is the header row,
    as a spreadsheet numbers it; in JSON the n-th release), the ``column`` it is in, the message ``key``
    and the values it is filled in with, and the release already in the calendar that the row repeats."""

    row: int
    key: str
    column: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    release_id: int | None = None

    def text(self, lang: str | None = None) -> str:
        """What is wrong, in ``lang`` (default: the request's language)."""
        values = dict(self.values)
        if self.column is not None:
            values.setdefault("column", column_label(self.column, lang))
        if self.key == "sched.not_choice":
            values["choices"] = _choices(self.column, lang)
        return translate(self.key, lang, **values)

    def pointer(self) -> str:
        return f"row {self.row}" if self.row else "file"


def column_label(column: str, lang: str | None = None) -> str:
    """A column as a producer reads it, with the file's own name after it."""
    key = f"sched.col.{column}"
    return translate(key, lang) if key in MESSAGES else column


class ScheduleRefused(PortalError):
    """A schedule file with problems; nothing of it is saved. 403 when its only problems are rows of
    other producers' statistics (the file is fine, the sender may not write it), 400 otherwise; the
    problem details list every problem, in ``lang`` (default: the request's language)."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem], lang: str | None = None) -> None:
        ordered = tuple(sorted(problems, key=lambda p: p.row))
        base: PortalError = (
            Forbidden("") if all(p.key == FOREIGN for p in ordered) else BadRequest("")
        )
        rows = len({p.row for p in ordered if p.row})
        if not rows:
            detail = translate("sched.refused_file", lang)
        elif rows == 1:
            detail = translate("sched.refused_one", lang)
        else:
            detail = translate("sched.refused", lang, rows=rows)
        super().__init__(
            status=base.status,
            title=base.title,
            type=base.type,
            detail=detail,
            errors=tuple(FieldError(p.pointer(), p.text(lang)) for p in ordered),
        )
        self.problems = ordered

    def in_language(self, lang: str) -> ScheduleRefused:
        return ScheduleRefused(self.problems, lang)


def _refuse(key: str, **values: object) -> ScheduleRefused:
    return ScheduleRefused((Problem(0, key, values=_strings(values)),))


def _strings(values: dict[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in values.items())


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV file, from its header line: whichever of ``,`` ``;`` and tab that
    line holds most of (Norwegian Excel writes ``;``); ``,`` when it holds none."""
    header = text.split("\n", 1)[0]
    counts = [header.count(delimiter) for delimiter in CSV_DELIMITERS]
    return CSV_DELIMITERS[counts.index(max(counts))]


def _csv_rows(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_delimiter(text))
    # Spreadsheets add empty columns after the last one and people capitalise headings.
    reader.fieldnames = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    names = {name for name in reader.fieldnames if name}
    problems = []
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(Problem(1, "sched.missing_columns", values=_listed(missing)))
    unknown = sorted(names - set(CSV_COLUMNS))
    if unknown:
        problems.append(Problem(1, "sched.unknown_columns", values=_listed(unknown)))
    if problems:
        return [], problems
    rows = []
    number = 1
    try:
        for number, raw in enumerate(reader, start=2):
            cells = {k: v.strip() for k, v in raw.items() if k and isinstance(v, str) and v.strip()}
            if any("\x00" in v for v in cells.values()):
                problems.append(Problem(number, "sched.nul"))
            elif any(len(v) > MAX_TEXT for v in cells.values()):
                problems.append(Problem(number, "sched.unreadable_csv"))
            elif cells:
                rows.append((number, cells))
    except csv.Error:
        problems.append(Problem(number + 1, "sched.unreadable_csv"))
    return rows, problems


def _listed(columns: list[str]) -> tuple[tuple[str, str], ...]:
    quoted = [f"«{c}»" for c in columns]
    return (("columns", ", ".join(quoted)),)


def _json_rows(text: str) -> list[tuple[int, Any]]:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise _refuse("sched.not_json") from None
    _check_nesting(data)
    items = data.get("releases") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise _refuse("sched.json_shape")
    return list(enumerate(items, start=1))


def _check_nesting(value: Any) -> None:
    """The kernel's limits on JSON (:data:`MAX_JSON_DEPTH` levels, no NUL character), with our
    messages."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise _refuse("sched.not_text")
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _refuse("sched.too_deep", max=MAX_JSON_DEPTH)
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _date_cell(value: Any) -> Any:
    if isinstance(value, str):
        found = _NORWEGIAN_DATE.match(value)
        if found and found.group(4) is None:
            day, month, year = found.group(1, 2, 3)
            return f"{year}-{int(month):02}-{int(day):02}"
    return value


def _release_at(value: Any) -> Any:
    """A time without a zone in a schedule file is Oslo wall time; one with a zone is taken as is."""
    if isinstance(value, str):
        found = _NORWEGIAN_DATE.match(value)
        if found and found.group(4) is not None:
            day, month, year, hour, minute = found.groups()
            value = f"{year}-{int(month):02}-{int(day):02} {int(hour):02}:{minute}"
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:
            return oslo_instant(moment).isoformat()
    return value


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """A row's cells as the schema reads them: dates and times in Norwegian Excel's forms too, yes
    and no in Norwegian, kinds and precisions by their labels too."""
    cells = dict(row)
    for column in ("period_start", "period_end"):
        if column in cells:
            cells[column] = _date_cell(cells[column])
    if "release_at" in cells:
        cells["release_at"] = _release_at(cells["release_at"])
    confirmed = cells.get("confirmed")
    if isinstance(confirmed, str) and confirmed.lower() in YES | NO:
        cells["confirmed"] = confirmed.lower() in YES
    for column, choices in (("kind", Kind), ("precision", Precision)):
        value = cells.get(column)
        if isinstance(value, str):
            cells[column] = _choice(column, value, [c.value for c in choices])
    return cells


def _choice(column: str, value: str, codes: list[str]) -> str:
    wanted = value.strip().lower()
    for code in codes:
        labels = MESSAGES.get(f"{column}.{code}", ("", ""))
        if wanted == code or wanted in {label.lower() for label in labels if label}:
            return code
    return value


def _choices(column: str | None, lang: str | None = None) -> str:
    codes = {"kind": [k.value for k in Kind], "precision": [p.value for p in Precision]}
    return ", ".join(
        f"{code} ({translate(f'{column}.{code}', lang).lower()})"
        for code in codes.get(column or "", [])
    )


def _format_problems(number: int, error: ValidationError) -> list[Problem]:
    """pydantic's errors as ours: its type decides the message, its wording is dropped."""
    problems = []
    for e in error.errors(include_url=False):
        column = str(e["loc"][0]) if e["loc"] else None
        kind, value = e["type"], _shown(e.get("input", ""))
        if kind in {"missing", "string_too_short"}:
            problems.append(Problem(number, "sched.required", column))
        elif kind == "string_too_long":
            limit = str((e.get("ctx") or {}).get("max_length", ""))
            problems.append(Problem(number, "sched.too_long", column, (("max", limit),)))
        elif kind.startswith("datetime") or kind.startswith("timezone"):
            problems.append(Problem(number, "sched.not_datetime", column, (("value", value),)))
        elif kind.startswith("date"):
            problems.append(Problem(number, "sched.not_date", column, (("value", value),)))
        elif kind == "enum":
            problems.append(Problem(number, "sched.not_choice", column, (("value", value),)))
        elif kind.startswith("bool"):
            problems.append(Problem(number, "sched.not_yes_no", column, (("value", value),)))
        elif kind == "extra_forbidden":
            problems.append(
                Problem(number, "sched.unknown_field", None, (("value", column or ""),))
            )
        elif kind in {"model_type", "dict_type"}:
            problems.append(Problem(number, "sched.not_object"))
        else:
            problems.append(Problem(number, "sched.invalid", column, (("value", value),)))
    return problems


@dataclass(frozen=True)
class ParsedSchedule:
    """The rows of a file that have the right form, and the problems of those that have not."""

    rows: list[tuple[int, ReleaseCreate]]
    problems: list[Problem]


def _text(body: bytes, content_type: str) -> str:
    if body.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        # An Excel workbook (.xlsx is a zip, .xls an OLE file), sent as it is instead of as CSV.
        raise _refuse("sched.spreadsheet")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        if content_type != "text/csv":
            raise _refuse("sched.not_text") from None
    # Norwegian Excel's "CSV (semikolonseparert)" is Windows-1252; its "CSV UTF-8" has a BOM.
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        raise _refuse("sched.not_text") from None


def parse(body: bytes, content_type: str) -> ParsedSchedule:
    """Rows of a schedule file, each checked for its form, with the problems of the rows that have not.
    Raises ScheduleRefused when the file as a whole cannot be read (nothing of it is checked further)."""
    if content_type not in {"text/csv", "application/json"}:
        raise _refuse("sched.wrong_type")
    text = _text(body, content_type)
    if "\x00" in text:
        raise _refuse("sched.not_text")
    problems: list[Problem] = []
    rows: list[tuple[int, Any]]
    if content_type == "text/csv":
        rows, problems = _csv_rows(text)
        if any(p.row == 1 for p in problems):
            raise ScheduleRefused(problems)
    else:
        rows = _json_rows(text)
    if not rows and not problems:
        raise _refuse("sched.empty")
    if len(rows) > MAX_ROWS:
        raise _refuse("sched.too_many", max=MAX_ROWS, n=len(rows))
    parsed: list[tuple[int, ReleaseCreate]] = []
    for number, row in rows:
        if not isinstance(row, dict):
            problems.append(Problem(number, "sched.not_object"))
            continue
        try:
            # Lax here: CSV cells are text, so "2027-03-01" must become a date.
            parsed.append((number, ReleaseCreate.model_validate(_cells(row), strict=False)))
        except ValidationError as exc:
            problems.extend(_format_problems(number, exc))
    return ParsedSchedule(parsed, problems)


def _rule_problem(number: int, row: ReleaseCreate, error: PortalError) -> Problem:
    """A refusal of :func:`service.new_release` as ours, by the field it names (its wording is the
    API's English, for developers)."""
    pointer = error.errors[0].pointer if error.errors else ""
    if pointer == "/period_end":
        values = (("start", row.period_start.isoformat()), ("end", row.period_end.isoformat()))
        return Problem(number, "sched.period_order", "period_end", values)
    if pointer == "/release_at":
        when = in_oslo(row.release_at).strftime("%Y-%m-%d %H:%M")
        return Problem(number, "sched.past", "release_at", (("value", when),))
    if pointer == "/confirmed":
        return Problem(number, "sched.confirm_exact", "confirmed")
    if pointer == "/late_justification":
        return Problem(number, "sched.late", "late_justification")
    log.info("a schedule row refused for a reason without a message of its own: %s", error.detail)
    return Problem(number, "sched.rule")


#: The kinds a statistic has one of for each reference period; of the other kinds (planned revisions,
#: corrections, special analyses) a period may have several, at different times.
ONCE_A_PERIOD = frozenset({Kind.NEW_FIGURES, Kind.PRELIMINARY, Kind.FINAL})

#: What makes two releases the same: statistic, kind, reference period, and for the kinds a period
#: may have several of, the time.
Key = tuple[str, str, str, str, str]


def _key(slug: str, kind: Kind, start: date, end: date, release_at: datetime) -> Key:
    when = "" if kind in ONCE_A_PERIOD else as_utc(release_at).isoformat()
    return (slug, kind.value, start.isoformat(), end.isoformat(), when)


def _existing(session: Session, statistics: Iterable[Statistic]) -> dict[Key, int]:
    """The releases in the calendar (cancelled ones aside) of ``statistics``, by what makes one."""
    by_id = {s.id: s.slug for s in statistics}
    if not by_id:
        return {}
    stmt = select(
        Release.id,
        Release.statistic_id,
        Release.kind,
        Release.period_start,
        Release.period_end,
        Release.release_at,
    ).where(Release.statistic_id.in_(by_id), Release.state != State.CANCELLED)
    return {
        _key(by_id[sid], Kind(kind), start, end, at): rid
        for rid, sid, kind, start, end, at in session.execute(stmt)
    }


def import_schedule(
    session: Session, actor: Actor | None, schedule: ParsedSchedule, now: datetime
) -> list[int]:
    """Announce every row or none. The whole file is checked first, without writing (its statistics
    and their releases read in two queries); then every release is written in one flush, so the
    database's write lock is held for that flush and the commit only (issue 16: a row at a time, in
    savepoints, a 5,000-row file took 35 ms a row and every other writer waited). Raises
    ScheduleRefused listing every problem by row, Unauthorized, and Forbidden for a role that may
    not announce at all; a row of another producer's statistic is one of the problems."""
    if actor is None:
        raise Unauthorized().said("error.http.401")
    problems = list(schedule.problems)
    slugs = {row.statistic for _, row in schedule.rows}
    statistics = {
        s.slug: s
        for s in session.scalars(
            select(Statistic)
            .options(joinedload(Statistic.producer))
            .where(Statistic.slug.in_(slugs))
        )
    }
    scope = writable_producer_ids(actor)
    own = [s for s in statistics.values() if scope is None or s.producer_id in scope]
    existing = _existing(session, own)
    first_row: dict[Key, int] = {}
    allowed: dict[int, Actor] = {}
    releases: list[Release] = []
    for number, row in schedule.rows:
        statistic = statistics.get(row.statistic)
        if statistic is None:
            problems.append(
                Problem(number, "sched.unknown_statistic", "statistic", (("value", row.statistic),))
            )
            continue
        if scope is not None and statistic.producer_id not in scope:
            producer = (("value", row.statistic), ("producer", statistic.producer.short_name))
            problems.append(Problem(number, FOREIGN, "statistic", producer))
            continue
        if statistic.producer_id not in allowed:
            # Raises Forbidden for a role without the right: not the file's fault.
            allowed[statistic.producer_id] = ensure_permission(
                actor, Permission.RELEASE_WRITE, statistic.producer_id
            )
        announcement = service.Announcement(
            **row.model_dump(exclude={"kind", "precision"}), kind=row.kind, precision=row.precision
        )
        found = []
        release: Release | None = None
        try:
            release = service.new_release(statistic, announcement, now)
        except PortalError as error:
            found.append(_rule_problem(number, row, error))
        key = _key(
            row.statistic,
            row.kind,
            row.period_start,
            row.period_end,
            release.release_at if release is not None else row.release_at,
        )
        if key in first_row:
            other = (("other", str(first_row[key])),)
            found.append(Problem(number, "sched.duplicate_in_file", None, other))
        else:
            first_row[key] = number
        if key in existing:
            period = (("value", row.statistic), ("start", key[2]), ("end", key[3]))
            found.append(Problem(number, "sched.duplicate_existing", None, period, existing[key]))
        if found or release is None:
            problems.extend(found)
        else:
            releases.append(release)
    if problems:
        raise ScheduleRefused(problems)
    if releases:
        service.announce_all(session, next(iter(allowed.values())), releases, now)
    return [release.id for release in releases]


def _example_row(statistic: Statistic | None, now: datetime, yes: str) -> list[str]:
    """An exact date five months ahead (so it is on time), for last month's figures at that time."""
    ahead = in_oslo(now).date() + timedelta(days=150)
    release = ahead.replace(day=10)
    period = (release.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = (period + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    nb = f"{MONTHS_NB[period.month - 1]} {period.year}"
    en = f"{MONTHS_EN[period.month - 1]} {period.year}"
    slug, name_nb, name_en = (
        (statistic.slug, statistic.name_nb, statistic.name_en)
        if statistic is not None
        else ("kpi", "Konsumprisindeksen", "Consumer price index")
    )
    return [
        slug,
        f"{name_nb}, {nb}",
        f"{name_en}, {en}",
        Kind.NEW_FIGURES.value,
        period.isoformat(),
        end.isoformat(),
        nb,
        en,
        f"{release.isoformat()} 08:00",
        Precision.EXACT.value,
        yes,
        "",
        "",
        "",
        "",
    ]


def template_csv(statistic: Statistic | None, now: datetime, lang: str) -> bytes:
    """The template a producer fills in: the header and one example row (one of their statistics),
    in the form the import reads.

    For nb it is what Norwegian Excel opens into columns when double-clicked: ``;`` between cells
    (Excel splits on the system's list separator, which is ``;`` where the decimal sign is a comma),
    and UTF-8 with a byte-order mark (without one Excel reads the file as Windows-1252, and «ø»
    becomes «Ã¸»). For en it is comma-separated, the list separator of English Excel. Lines end in
    CRLF, as Excel writes them. Yes is «ja»: Norwegian Excel would turn TRUE into SANN."""
    out = io.StringIO()
    delimiter, yes = (";", "ja") if lang == "nb" else (",", "yes")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(_example_row(statistic, now, yes))
    return "\ufeff".encode() + out.getvalue().encode()


def example_csv(now: datetime) -> str:
    """A two-row example for producers to start from: the template's row (an exact date five months
    ahead, so it is on time) and a provisional month after it."""
    first = _example_row(None, now, "true")
    period = date.fromisoformat(first[5]) + timedelta(days=1)
    end = (period + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    release = (date.fromisoformat(first[8][:10]).replace(day=1) + timedelta(days=32)).replace(day=1)
    nb = f"{MONTHS_NB[period.month - 1]} {period.year}"
    en = f"{MONTHS_EN[period.month - 1]} {period.year}"
    second = [
        "kpi",
        f"Konsumprisindeksen, {nb}",
        f"Consumer price index, {en}",
        Kind.NEW_FIGURES.value,
        period.isoformat(),
        end.isoformat(),
        nb,
        en,
        f"{release.isoformat()} 08:00",
        Precision.MONTH.value,
        "false",
        "",
        "",
        "",
        "",
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([CSV_COLUMNS, first, second])
    return out.getvalue()
