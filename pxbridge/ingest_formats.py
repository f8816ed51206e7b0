"""Tables from inputs other than PX: a JSON-stat 2.0 dataset, or a long CSV with a JSON sidecar.

Both build the same :class:`pxbridge.px.PxTable` that :func:`pxbridge.px.parse_px` builds, so the
rest of the bridge (store, writers, PxWebApi) never knows where a table came from. Cells are the
float64 array of :mod:`pxbridge.cells`, data symbols in NaN payloads. Bulk work is numpy: a dense
JSON-stat value list is converted in one call and CSV codes are mapped to positions column by
column, so Python runs per cell only on the error path and for sparse values.

What a PxTable cannot hold is dropped: the ``geo`` role (the store infers it from the variable
code), and a status symbol on a cell that has a number (the number is kept).

Every problem is a :class:`portal.errors.BadRequest` whose ``errors`` point at the input: a JSON
pointer (``/dimension/Tid/category``) into JSON, ``line N`` into the CSV. At most
:data:`MAX_ERRORS` are listed.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeGuard

import numpy as np
import orjson
from numpy.typing import NDArray

from portal.errors import BadRequest, FieldError
from pxbridge import cells, json_cells
from pxbridge.px import ContentsValue, PxTable, Variable
from pxbridge.px_tokens import normalise_lang

MAX_ERRORS = 20
_CHUNK_CELLS = 1 << 20
ROLES = ("time", "metric", "geo")
TIME_SCALES = ("A", "H", "Q", "M", "W")
SHOWS = ("code", "value", "code_value")
_SYMBOL_CELLS = {symbol: cells.encode(symbol) for symbol in cells.SYMBOLS}
_SYMBOL_NUMBER = {symbol: k for k, symbol in enumerate(cells.SYMBOLS)}
_SYMBOL_ARRAY = np.array([_SYMBOL_CELLS[symbol] for symbol in cells.SYMBOLS], dtype=np.float64)
# Period codes as Statistics Norway writes them (2024, 2024H1, 2024K1/Q1, 2024M01, 2024U01/W01).
_SCALE_PATTERNS = (
    ("A", re.compile(r"^\d{4}$")),
    ("H", re.compile(r"^\d{4}[HS][12]$", re.IGNORECASE)),
    ("Q", re.compile(r"^\d{4}[KQ][1-4]$", re.IGNORECASE)),
    ("M", re.compile(r"^\d{4}M(0[1-9]|1[0-2])$", re.IGNORECASE)),
    ("W", re.compile(r"^\d{4}[UW]\d{2}$", re.IGNORECASE)),
)


class _Problems:
    """Field errors collected up to :data:`MAX_ERRORS` (the rest only counted), then raised."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.found: list[FieldError] = []
        self.more = 0

    def add(self, pointer: str, detail: str) -> None:
        if len(self.found) < MAX_ERRORS:
            self.found.append(FieldError(pointer, detail))
        else:
            self.more += 1

    def uncounted(self, listed: int, found: int) -> None:
        """Count problems found in bulk of which only ``listed`` were added."""
        self.more += max(0, found - listed)

    def error(self) -> BadRequest:
        first = self.found[0]
        extra = ""
        if self.more:
            extra = f" ({len(self.found) + self.more} problems; the first {MAX_ERRORS} are listed)"
        return BadRequest(
            f"The {self.what} is invalid at {first.pointer}: {first.detail}.{extra}",
            tuple(self.found),
        )

    def fail(self, pointer: str, detail: str) -> BadRequest:
        self.add(pointer, detail)
        return self.error()

    def check(self) -> None:
        if self.found:
            raise self.error()


