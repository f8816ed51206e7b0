"""A table from a JSON-stat 2.0 dataset, the same :class:`pxbridge.ingest.px.PxTable` that
:func:`pxbridge.ingest.px.parse_px` builds, so the rest of the bridge (store, writers, PxWebApi) never knows where a
table came from (the other non-PX input, a long CSV with a JSON sidecar, is
:mod:`pxbridge.ingest.from_csv`). Cells are the float64 array of :mod:`pxbridge.store.cells`, data symbols in
NaN payloads. Bulk work is numpy: a dense value list is converted in one call, so Python runs per cell
only on the error path and for sparse values.

What a PxTable cannot hold is dropped: the ``geo`` role (the store infers it from the variable
code), and a status symbol on a cell that has a number (the number is kept).

Every problem is a :class:`portal.kernel.errors.BadRequest` whose ``errors`` point at the input with
a JSON pointer (``/dimension/Tid/category``). At most
:data:`~pxbridge.ingest.input_checks.MAX_ERRORS` are listed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import orjson
from numpy.typing import NDArray

from pxbridge.ingest import json_cells
from pxbridge.ingest.input_checks import (
    ROLES,
    SYMBOL_CELLS,
    Problems,
    elimination,
    flag,
    infer_time_scale,
    is_int,
    json_pointer,
    load_json,
    str_list,
)
from pxbridge.ingest.px import ContentsValue, PxTable, Variable
from pxbridge.ingest.px_tokens import normalise_lang
from pxbridge.store import cells

_CHUNK_CELLS = 1 << 20
SHOWS = ("code", "value", "code_value")


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


def _updated(raw: object, pointer: str, problems: Problems) -> datetime | None:
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
    problems.add(pointer, "imp.jsonstat.updated")
    return None


def _placement(
    ids: Sequence[str], stub: object, heading: object, pointer: str, problems: Problems
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
            problems.add(f"{pointer}/{name}", "imp.jsonstat.id_list")
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
        problems.add(f"{pointer}/stub", "imp.jsonstat.placement")
        return list(ids[:-1]), list(ids[-1:])
    return stub_ids, heading_ids


def _category(
    dimension: object, pointer: str, problems: Problems
) -> tuple[list[str], list[str], dict[str, Any]] | None:
    """(codes in index order, their labels, the category object) or None after adding problems."""
    if not isinstance(dimension, dict):
        problems.add(pointer, "imp.json.object")
        return None
    category = dimension.get("category")
    where = f"{pointer}/category"
    if not isinstance(category, dict):
        problems.add(where, "imp.jsonstat.category")
        return None
    index, label = category.get("index"), category.get("label")
    codes: list[str]
    if index is None:
        # JSON-stat lets a single-category dimension give only its label.
        if isinstance(label, dict) and len(label) == 1:
            codes = list(label)
        else:
            problems.add(f"{where}/index", "imp.jsonstat.index_missing")
            return None
    elif isinstance(index, list):
        if not all(isinstance(c, str) for c in index) or len(set(index)) != len(index):
            problems.add(f"{where}/index", "imp.jsonstat.index_list")
            return None
        codes = list(index)
    elif isinstance(index, dict):
        positions = list(index.values())
        if not all(is_int(p) for p in positions) or sorted(positions) != list(range(len(index))):
            problems.add(f"{where}/index", "imp.jsonstat.index_positions")
            return None
        codes = sorted(index, key=index.__getitem__)
    else:
        problems.add(f"{where}/index", "imp.jsonstat.index_kind")
        return None
    if label is None:
        return codes, list(codes), category
    if not isinstance(label, dict) or not all(isinstance(t, str) for t in label.values()):
        problems.add(f"{where}/label", "imp.jsonstat.label_object")
        return None
    known = set(codes)
    extra = [c for c in label if c not in known]
    for code in extra:
        problems.add(where + json_pointer("label", code), "imp.jsonstat.label_not_in_index")
    missing = [c for c in codes if c not in label]
    if missing:
        problems.add(f"{where}/label", "imp.jsonstat.no_label", codes=", ".join(missing[:5]))
    if extra or missing:
        return None
    return codes, [label[c] for c in codes], category


def _dense(
    raw: list[Any], problems: Problems, offset: int = 0
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
        values[i] = _cell(value, json_pointer("value", offset + i), problems)
        null[i] = value is None
    return values, null


def _piece_values(
    data: bytes, piece: json_cells.Piece, total: int, problems: Problems
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The cells of a ``value`` cut out of the document (:mod:`pxbridge.ingest.json_cells`), read a chunk
    at a time into arrays of ``total`` cells. Raises BadRequest for a dense list of another length,
    and json_cells.Unreadable."""
    if not piece.is_list:
        values = np.full(total, math.nan, dtype=np.float64)
        for entries in json_cells.chunks(data, piece):
            _sparse_into(values, entries, problems)
        return values, _sparse_nulls(values)
    values = np.empty(total, dtype=np.float64)
    null = np.empty(total, dtype=np.bool_)
    found = Problems(problems.what)
    count = 0
    for entries in json_cells.chunks(data, piece):
        if count + len(entries) <= total:
            part = slice(count, count + len(entries))
            values[part], null[part] = _dense(entries, found, offset=count)
        count += len(entries)
    if count != total:
        raise problems.fail("/value", "imp.jsonstat.value_count", count=count, total=total)
    for error in found.found:
        problems.keep(error)
    problems.more += found.more
    return values, null


