"""The Klass codes pipeline as plain functions: ranges, merging across versions, level and code
selection, presentation names, CSV. See Klass's API guide, data.ssb.no/api/klass/v1/api-guide.html"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from portal.kernel.errors import BadRequest, FieldError


@dataclass(frozen=True)
class ItemRow:
    """One item of one version, in one language."""

    code: str
    parent_code: str | None
    level: int
    name: str
    short_name: str
    notes: str
    valid_from: date | None  # the item's own validity, when the classification records it
    valid_to: date | None


@dataclass(frozen=True)
class VersionRows:
    valid_from: date
    valid_to: date | None
    items: Sequence[ItemRow]


@dataclass(frozen=True)
class CodeRow:
    code: str
    parent_code: str | None
    level: str
    name: str
    short_name: str
    presentation_name: str
    valid_from: date | None
    valid_to: date | None
    in_range_from: date
    in_range_to: date | None
    notes: str


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Half-open ranges [start, end) and [other_start, other_end); None is open-ended."""
    return (end is None or other_start < end) and (other_end is None or start < other_end)


def _later(a: date, b: date) -> date:
    return max(a, b)


def earlier(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def codes_in_range(versions: Iterable[VersionRows], start: date, end: date | None) -> list[CodeRow]:
    """Every item valid somewhere in [start, end), clipped to it; identical rows (code, name, level) of
    adjacent versions merged into one; sorted by code."""
    if end is not None and start >= end:
        raise BadRequest("", (FieldError.said("from", "klass.field.before_to"),)).said(
            "klass.range", start=start, end=end
        )
    rows: list[CodeRow] = []
    for version in sorted(versions, key=lambda v: v.valid_from):
        if not overlaps(start, end, version.valid_from, version.valid_to):
            continue
        for item in version.items:
            lo = (
                version.valid_from
                if item.valid_from is None
                else _later(version.valid_from, item.valid_from)
            )
            hi = earlier(version.valid_to, item.valid_to)
            if not overlaps(start, end, lo, hi):
                continue
            rows.append(
                CodeRow(
                    code=item.code,
                    parent_code=item.parent_code,
                    level=str(item.level),
                    name=item.name,
                    short_name=item.short_name,
                    presentation_name="",
                    valid_from=item.valid_from,
                    valid_to=item.valid_to,
                    in_range_from=_later(start, lo),
                    in_range_to=earlier(end, hi),
                    notes=" ".join(item.notes.split()),
                )
            )
    merged: dict[tuple[str, str, str], CodeRow] = {}
    result: list[CodeRow] = []
    for row in rows:
        key = (row.code, row.name, row.level)
        previous = merged.get(key)
        if previous is not None and previous.in_range_to == row.in_range_from:
            joined = replace(previous, in_range_to=row.in_range_to, parent_code=row.parent_code)
            result[result.index(previous)] = joined
            merged[key] = joined
        else:
            merged[key] = row
            result.append(row)
    return sorted(result, key=lambda r: (r.code, r.in_range_from))


_SELECT_ALLOWED = re.compile(r"^[\w,.\-* ]*$")


def parse_select_codes(raw: str | None) -> list[tuple[str, str, str | None]]:
    """``selectCodes`` as (kind, a, b) parts: ("exact", code, None), ("prefix", start, None) or
    ("range", low, high). Raises BadRequest as Klass does for too long or illegal input."""
    if not raw:
        return []
    if len(raw) > 200:
        raise BadRequest("", (FieldError.said("selectCodes", "klass.field.select_long"),)).said(
            "klass.select_long"
        )
    if not _SELECT_ALLOWED.match(raw):
        raise BadRequest("", (FieldError.said("selectCodes", "klass.field.select_chars"),)).said(
            "klass.select_chars"
        )
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 20:
        raise BadRequest("", (FieldError.said("selectCodes", "klass.field.select_many"),)).said(
            "klass.select_many"
        )
    parsed: list[tuple[str, str, str | None]] = []
    for part in parts:
        if "-" in part:
            low, _, high = part.partition("-")
            # Invalid range parts are ignored, as Klass does.
            if re.fullmatch(r"[\d*]+", low) and re.fullmatch(r"[\d*]+", high):
                parsed.append(("range", low.replace("*", ""), high.replace("*", "")))
        elif part.endswith("*"):
            parsed.append(("prefix", part.rstrip("*"), None))
        else:
            parsed.append(("exact", part, None))
    return parsed


def code_selected(code: str, parts: Sequence[tuple[str, str, str | None]]) -> bool:
    if not parts:
        return True
    for kind, a, b in parts:
        if kind == "exact" and code == a:
            return True
        if kind == "prefix" and code.startswith(a):
            return True
        if kind == "range" and b is not None and code >= a and (code <= b or code.startswith(b)):
            return True
    return False


def presentation_name(pattern: str | None, row: CodeRow) -> str:
    """Klass's text substitution: {code}, {name}, {shortname} and lowercase/uppercase/capitalize(x)."""
    if not pattern:
        return ""
    values = {"code": row.code, "name": row.name, "shortname": row.short_name}
    text = pattern
    for key, value in values.items():
        text = text.replace(f"{{lowercase({key})}}", value.lower())
        text = text.replace(f"{{uppercase({key})}}", value.upper())
        text = text.replace(f"{{capitalize({key})}}", value[:1].upper() + value[1:].lower())
        text = text.replace(f"{{{key}}}", value)
    return text


def select(
    rows: Iterable[CodeRow], *, level: str | None, select_codes: str | None, pattern: str | None
) -> list[CodeRow]:
    """Filter by level and selectCodes, then fill presentation names."""
    parts = parse_select_codes(select_codes)
    return [
        replace(row, presentation_name=presentation_name(pattern, row))
        for row in rows
        if (not level or row.level == level) and code_selected(row.code, parts)
    ]


def to_csv(columns: Sequence[str], records: Iterable[Mapping[str, object]], separator: str) -> str:
    """Klass's CSV: a quoted header, every string quoted, nulls empty and unquoted, '\\n' line ends."""
    if len(separator) != 1:
        raise BadRequest("", (FieldError.said("csvSeparator", "klass.field.separator"),)).said(
            "klass.separator"
        )

    def cell(value: object) -> str:
        if value is None:
            return ""
        text = (
            str(value).replace('"', "'") if not isinstance(value, str) else value.replace('"', "'")
        )
        return f'"{text}"'

    lines = [separator.join(f'"{c}"' for c in columns)]
    lines += [separator.join(cell(record.get(c)) for c in columns) for record in records]
    return "\n".join(lines) + "\n"