def _ptr(*parts: object) -> str:
    """An RFC 6901 JSON pointer from its reference tokens."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _load_json(data: bytes, problems: _Problems) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise problems.fail(
            "", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def infer_time_scale(codes: Sequence[str]) -> str:
    """The PX time scale (A, H, Q, M, W) the period codes are written in; "A" when none fits.

    "A" is the safe fallback: PX then lists the codes as they are (``TLIST(A1),"…"``).
    """
    for scale, pattern in _SCALE_PATTERNS:
        if codes and all(pattern.match(c) for c in codes):
            return scale
    return "A"


def _decimals_needed(values: NDArray[np.float64], most: int = 6) -> int:
    """The fewest decimals (up to ``most``) that write every number without rounding it away.

    Used when the input says nothing: PX text has a fixed number of decimals per cell, and
    guessing too few would silently round the data. A chunk of cells at a time: each test makes
    several arrays the size of what it tests (issue 16).
    """
    needed = 0
    for start in range(0, values.size, _CHUNK_CELLS):
        part = values[start : start + _CHUNK_CELLS]
        numbers = part[np.isfinite(part)]
        tolerance = 1e-9 * np.maximum(1.0, np.abs(numbers))
        while needed < most and not bool(
            np.all(np.abs(np.round(numbers, needed) - numbers) <= tolerance)
        ):
            needed += 1
    return needed


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass, but true is no count of decimals.
    return isinstance(value, int) and not isinstance(value, bool)


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "true", "no", "false"}:
        return value.strip().lower() in {"yes", "true"}
    raise ValueError(value)


def _flag(doc: Mapping[str, Any], key: str, pointer: str, problems: _Problems) -> bool | None:
    """``doc[key]`` as yes/no (None when absent); a problem at ``pointer`` when it is neither."""
    if doc.get(key) is None:
        return None
    try:
        return _yes_no(doc[key])
    except ValueError:
        problems.add(pointer, "expected true or false")
        return None


def _str_list(raw: object, pointer: str, problems: _Problems) -> tuple[str, ...]:
    """A note: one string or a list of strings."""
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    problems.add(pointer, "expected a string or a list of strings")
    return ()


def _updated(raw: object, pointer: str, problems: _Problems) -> datetime | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            # An ISO 8601 time without an offset is taken as UTC, JSON-stat's own convention.
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    problems.add(pointer, 'expected an ISO 8601 date and time like "2024-01-15T08:00:00Z"')
    return None


def _placement(
    ids: Sequence[str], stub: object, heading: object, pointer: str, problems: _Problems
) -> tuple[list[str], list[str]]:
    """Stub and heading: as given (the other taking the rest), else all but the last id in the
    stub and the last in the heading."""
    if stub is None and heading is None:
        return list(ids[:-1]), list(ids[-1:])
    given: dict[str, list[str]] = {}
    for name, raw in (("stub", stub), ("heading", heading)):
        if raw is None:
            continue
        if not isinstance(raw, list) or not all(isinstance(x, str) and x in ids for x in raw):
            problems.add(f"{pointer}/{name}", "expected a list of dimension ids")
            return list(ids[:-1]), list(ids[-1:])
        given[name] = list(raw)
    stub_ids = given.get("stub")
    heading_ids = given.get("heading")
    if stub_ids is None:
        stub_ids = [i for i in ids if i not in (heading_ids or [])]
    if heading_ids is None:
        heading_ids = [i for i in ids if i not in stub_ids]
    named = stub_ids + heading_ids
    if sorted(named) != sorted(ids):
        problems.add(f"{pointer}/stub", "stub and heading must name every dimension exactly once")
        return list(ids[:-1]), list(ids[-1:])
    return stub_ids, heading_ids


# --------------------------------------------------------------------------------------------
# JSON-stat 2.0


def _category(
    dimension: object, pointer: str, problems: _Problems
) -> tuple[list[str], list[str], dict[str, Any]] | None:
    """(codes in index order, their labels, the category object) or None after adding problems."""
    if not isinstance(dimension, dict):
        problems.add(pointer, "expected an object")
        return None
    category = dimension.get("category")
    where = f"{pointer}/category"
    if not isinstance(category, dict):
        problems.add(where, "expected an object with index and label")
        return None
    index, label = category.get("index"), category.get("label")
    codes: list[str]
    if index is None:
        # JSON-stat lets a single-category dimension give only its label.
        if isinstance(label, dict) and len(label) == 1:
            codes = list(label)
        else:
            problems.add(f"{where}/index", "missing (only a single category may leave it out)")
            return None
    elif isinstance(index, list):
        if not all(isinstance(c, str) for c in index) or len(set(index)) != len(index):
            problems.add(f"{where}/index", "expected a list of distinct strings")
            return None
        codes = list(index)
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(_is_int(p) for p in positions) or sorted(positions) != list(range(len(index))):
            problems.add(f"{where}/index", "positions must be 0, 1, … each used once")
            return None
        codes = sorted(index, key=index.__getitem__)
    else:
        problems.add(f"{where}/index", "expected a list or an object")
        return None
    if label is None:
        return codes, list(codes), category
    if not isinstance(label, dict) or not all(isinstance(t, str) for t in label.values()):
        problems.add(f"{where}/label", "expected an object of strings")
        return None
    known = set(codes)
    extra = [c for c in label if c not in known]
    for code in extra:
        problems.add(where + _ptr("label", code), "not in category.index")
    missing = [c for c in codes if c not in label]
    if missing:
        problems.add(f"{where}/label", f"no label for {', '.join(missing[:5])}")
    if extra or missing:
        return None
    return codes, [label[c] for c in codes], category


def _dense(
    raw: list[Any], problems: _Problems, offset: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """A dense value list (from cell ``offset`` on) as cells and the mask of nulls."""
    kinds = set(map(type, raw))
    if kinds <= {int, float, type(None)}:
        try:
            # None becomes NaN, and JSON has no NaN of its own, so the NaNs are exactly the nulls.
            values = np.array(raw, dtype=np.float64)
        except (OverflowError, ValueError, TypeError):
            pass
        else:
            return values, np.isnan(values)
    values = np.empty(len(raw), dtype=np.float64)
    null = np.zeros(len(raw), dtype=np.bool_)
    for i, value in enumerate(raw):
        values[i] = _cell(value, _ptr("value", offset + i), problems)
        null[i] = value is None
    return values, null


def _piece_values(
    data: bytes, piece: json_cells.Piece, total: int, problems: _Problems
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The cells of a ``value`` cut out of the document (:mod:`pxbridge.json_cells`), read a chunk
    at a time into arrays of ``total`` cells. Raises BadRequest for a dense list of another length,
    and json_cells.Unreadable."""
    if not piece.is_list:
        values = np.full(total, math.nan, dtype=np.float64)
        for entries in json_cells.chunks(data, piece):
            _sparse_into(values, entries, problems)
        return values, _sparse_nulls(values)
    values = np.empty(total, dtype=np.float64)
    null = np.empty(total, dtype=np.bool_)
    found = _Problems(problems.what)
    count = 0
    for entries in json_cells.chunks(data, piece):
        if count + len(entries) <= total:
            part = slice(count, count + len(entries))
            values[part], null[part] = _dense(entries, found, offset=count)
        count += len(entries)
    if count != total:
        raise problems.fail("/value", f"{count} values but size gives {total} cells")
    for error in found.found:
        problems.add(error.pointer, error.detail)
    problems.more += found.more
    return values, null