def _cell(value: object, pointer: str, problems: Problems) -> float:
    """One JSON-stat value as a cell: a number, null (NaN), or a string that is a data symbol."""
    if value is None:
        return math.nan
    if isinstance(value, str) and value in SYMBOL_CELLS:
        return SYMBOL_CELLS[value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    problems.add(pointer, "imp.jsonstat.cell", found=orjson.dumps(value).decode()[:40])
    return math.nan


def _sparse(
    raw: dict[str, Any], total: int, problems: Problems
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    values = np.full(total, math.nan, dtype=np.float64)
    _sparse_into(values, raw, problems)
    return values, _sparse_nulls(values)


def _positions(
    raw: dict[str, Any], member: str, total: int, problems: Problems
) -> Iterator[tuple[int, str, Any]]:
    """The entries of ``member`` (``value`` or ``status``) written as an object of cell positions:
    (position, its JSON pointer, the entry) for each key that is a position below ``total``, and a
    problem for each other key, in the document's order."""
    for key, entry in raw.items():
        position = int(key) if key.isdigit() else -1
        if not 0 <= position < total:
            problems.add(json_pointer(member, key), "imp.jsonstat.position", last=total - 1)
            continue
        yield position, json_pointer(member, key), entry


def _sparse_into(values: NDArray[np.float64], raw: dict[str, Any], problems: Problems) -> None:
    for position, at, value in _positions(raw, "value", values.size, problems):
        values[position] = _cell(value, at, problems)


def _sparse_nulls(values: NDArray[np.float64]) -> NDArray[np.bool_]:
    null = np.isnan(values)
    # A symbol given as a value string is a NaN too, but not a null to fill from status.
    null &= (values.view(np.uint64) & np.uint64(0xFF)) == 0
    return null


def _symbol(raw: object, pointer: str, problems: Problems) -> str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw in SYMBOL_CELLS:
        return raw
    problems.add(pointer, "imp.jsonstat.symbol", raw=raw, symbols=" ".join(cells.SYMBOLS))
    return None


def _apply_status(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: object,
    total: int,
    problems: Problems,
    data: bytes = b"",
) -> None:
    """Null cells take their status symbol, or ".." without one. ``data`` is the document, for a
    status cut out of it (:mod:`pxbridge.ingest.json_cells`); raises json_cells.Unreadable."""
    values[null] = SYMBOL_CELLS[".."]
    if status is None:
        return
    if isinstance(status, str):
        symbol = _symbol(status, "/status", problems)
        if symbol is not None:
            values[null] = SYMBOL_CELLS[symbol]
    elif isinstance(status, list):
        if len(status) != total:
            problems.add("/status", "imp.jsonstat.status_count", count=len(status), total=total)
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
            problems.add("/status", "imp.jsonstat.status_count", count=count, total=total)
    elif isinstance(status, json_cells.Piece):
        for entries in json_cells.chunks(data, status):
            _status_object(values, null, entries, problems)
    else:
        problems.add("/status", "imp.jsonstat.status_kind")


def _status_list(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: list[Any],
    offset: int,
    problems: Problems,
    known: dict[str, str | None],
) -> None:
    """A status list's entries for the cells from ``offset`` on (``values`` and ``null`` are theirs);
    ``known`` carries the strings already checked, so each bad one is reported once."""
    # fromiter keeps a 1-D array even if an entry is itself a list.
    listed = np.fromiter(status, dtype=object, count=len(status))
    for raw in sorted({s for s in status if isinstance(s, str)}):
        mask = listed == raw
        if raw not in known:
            at = json_pointer("status", offset + int(np.flatnonzero(mask)[0]))
            known[raw] = _symbol(raw, at, problems)
        symbol = known[raw]
        if symbol is not None:
            values[mask & null] = SYMBOL_CELLS[symbol]
    if not set(map(type, status)) <= {str, type(None)}:
        for i, raw in enumerate(status):
            if raw is not None and not isinstance(raw, str):
                problems.add(json_pointer("status", offset + i), "imp.jsonstat.status_entry")


def _status_object(
    values: NDArray[np.float64],
    null: NDArray[np.bool_],
    status: dict[str, Any],
    problems: Problems,
) -> None:
    for position, at, raw in _positions(status, "status", values.size, problems):
        symbol = _symbol(raw, at, problems)
        if symbol is not None and null[position]:
            values[position] = SYMBOL_CELLS[symbol]


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
    a chunk at a time (:mod:`pxbridge.ingest.json_cells`; issue 16).
    """
    problems = Problems("JSON-stat dataset")
    try:
        doc = json_cells.load(data)
    except orjson.JSONDecodeError:
        doc = load_json(data, problems)  # raises, naming the line and column
    try:
        return _dataset(doc, data, problems, max_cells=max_cells, table_id=table_id)
    except json_cells.Unreadable:
        # A piece whose chunks are not JSON on their own: parsed whole, the document says where
        # it is invalid (or is valid after all, with a comma inside a string).
        problems = Problems("JSON-stat dataset")
        doc = load_json(data, problems)
        return _dataset(doc, data, problems, max_cells=max_cells, table_id=table_id)


def _dataset(
    doc: Any, data: bytes, problems: Problems, *, max_cells: int, table_id: str | None
) -> PxTable:
    """:func:`parse_jsonstat` on the parsed document ``doc`` of ``data``."""
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise problems.fail("/class", "imp.jsonstat.not_dataset")
    extension = doc.get("extension")
    extension = extension if isinstance(extension, dict) else {}
    px = extension.get("px")
    px = px if isinstance(px, dict) else {}

    ids, size = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        problems.add("/id", "imp.jsonstat.ids")
    elif len(set(ids)) != len(ids):
        problems.add("/id", "imp.jsonstat.ids_distinct")
    if not isinstance(size, list) or not all(is_int(s) and s >= 0 for s in size):
        problems.add("/size", "imp.jsonstat.size_list")
    problems.check()
    assert isinstance(ids, list) and isinstance(size, list)
    if len(ids) != len(size):
        raise problems.fail("/size", "imp.jsonstat.size_count", sizes=len(size), ids=len(ids))
    total = math.prod(size)
    if total > max_cells:
        raise problems.fail("/size", "imp.json.too_many_cells", total=total, limit=max_cells)
    dimensions = doc.get("dimension")
    if not isinstance(dimensions, dict):
        raise problems.fail("/dimension", "imp.jsonstat.dimension_object")

    language = px.get("language")
    lang = normalise_lang(language) if isinstance(language, str) and language.strip() else "nb"
    roles: dict[str, list[str]] = {}
    role = doc.get("role")
    if isinstance(role, dict):
        for name, listed in role.items():
            if name not in ROLES or not isinstance(listed, list):
                problems.add(json_pointer("role", name), "imp.jsonstat.role_kind")
                continue
            for k, dim_id in enumerate(listed):
                if dim_id not in ids:
                    problems.add(json_pointer("role", name, k), "imp.jsonstat.not_an_id")
            roles[name] = [d for d in listed if d in ids]
    elif role is not None:
        problems.add("/role", "imp.json.object")
    for name in ("time", "metric"):
        if len(roles.get(name, [])) > 1:
            problems.add(json_pointer("role", name), "imp.json.one_role", role=name)
    time_id = next(iter(roles.get("time", [])), None)
    metric_id = next(iter(roles.get("metric", [])), None)

    decimals_raw = px.get("decimals")
    if decimals_raw is not None and not (is_int(decimals_raw) and 0 <= decimals_raw <= 15):
        problems.add("/extension/px/decimals", "imp.json.decimals")
        decimals_raw = None

    variables: list[Variable] = []
    units_of: dict[str, dict[str, Any]] = {}
    for position, dim_id in enumerate(ids):
        pointer = json_pointer("dimension", dim_id)
        dimension = dimensions.get(dim_id)
        if dimension is None:
            problems.add(pointer, "imp.jsonstat.dimension_missing")
            continue
        found = _category(dimension, pointer, problems)
        if found is None:
            continue
        codes, labels, category = found
        if len(codes) != size[position]:
            problems.add(
                json_pointer("size", position),
                "imp.jsonstat.size_categories",
                size=size[position],
                dimension=dim_id,
                count=len(codes),
            )
            continue
        dim_extension = dimension.get("extension")
        dim_extension = dim_extension if isinstance(dim_extension, dict) else {}
        eliminable, elimination_code = elimination(
            dim_extension,
            ("elimination", "eliminationValueCode"),
            f"{pointer}/extension",
            codes,
            "imp.jsonstat.not_a_category",
            problems,
        )
        show = dim_extension.get("show", "value")
        label = dimension.get("label", dim_id)
        if not isinstance(label, str):
            problems.add(f"{pointer}/label", "imp.json.string")
            label = dim_id
        notes = dimension.get("note")
        value_notes: dict[str, tuple[str, ...]] = {}
        category_notes = category.get("note")
        if isinstance(category_notes, dict):
            for code, texts in category_notes.items():
                if code not in codes:
                    problems.add(
                        json_pointer("dimension", dim_id, "category", "note", code),
                        "imp.jsonstat.no_such_code",
                    )
                    continue
                value_notes[code] = str_list(
                    texts, json_pointer("dimension", dim_id, "category", "note", code), problems
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
                elimination=eliminable,
                elimination_code=elimination_code,
                time_scale=infer_time_scale(codes) if dim_id == time_id else None,
                is_contents=dim_id == metric_id,
                show=show if show in SHOWS else "value",
                notes={lang: str_list(notes, f"{pointer}/note", problems)} if notes else {},
                value_notes={lang: value_notes} if value_notes else {},
            )
        )
    problems.check()

    raw_values = doc.get("value")
    if isinstance(raw_values, json_cells.Piece):
        values, null = _piece_values(data, raw_values, total, problems)
    elif isinstance(raw_values, list):
        if len(raw_values) != total:
            raise problems.fail(
                "/value", "imp.jsonstat.value_count", count=len(raw_values), total=total
            )
        values, null = _dense(raw_values, problems)
    elif isinstance(raw_values, dict):
        values, null = _sparse(raw_values, total, problems)
    else:
        raise problems.fail("/value", "imp.jsonstat.value_kind")
    problems.check()
    _apply_status(values, null, doc.get("status"), total, problems, data)

    matrix = px.get("matrix")
    chosen_id = table_id or px.get("tableid") or matrix
    if not isinstance(chosen_id, str) or not chosen_id.strip():
        problems.add("/extension/px/tableid", "imp.jsonstat.no_table_id")
    official = flag(px, "official-statistics", "/extension/px/official-statistics", problems)
    aggregallowed = flag(px, "aggregallowed", "/extension/px/aggregallowed", problems)
    updated = _updated(doc.get("updated"), "/updated", problems)
    stub, heading = _placement(ids, px.get("stub"), px.get("heading"), "/extension/px", problems)
    title, source, note = doc.get("label"), doc.get("source"), doc.get("note")
    for key, text in (("label", title), ("source", source)):
        if text is not None and not isinstance(text, str):
            problems.add(json_pointer(key), "imp.json.string")
    table_notes = str_list(note, "/note", problems) if note is not None else ()
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
                decimals=places if is_int(places) and 0 <= places <= 15 else decimals,
                last_updated=None,
                refperiod={},
                stockfa=None,
                cfprices=None,
            )
        )
    return tuple(out)
