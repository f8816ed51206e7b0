"""A year's schedule from CSV or JSON, in one transaction: a bad row rejects the whole file, and the
answer lists every error by row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, Permission, ensure_permission
from portal.kernel.errors import BadRequest, FieldError, PortalError
from portal.kernel.parsing import checked_rows, parse_json
from portal.programme.models import Statistic
from release_calendar import service
from release_calendar.models import Release
from release_calendar.rules import oslo_instant
from release_calendar.schemas import ReleaseCreate

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
)
REQUIRED_COLUMNS = CSV_COLUMNS[:9]
MAX_ROWS = 5000


#: The delimiters a schedule file's header line is searched for, in the order that breaks a tie.
CSV_DELIMITERS = (",", ";", "\t")


def csv_delimiter(text: str) -> str:
    """The delimiter of a CSV file, from its header line: whichever of ``,`` ``;`` and tab that
    line holds most of (Norwegian Excel writes ``;``); ``,`` when it holds none."""
    header = text.split("\n", 1)[0]
    counts = [header.count(delimiter) for delimiter in CSV_DELIMITERS]
    return CSV_DELIMITERS[counts.index(max(counts))]


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=csv_delimiter(text))
    missing = set(REQUIRED_COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise BadRequest(
            "The CSV header lacks: " + ", ".join(sorted(missing)),
            (FieldError("row 1", "missing columns " + ", ".join(sorted(missing))),),
        )
    unknown = set(reader.fieldnames or []) - set(CSV_COLUMNS)
    if unknown:
        raise BadRequest(
            "Unknown CSV columns: " + ", ".join(sorted(unknown)),
            (FieldError("row 1", "unknown columns " + ", ".join(sorted(unknown))),),
        )
    rows = []
    for number, raw in enumerate(checked_rows(reader, "The schedule"), start=2):
        row: dict[str, Any] = {
            k: v.strip() for k, v in raw.items() if k and v is not None and v.strip()
        }
        if "confirmed" in row:
            row["confirmed"] = row["confirmed"].lower() in {"true", "ja", "yes", "1"}
        rows.append((number, row))
    return rows


def _release_at(value: Any) -> Any:
    """A time without a zone in a schedule file is Oslo wall time; one with a zone is taken as is."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is None:
            return oslo_instant(moment).isoformat()
    return value


@dataclass(frozen=True)
class ParsedSchedule:
    rows: list[tuple[int, ReleaseCreate]]
    errors: list[FieldError]


def parse(body: bytes, content_type: str) -> ParsedSchedule:
    """Rows of a schedule file, each validated, with the errors of the rows that were not valid.
    Raises BadRequest when the file as a whole cannot be read."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        if content_type != "text/csv":
            raise BadRequest("The file is not UTF-8 text.") from None
        # Norwegian Excel's "CSV (semikolonseparert)" is Windows-1252; its "CSV UTF-8" has a BOM.
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            raise BadRequest("The file is not UTF-8 text.") from None
    if content_type == "text/csv":
        rows = _csv_rows(text)
    elif content_type == "application/json":
        data = parse_json(text, "The file")
        items = data.get("releases") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise BadRequest("Send a JSON list of releases, or an object with a 'releases' list.")
        rows = [(n, item) for n, item in enumerate(items, start=1)]
    else:
        raise BadRequest("Send the schedule as text/csv or application/json.")
    if not rows:
        raise BadRequest("The schedule has no rows.")
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"At most {MAX_ROWS} releases in one file.")
    parsed: list[tuple[int, ReleaseCreate]] = []
    errors: list[FieldError] = []
    for number, row in rows:
        if not isinstance(row, dict):
            errors.append(FieldError(f"row {number}", "not an object"))
            continue
        row = {**row, "release_at": _release_at(row.get("release_at"))}
        try:
            # Lax here: CSV cells are text, so "2027-03-01" must become a date.
            parsed.append((number, ReleaseCreate.model_validate(row, strict=False)))
        except ValidationError as exc:
            errors.extend(
                FieldError(f"row {number}", f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
                for e in exc.errors()
            )
    return ParsedSchedule(parsed, errors)


def import_schedule(
    session: Session, actor: Actor | None, schedule: ParsedSchedule, now: datetime
) -> list[int]:
    """Announce every row or none. The whole file is checked first, without writing (its statistics
    read in one query); then every release is written in one flush, so the database's write lock is
    held for that flush and the commit only (issue 16: a row at a time, in savepoints, a 5,000-row
    file took 35 ms a row and every other writer waited). Raises BadRequest listing each refused row,
    Unauthorized, Forbidden (a statistic of another producer)."""
    errors: list[FieldError] = list(schedule.errors)
    slugs = {row.statistic for _, row in schedule.rows}
    statistics = {
        s.slug: s for s in session.scalars(select(Statistic).where(Statistic.slug.in_(slugs)))
    }
    allowed: dict[int, Actor] = {}
    releases: list[Release] = []
    for number, row in schedule.rows:
        try:
            statistic = statistics.get(row.statistic)
            if statistic is None:
                raise service.unknown_statistic(row.statistic)
            if statistic.producer_id not in allowed:
                allowed[statistic.producer_id] = ensure_permission(
                    actor, Permission.RELEASE_WRITE, statistic.producer_id
                )
            announcement = service.Announcement(
                **row.model_dump(exclude={"kind", "precision"}),
                kind=row.kind,
                precision=row.precision,
            )
            releases.append(service.new_release(statistic, announcement, now))
        except PortalError as error:
            if error.status in (401, 403):
                raise
            errors.append(FieldError(f"row {number}", error.detail))
    if errors:
        errors.sort(key=lambda e: int(e.pointer.split()[-1]))
        refused = len({e.pointer for e in errors})
        raise BadRequest(f"{refused} row(s) refused; nothing was saved.", tuple(errors))
    if releases:
        service.announce_all(session, next(iter(allowed.values())), releases, now)
    return [release.id for release in releases]


def example_csv(now: datetime) -> str:
    """A two-row example for producers to start from: an exact date five months ahead (so it is on
    time) and a provisional month after it."""
    from datetime import timedelta

    from portal.kernel.clock import in_oslo
    from release_calendar.rules import MONTHS_EN, MONTHS_NB

    ahead = in_oslo(now).date() + timedelta(days=150)
    first = ahead.replace(day=10)
    ref = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    later = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for period, release, precision, confirmed in (
        (ref, first, "exact", "true"),
        (first.replace(day=1), later, "month", "false"),
    ):
        nb, en = (
            f"{MONTHS_NB[period.month - 1]} {period.year}",
            f"{MONTHS_EN[period.month - 1]} {period.year}",
        )
        end = (period + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        writer.writerow(
            [
                "kpi",
                f"Konsumprisindeksen, {nb}",
                f"Consumer price index, {en}",
                "new-figures",
                period.isoformat(),
                end.isoformat(),
                nb,
                en,
                f"{release.isoformat()} 08:00",
                precision,
                confirmed,
                "",
                "",
                "",
            ]
        )
    return out.getvalue()