def _cell(value: object, pointer: str, problems: _Problems) -> float:
    """One JSON-stat value as a cell: a number, null (NaN), or a string that is a data symbol."""
    if value is None:
        return math.nan
    if isinstance(value, str) and value in _SYMBOL_CELLS:
        return _SYMBOL_CELLS[value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    problems.add(pointer, f"expected a number or null, not {orjson.dumps(value).decode()[:40]}")
    return math.nan


def _sparse(
    raw: dict[str, Any], total: int, problems: _Problems
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    values = np.full(total, math.nan, dtype=np.float64)
    _sparse_into(values, raw, problems)
    return values, _sparse_nulls(values)


def _sparse_into(values: NDArray[np.float64], raw: dict[str, Any], problems: _Problems) -> None:
    total = values.size
    for key, value in raw.items():
        position = int(key) if key.isdigit() else -1
        if not 0 <= position < total:
            problems.add(_ptr("value", key), f"not a cell position 0 … {total - 1}")
            continue
        values[position] = _cell(value, _ptr("value", key), problems)


def _sparse_nulls(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    null = np.isnan(values)
    # A symbol given as a value string is a NaN too, but not a null to fill from status.
    null &= (values.view(np.uint64) & np.uint64(0xFF)) == 0
    return null


def _symbol(raw: object, pointer: str, problems: _Problems) -> str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw in _SYMBOL_CELLS:
        return raw
    problems.add(pointer, f"{raw!r} is not a data symbol ({' '.join(cells.SYMBOLS)})")
    return None


def _apply_status(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: object,
    total: int,
    problems: _Problems,
    data: bytes = b"",
) -> None:
    """Null cells take their status symbol, or ".." without one. ``data`` is the document, for a
    status cut out of it (:mod:`pxbridge.json_cells`); raises json_cells.Unreadable."""
    values[null] = _SYMBOL_CELLS[".."]
    if status is None:
        return
    if isinstance(status, str):
        symbol = _symbol(status, "/status", problems)
        if symbol is not None:
            values[null] = _SYMBOL_CELLS[symbol]
    elif isinstance(status, list):
        if len(status) != total:
            problems.add("/status", f"{len(status)} entries but there are {total} cells")
            return
        _status_list(values, null, status, 0, problems, {})
    elif isinstance(status, dict):
        _status_object(values, null, status, problems)
    elif isinstance(status, json_cells.Piece) and status.is_list:
        count = 0
        known: dict[str, str | None] = {}
        for entries in json_cells.chunks(data, status):
            part = slice(count, count + len(entries))
            if part.stop <= total:
                _status_list(values[part], null[part], entries, count, problems, known)
            count += len(entries)
        if count != total:
            problems.add("/status", f"{count} entries but there are {total} cells")
    elif isinstance(status, json_cells.Piece):
        for entries in json_cells.chunks(data, status):
            _status_object(values, null, entries, problems)
    else:
        problems.add("/status", "expected a string, a list or an object")


def _status_list(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: list[Any],
    offset: int,
    problems: _Problems,
    known: dict[str, str | None],
) -> None:
    """A status list's entries for the cells from ``offset`` on (``values`` and ``null`` are theirs);
    ``known`` carries the strings already checked, so each bad one is reported once."""
    # fromiter keeps a 1-D array even if an entry is itself a list.
    listed = np.fromiter(status, dtype=object, count=len(status))
    for raw in sorted({s for s in status if isinstance(s, str)}):
        mask = listed == raw
        if raw not in known:
            at = _ptr("status", offset + int(np.flatnonzero(mask)[0]))
            known[raw] = _symbol(raw, at, problems)
        symbol = known[raw]
        if symbol is not None:
            values[mask & null] = _SYMBOL_CELLS[symbol]
    if not set(map(type, status)) <= {str, type(None)}:
        for i, raw in enumerate(status):
            if raw is not None and not isinstance(raw, str):
                problems.add(_ptr("status", offset + i), "expected a data symbol or null")


def _status_object(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: dict[str, Any],
    problems: _Problems,
) -> None:
    total = values.size
    for key, raw in status.items():
        position = int(key) if key.isdigit() else -1
        if not 0 <= position < total:
            problems.add(_ptr("status", key), f"not a cell position 0 … {total - 1}")
            continue
        symbol = _symbol(raw, _ptr("status", key), problems)
        if symbol is not None and null[position]:
            values[position] = _SYMBOL_CELLS[symbol]


def parse_jsonstat(data: bytes, *, max_cells: int, table_id: str | None = None) -> PxTable:
    """A :class:`PxTable` from a JSON-stat 2.0 dataset (UTF-8 JSON).

    Reads ``id``, ``size``, ``dimension`` (``category.index`` as list or object, ``label``,
    ``note``, ``unit`` on the metric dimension, ``extension.elimination``/``eliminationValueCode``/
    ``show``), ``role`` (time sets the PX time scale from the codes, metric makes the contents
    variable), ``value`` (dense list or sparse object), ``status`` (string, list or object),
    ``label``, ``source``, ``updated``, ``note`` and ``extension.px`` (matrix, tableid, language,
    decimals, official-statistics, aggregallowed, subject-code, stub, heading). A null cell becomes its status
    symbol, or ".." without one. The table id is ``table_id``, else ``extension.px.tableid``, else
    the matrix; the matrix is ``extension.px.matrix``, else the table id. Without
    ``extension.px.stub``/``heading`` every dimension but the last is in the stub.

    Raises BadRequest pointing into the document for invalid JSON (line and column in the detail),
    a non-dataset, bad or mismatched ``id``/``size``, a missing dimension, category index/label
    mismatches, more than ``max_cells`` cells (checked before any cell is built), a value list
    whose length is not the product of ``size``, a sparse key or status key out of range, a
    non-numeric value, a status that is not a data symbol, or no table id.

    The cells (``value``, ``status``) are cut out of the bytes and read after ``size`` is checked,
    a chunk at a time (:mod:`pxbridge.json_cells`; issue 16).
    """
    problems = _Problems("JSON-stat dataset")
    try:
        doc = json_cells.load(data)
    except orjson.JSONDecodeError:
        doc = _load_json(data, problems)  # raises, naming the line and column
    try:
        return _dataset(doc, data, problems, max_cells=max_cells, table_id=table_id)
    except json_cells.Unreadable:
        # A piece whose chunks are not JSON on their own: parsed whole, the document says where
        # it is invalid (or is valid after all, with a comma inside a string).
        problems = _Problems("JSON-stat dataset")
        doc = _load_json(data, problems)
        return _dataset(doc, data, problems, max_cells=max_cells, table_id=table_id)


def _dataset(
    doc: Any, data: bytes, problems: _Problems, *, max_cells: int, table_id: str | None
) -> PxTable:
    """:func:`parse_jsonstat` on the parsed document ``doc`` of ``data``."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise problems.fail("/class", 'expected a JSON-stat 2.0 dataset ("class": "dataset")')
    extension = doc.get("extension")
    extension = extension if isinstance(extension, dict) else {}
    px = extension.get("px")
    px = px if isinstance(px, dict) else {}

    ids, size = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        problems.add("/id", "expected a non-empty list of dimension ids")
    elif len(set(ids)) != len(ids):
        problems.add("/id", "dimension ids must be distinct")
    if not isinstance(size, list) or not all(_is_int(s) and s >= 0 for s in size):
        problems.add("/size", "expected a list of whole numbers")
    problems.check()
    assert isinstance(ids, list) and isinstance(size, list)
    if len(ids) != len(size):
        raise problems.fail("/size", f"{len(size)} sizes for {len(ids)} ids")
    total = math.prod(size)
    if total > max_cells:
        raise problems.fail("/size", f"{total} cells is more than the limit of {max_cells}")
    dimensions = doc.get("dimension")
    if not isinstance(dimensions, dict):
        raise problems.fail("/dimension", "expected an object with one entry per id")

    language = px.get("language")
    lang = normalise_lang(language) if isinstance(language, str) and language.strip() else "nb"
    roles: dict[str, list[str]] = {}
    role = doc.get("role")
    if isinstance(role, dict):
        for name, listed in role.items():
            if name not in ROLES or not isinstance(listed, list):
                problems.add(_ptr("role", name), "expected time, metric or geo: a list of ids")
                continue
            for k, dim_id in enumerate(listed):
                if dim_id not in ids:
                    problems.add(_ptr("role", name, k), "not a dimension id")
            roles[name] = [d for d in listed if d in ids]
    elif role is not None:
        problems.add("/role", "expected an object")
    for name in ("time", "metric"):
        if len(roles.get(name, [])) > 1:
            problems.add(_ptr("role", name), f"a PX table has at most one {name} dimension")
    time_id = next(iter(roles.get("time", [])), None)
    metric_id = next(iter(roles.get("metric", [])), None)

    decimals_raw = px.get("decimals")
    if decimals_raw is not None and not (_is_int(decimals_raw) and 0 <= decimals_raw <= 15):
        problems.add("/extension/px/decimals", "expected a whole number 0 … 15")
        decimals_raw = None

    variables: list[Variable] = []
    units_of: dict[str, dict[str, Any]] = {}
    for position, dim_id in enumerate(ids):
        pointer = _ptr("dimension", dim_id)
        dimension = dimensions.get(dim_id)
        if dimension is None:
            problems.add(pointer, "missing: every id needs a dimension")
            continue
        found = _category(dimension, pointer, problems)
        if found is None:
            continue
        codes, labels, category = found
        if len(codes) != size[position]:
            problems.add(
                _ptr("size", position),
                f"{size[position]}, but {dim_id} has {len(codes)} categories",
            )
            continue
        dim_extension = dimension.get("extension")
        dim_extension = dim_extension if isinstance(dim_extension, dict) else {}
        elimination = dim_extension.get("elimination", False)
        if not isinstance(elimination, bool):
            problems.add(f"{pointer}/extension/elimination", "expected true or false")
            elimination = False
        elimination_code = dim_extension.get("eliminationValueCode")
        if elimination_code is not None and elimination_code not in codes:
            problems.add(f"{pointer}/extension/eliminationValueCode", "not a category of this id")
            elimination_code = None
        show = dim_extension.get("show", "value")
        label = dimension.get("label", dim_id)
        if not isinstance(label, str):
            problems.add(f"{pointer}/label", "expected a string")
            label = dim_id
        notes = dimension.get("note")
        value_notes: dict[str, tuple[str, ...]] = {}
        category_notes = category.get("note")
        if isinstance(category_notes, dict):
            for code, texts in category_notes.items():
                if code not in codes:
                    problems.add(
                        _ptr("dimension", dim_id, "category", "note", code), "no such code"
                    )
                    continue
                value_notes[code] = _str_list(
                    texts, _ptr("dimension", dim_id, "category", "note", code), problems
                )
        if dim_id == metric_id:
            unit = category.get("unit")
            if isinstance(unit, dict):
                units_of = {c: u for c, u in unit.items() if isinstance(u, dict)}
        variables.append(
            Variable(
                code=dim_id,
                labels={lang: label},
                codes=tuple(codes),
                value_labels={lang: tuple(labels)},
                elimination=elimination or elimination_code is not None,
                elimination_code=elimination_code,
                time_scale=infer_time_scale(codes) if dim_id == time_id else None,
                is_contents=dim_id == metric_id,
                show=show if show in SHOWS else "value",
                notes={lang: _str_list(notes, f"{pointer}/note", problems)} if notes else {},
                value_notes={lang: value_notes} if value_notes else {},
            )
        )
    problems.check()

    raw_values = doc.get("value")
    if isinstance(raw_values, json_cells.Piece):
        values, null = _piece_values(data, raw_values, total, problems)
    elif isinstance(raw_values, list):
        if len(raw_values) != total:
            raise problems.fail("/value", f"{len(raw_values)} values but size gives {total} cells")
        values, null = _dense(raw_values, problems)
    elif isinstance(raw_values, dict):
        values, null = _sparse(raw_values, total, problems)
    else:
        raise problems.fail("/value", "expected a list or an object of cells")
    problems.check()
    _apply_status(values, null, doc.get("status"), total, problems, data)

    matrix = px.get("matrix")
    chosen_id = table_id or px.get("tableid") or matrix
    if not isinstance(chosen_id, str) or not chosen_id.strip():
        problems.add("/extension/px/tableid", "no table id: give extension.px.tableid or matrix")
    official = _flag(px, "official-statistics", "/extension/px/official-statistics", problems)
    aggregallowed = _flag(px, "aggregallowed", "/extension/px/aggregallowed", problems)
    updated = _updated(doc.get("updated"), "/updated", problems)
    stub, heading = _placement(ids, px.get("stub"), px.get("heading"), "/extension/px", problems)
    title, source, note = doc.get("label"), doc.get("source"), doc.get("note")
    for key, text in (("label", title), ("source", source)):
        if text is not None and not isinstance(text, str):
            problems.add(_ptr(key), "expected a string")
    table_notes = _str_list(note, "/note", problems) if note is not None else ()
    contacts = extension.get("contact")
    contact = ""
    if isinstance(contacts, list):
        contact = "; ".join(c["raw"] for c in contacts if isinstance(c, dict) and c.get("raw"))
    subject = px.get("subject-code")
    problems.check()
    assert isinstance(chosen_id, str)

    decimals = decimals_raw if decimals_raw is not None else _decimals_needed(values)
    contents = _jsonstat_contents(variables, units_of, lang, decimals)
    order = [ids.index(c) for c in (*stub, *heading)]
    if order != sorted(order):
        values = cells.permute(values, size, order)
    return PxTable(
        matrix=matrix if isinstance(matrix, str) and matrix.strip() else chosen_id,
        table_id=chosen_id,
        language=lang,
        languages=(lang,),
        title={lang: title} if isinstance(title, str) else {},
        description={},
        contents={},
        units={},
        source={lang: source} if isinstance(source, str) else {},
        contact={lang: contact} if contact else {},
        notes={lang: table_notes} if table_notes else {},
        decimals=decimals,
        showdecimals=None,
        subject_code=subject if isinstance(subject, str) else "",
        subject_area={},
        official=official,
        updated=updated,
        codepage="utf-8",
        stub=tuple(stub),
        heading=tuple(heading),
        variables=tuple(variables[i] for i in order),
        contents_values=contents,
        symbols={symbol: symbol for symbol in cells.SYMBOLS},
        values=values,
        aggregallowed=aggregallowed,
    )


def _jsonstat_contents(
    variables: Sequence[Variable],
    units_of: Mapping[str, Mapping[str, Any]],
    lang: str,
    decimals: int,
) -> tuple[ContentsValue, ...]:
    contents_var = next((v for v in variables if v.is_contents), None)
    if contents_var is None:
        return (ContentsValue("", {}, decimals, None, {}, None, None),)
    out = []
    for code in contents_var.codes:
        unit = units_of.get(code, {})
        text = unit.get("label") or unit.get("base")
        places = unit.get("decimals")
        out.append(
            ContentsValue(
                code=code,
                units={lang: text} if isinstance(text, str) else {},
                decimals=places if _is_int(places) and 0 <= places <= 15 else decimals,
                last_updated=None,
                refperiod={},
                stockfa=None,
                cfprices=None,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------
# CSV with a JSON sidecar

_SIDECAR_KEYS = frozenset(
    {"table_id", "title", "source", "units", "notes", "official", "aggregallowed", "dimensions"}
    | {"value_column", "decimals"}
)
_DIMENSION_KEYS = frozenset(
    {"code", "label", "role", "elimination", "elimination_code", "time_scale", "values", "units"}
)
_VALUE_KEYS = frozenset({"code", "label"})
_UNIT_KEYS = frozenset({"decimals"})


class _Sidecar:
    """The sidecar read and checked: languages, the variables in order, and table texts."""

    def __init__(self, doc: object, problems: _Problems) -> None:
        self.problems = problems
        if not isinstance(doc, dict):
            raise problems.fail("", "expected a JSON object describing the table")
        for key in doc:
            if key not in _SIDECAR_KEYS:
                problems.add(_ptr(key), "unknown key")
        table_id = doc.get("table_id")
        if not isinstance(table_id, str) or not table_id.strip():
            problems.add("/table_id", "expected a non-empty string")
            table_id = ""
        self.table_id: str = table_id
        title = doc.get("title")
        if not isinstance(title, dict) or not title:
            raise problems.fail("/title", 'expected texts by language: {"nb": "…", "en": "…"}')
        langs = [normalise_lang(k) for k in title]
        self.language = "nb" if "nb" in langs else langs[0]
        self.languages = (self.language, *[x for x in langs if x != self.language])
        self.title = self.texts(title, "/title", "")
        self.source = self.texts(doc.get("source", {}), "/source", None)
        self.units = self.texts(doc.get("units", {}), "/units", None)
        self.notes: dict[str, tuple[str, ...]] = {}
        notes = doc.get("notes", {})
        if isinstance(notes, dict):
            for lang, texts in notes.items():
                self.notes[normalise_lang(lang)] = _str_list(texts, _ptr("notes", lang), problems)
        else:
            problems.add("/notes", "expected lists of notes by language")
        self.official = _flag(doc, "official", "/official", problems)
        self.aggregallowed = _flag(doc, "aggregallowed", "/aggregallowed", problems)
        value_column = doc.get("value_column", "value")
        if not isinstance(value_column, str) or not value_column.strip():
            problems.add("/value_column", "expected a column name")
            value_column = "value"
        self.value_column: str = value_column.strip()
        decimals = doc.get("decimals", 0)
        if not (_is_int(decimals) and 0 <= decimals <= 15):
            problems.add("/decimals", "expected a whole number 0 … 15")
            decimals = 0
        self.decimals: int = decimals
        self.variables: list[Variable] = []
        self.contents: tuple[ContentsValue, ...] = ()
        dimensions = doc.get("dimensions")
        if not isinstance(dimensions, list) or not dimensions:
            problems.add("/dimensions", "expected a non-empty list of dimensions")
            dimensions = []
        for position, dimension in enumerate(dimensions):
            self.dimension(position, dimension)
        codes = [v.code for v in self.variables]
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.add("/dimensions", f"dimension code {dup!r} is used more than once")
        if value_column in codes:
            problems.add("/value_column", "is also a dimension code")
        for role in ("time", "metric"):
            flagged = [v for v in self.variables if self._role(v) == role]
            if len(flagged) > 1:
                problems.add("/dimensions", f"a PX table has at most one {role} dimension")
        if not any(v.is_contents for v in self.variables):
            self.contents = (
                ContentsValue("", dict(self.units), self.decimals, None, {}, None, None),
            )

    @staticmethod
    def _role(variable: Variable) -> str | None:
        return "time" if variable.time_scale else "metric" if variable.is_contents else None

    def texts(self, raw: object, pointer: str, fallback: str | None) -> dict[str, str]:
        """Texts in every language of the table: a string for all, or an object by language
        whose missing languages take the default language's text (else ``fallback``)."""
        if isinstance(raw, str):
            return dict.fromkeys(self.languages, raw)
        if not isinstance(raw, dict) or not all(isinstance(t, str) for t in raw.values()):
            self.problems.add(pointer, "expected a string or texts by language")
            return {}
        given = {normalise_lang(k): t for k, t in raw.items()}
        for lang in given:
            if lang not in self.languages:
                self.problems.add(pointer + _ptr(lang), "not a language of title")
        default = given.get(self.language, fallback)
        out = {lang: given.get(lang, default) for lang in self.languages}
        return {lang: text for lang, text in out.items() if text is not None}

    def dimension(self, position: int, raw: object) -> None:
        problems = self.problems
        pointer = _ptr("dimensions", position)
        if not isinstance(raw, dict):
            problems.add(pointer, "expected an object")
            return
        for key in raw:
            if key not in _DIMENSION_KEYS:
                problems.add(_ptr("dimensions", position, key), "unknown key")
        code = raw.get("code")
        if not isinstance(code, str) or not code.strip():
            problems.add(f"{pointer}/code", "expected a non-empty string")
            return
        role = raw.get("role")
        if role is not None and role not in ROLES:
            problems.add(f"{pointer}/role", "expected time, metric, geo or null")
            role = None
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            problems.add(f"{pointer}/values", "expected a non-empty list of values")
            return
        codes: list[str] = []
        labels: dict[str, list[str]] = {lang: [] for lang in self.languages}
        for k, value in enumerate(values):
            where = f"{pointer}/values/{k}"
            if not isinstance(value, dict):
                problems.add(where, 'expected {"code": …, "label": …}')
                continue
            for key in value:
                if key not in _VALUE_KEYS:
                    problems.add(where + _ptr(key), "unknown key")
            value_code = value.get("code")
            if not isinstance(value_code, str) or not value_code:
                problems.add(f"{where}/code", "expected a non-empty string")
                continue
            if value_code in codes:
                problems.add(f"{where}/code", f"{value_code!r} is listed twice")
                continue
            codes.append(value_code)
            texts = self.texts(value.get("label", value_code), f"{where}/label", value_code)
            for lang in self.languages:
                labels[lang].append(texts.get(lang, value_code))
        if len(codes) != len(values):
            return
        elimination = raw.get("elimination", False)
        if not isinstance(elimination, bool):
            problems.add(f"{pointer}/elimination", "expected true or false")
            elimination = False
        elimination_code = raw.get("elimination_code")
        if elimination_code is not None and elimination_code not in codes:
            problems.add(f"{pointer}/elimination_code", "not one of the values' codes")
            elimination_code = None
        time_scale = raw.get("time_scale")
        if time_scale is not None and (role != "time" or time_scale not in TIME_SCALES):
            problems.add(f"{pointer}/time_scale", "A, H, Q, M or W, and only on the time role")
            time_scale = None
        if role == "time" and time_scale is None:
            time_scale = infer_time_scale(codes)
        units = raw.get("units")
        if units is not None and role != "metric":
            problems.add(f"{pointer}/units", "only the metric dimension has units")
        if role == "metric":
            self.contents = self.metric_units(codes, units, f"{pointer}/units")
        self.variables.append(
            Variable(
                code=code,
                labels=self.texts(raw.get("label", code), f"{pointer}/label", code),
                codes=tuple(codes),
                value_labels={lang: tuple(texts) for lang, texts in labels.items()},
                elimination=elimination or elimination_code is not None,
                elimination_code=elimination_code,
                time_scale=time_scale,
                is_contents=role == "metric",
                show="value",
                notes={},
                value_notes={},
            )
        )

    def metric_units(
        self, codes: Sequence[str], raw: object, pointer: str
    ) -> tuple[ContentsValue, ...]:
        by_code: dict[str, Any] = {}
        if isinstance(raw, dict):
            by_code = raw
        elif raw is not None:
            self.problems.add(pointer, "expected units by value code")
        for code in by_code:
            if code not in codes:
                self.problems.add(pointer + _ptr(code), "not one of the values")
        out = []
        for code in codes:
            unit = by_code.get(code, {})
            where = pointer + _ptr(code)
            if not isinstance(unit, dict):
                self.problems.add(where, "expected texts by language and decimals")
                unit = {}
            places = unit.get("decimals", self.decimals)
            if not (_is_int(places) and 0 <= places <= 15):
                self.problems.add(f"{where}/decimals", "expected a whole number 0 … 15")
                places = self.decimals
            texts = {k: v for k, v in unit.items() if k not in _UNIT_KEYS}
            out.append(
                ContentsValue(
                    code=code,
                    units=self.texts(texts, where, None) if texts else dict(self.units),
                    decimals=places,
                    last_updated=None,
                    refperiod={},
                    stockfa=None,
                    cfprices=None,
                )
            )
        return tuple(out)


def _csv_columns(
    csv_data: bytes, problems: _Problems
) -> tuple[list[str], list[list[str]], NDArray[np.int64], str]:
    """The header, the body's columns, the line number of each body row, and the delimiter.

    Blank lines are skipped. Raises BadRequest for undecodable bytes, no header, or rows whose
    column count differs from the header's.
    """
    if csv_data.startswith(codecs.BOM_UTF8):
        csv_data = csv_data[len(codecs.BOM_UTF8) :]
    try:
        text = csv_data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = csv_data[: exc.start].count(b"\n") + 1
        raise problems.fail(f"line {line}", "bytes that are not valid UTF-8") from None
    # One physical line is one row (codes and numbers never hold a newline), so a row's index
    # is its line number without the csv module's bookkeeping per row.
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise problems.fail("line 1", "expected a header row naming the columns")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    body = lines[1:]
    if all(map(str.strip, body)):
        numbers = np.arange(2, len(body) + 2, dtype=np.int64)
    else:
        kept = [i for i, line in enumerate(body) if line.strip()]
        body = [body[i] for i in kept]
        numbers = np.asarray(kept, dtype=np.int64) + 2
    columns: list[list[str]]
    if '"' not in text:
        # Without quotes a row is its line split at the delimiter. Splitting the joined body
        # once gives flat strings, which the garbage collector does not track; a list per row
        # (as csv.reader makes) costs seconds of collection on a million rows.
        header = lines[0].split(delimiter)
        width = len(header)
        counts = np.fromiter(
            map(str.count, body, itertools.repeat(delimiter)), dtype=np.int64, count=len(body)
        )
        wrong = np.flatnonzero(counts != width - 1)
        for i in wrong[:MAX_ERRORS].tolist():
            problems.add(
                f"line {int(numbers[i])}", f"{int(counts[i]) + 1} columns; the header has {width}"
            )
        problems.uncounted(MAX_ERRORS, wrong.size)
        problems.check()
        flat = delimiter.join(body).split(delimiter) if body else []
        columns = [flat[j::width] for j in range(width)]
    else:
        reader = csv.reader([lines[0], *body], delimiter=delimiter, skipinitialspace=True)
        try:
            header, *rows = list(reader)
        except csv.Error as exc:
            raise problems.fail(f"line {reader.line_num}", f"not CSV: {exc}") from None
        width = len(header)
        for i, row in enumerate(rows):
            if len(row) != width:
                problems.add(
                    f"line {int(numbers[i])}", f"{len(row)} columns; the header has {width}"
                )
        problems.check()
        columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in header]
    if " " in text or "\t" in text:
        columns = [list(map(str.strip, column)) for column in columns]
    return [name.strip() for name in header], columns, numbers, delimiter


def _numbers(
    texts: Sequence[str], lines: NDArray[np.int64], decimal_comma: bool, problems: _Problems
) -> NDArray[np.float64]:
    """Value cells: numbers, or data symbols encoded as cells."""
    n = len(texts)
    symbol = np.fromiter(
        map(_SYMBOL_NUMBER.get, texts, itertools.repeat(-1)), dtype=np.int64, count=n
    )
    is_symbol = symbol >= 0
    out = np.empty(n, dtype=np.float64)
    out[is_symbol] = _SYMBOL_ARRAY[symbol[is_symbol]]
    numeric = np.flatnonzero(~is_symbol)
    raw = np.array(texts, dtype=object)[numeric]
    if decimal_comma:
        raw = np.array([t.replace(",", ".") for t in raw.tolist()], dtype=object)
    try:
        parsed = raw.astype(np.float64)
    except ValueError:
        parsed = np.array([_float(t) for t in raw.tolist()], dtype=np.float64)
    # float() also reads "nan" and "inf", which are neither numbers nor symbols of a table.
    bad = np.flatnonzero(~np.isfinite(parsed))
    for k in bad[:MAX_ERRORS].tolist():
        position = int(numeric[k])
        problems.add(
            f"line {int(lines[position])}",
            f"value {texts[position]!r} is neither a number nor a data symbol",
        )
    problems.uncounted(MAX_ERRORS, bad.size)
    out[numeric] = parsed
    return out


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def parse_csv_with_sidecar(csv_data: bytes, sidecar: bytes, *, max_cells: int) -> PxTable:
    """A :class:`PxTable` from a long CSV and the JSON sidecar that describes it.

    The CSV is UTF-8 (a BOM is allowed) with a header naming one column per sidecar dimension
    (holding value codes) and the value column (``value_column``, default ``value``); other
    columns are ignored. The delimiter is ``;`` when the header has more semicolons than commas,
    else ``,``. Rows may come in any order but must cover every combination of codes exactly
    once. A value is a number (``.`` decimal point; with ``;`` also ``,``) or a data symbol
    (``..``, ``:``, ``-`` …). Dimension and value order come from the sidecar: its
    ``dimensions`` (code, label, role time/metric/geo/null, elimination, elimination_code,
    time_scale, values [{code, label}], units by value code on the metric dimension), and
    ``table_id``, ``title``, ``source``, ``units``, ``notes``, ``official``, ``aggregallowed``
    (false: the cells may not be summed), ``decimals``. Texts
    are by language; the title's languages are the table's, ``nb`` first when present. Every
    dimension but the last is in the stub.

    Raises BadRequest: for the sidecar, JSON pointers to invalid JSON, unknown keys, wrong types,
    duplicate or unknown codes, and more than ``max_cells`` cells (checked before the CSV is
    read); for the CSV, ``line N`` for undecodable bytes, missing columns, a row with the wrong
    number of columns, an unknown code, a duplicate combination, a value that is neither a number
    nor a symbol, and (pointing past the last line) each combination with no row.
    """
    side_problems = _Problems("CSV sidecar")
    sidecar_doc = _load_json(sidecar, side_problems)
    described = _Sidecar(sidecar_doc, side_problems)
    side_problems.check()
    variables = described.variables
    sizes = [len(v.codes) for v in variables]
    total = math.prod(sizes)
    if total > max_cells:
        raise side_problems.fail(
            "/dimensions", f"{total} cells is more than the limit of {max_cells}"
        )

    problems = _Problems("CSV")
    header, columns, lines, delimiter = _csv_columns(csv_data, problems)
    columns_needed = [v.code for v in variables] + [described.value_column]
    column_of: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in column_of and name in columns_needed:
            problems.add("line 1", f"column {name!r} appears twice")
        column_of.setdefault(name, position)
    for name in columns_needed:
        if name not in column_of:
            problems.add("line 1", f"missing column {name!r}")
    problems.check()
    n = lines.size
    if not n:
        raise problems.fail("line 2", f"no rows: expected {total}, one per combination of codes")

    flat = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=np.bool_)
    stride = total
    for variable in variables:
        stride //= len(variable.codes)
        column = columns[column_of[variable.code]]
        index = {code: i for i, code in enumerate(variable.codes)}
        positions = np.fromiter(
            map(index.get, column, itertools.repeat(-1)), dtype=np.int64, count=n
        )
        unknown = np.flatnonzero(positions < 0)
        for row in unknown[:MAX_ERRORS].tolist():
            problems.add(
                f"line {int(lines[row])}", f"{variable.code}: unknown code {column[row]!r}"
            )
        problems.uncounted(MAX_ERRORS, unknown.size)
        valid &= positions >= 0
        flat += positions * stride

    def combination(cell: int) -> str:
        at = np.unravel_index(cell, sizes)
        return ", ".join(f"{v.code}={v.codes[int(i)]}" for v, i in zip(variables, at, strict=True))

    rows_ok = np.flatnonzero(valid)
    order = rows_ok[np.argsort(flat[rows_ok], kind="stable")]
    ordered = flat[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    problems.uncounted(MAX_ERRORS, repeated.size)
    for k in np.sort(order[repeated])[:MAX_ERRORS].tolist():
        first = int(order[np.searchsorted(ordered, flat[k])])
        problems.add(
            f"line {int(lines[k])}",
            f"duplicate of line {int(lines[first])} ({combination(int(flat[k]))})",
        )
    if bool(valid.all()):
        covered = np.zeros(total, dtype=np.bool_)
        covered[flat] = True
        end = f"line {int(lines[-1]) + 1}"
        uncovered = np.flatnonzero(~covered)
        for cell in uncovered[:MAX_ERRORS].tolist():
            problems.add(end, f"no row for {combination(int(cell))}")
        problems.uncounted(MAX_ERRORS, uncovered.size)

    numbers = _numbers(
        columns[column_of[described.value_column]], lines, delimiter == ";", problems
    )
    problems.check()
    values = np.empty(total, dtype=np.float64)
    values[flat] = numbers
    return PxTable(
        matrix=described.table_id,
        table_id=described.table_id,
        language=described.language,
        languages=described.languages,
        title=described.title,
        description={},
        contents={},
        units=described.units,
        source=described.source,
        contact={},
        notes=described.notes,
        decimals=described.decimals,
        showdecimals=None,
        subject_code="",
        subject_area={},
        official=described.official,
        updated=None,
        codepage="utf-8",
        stub=tuple(v.code for v in variables[:-1]),
        heading=tuple(v.code for v in variables[-1:]),
        variables=tuple(variables),
        contents_values=described.contents,
        symbols={symbol: symbol for symbol in cells.SYMBOLS},
        values=values,
        aggregallowed=described.aggregallowed,
    )
