"""A table from a CSV with a JSON sidecar, the same :class:`pxbridge.ingest.px.PxTable` that
:func:`pxbridge.ingest.px.parse_px` builds (the other non-PX input, a JSON-stat 2.0 dataset, is
:mod:`pxbridge.ingest.from_jsonstat`). The CSV is long, or wide with one dimension's values as
columns, and is read as Norwegian Excel writes it (``;``, decimal commas, a BOM or Windows-1252).
CSV codes are mapped to positions column by column with numpy, so Python runs per cell only on the
error path.

Every problem is a :class:`portal.kernel.errors.BadRequest` whose ``errors`` point at the input: a JSON
pointer into the sidecar, ``line N`` into the CSV. At most
:data:`~pxbridge.ingest.input_checks.MAX_ERRORS` are listed.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pxbridge.ingest.input_checks import (
    MAX_ERRORS,
    ROLES,
    SYMBOL_ARRAY,
    SYMBOL_NUMBER,
    TIME_SCALES,
    Problems,
    elimination,
    flag,
    infer_time_scale,
    is_int,
    json_pointer,
    load_json,
    str_list,
)
from pxbridge.ingest.placeholders import LibraryReason
from pxbridge.ingest.px import ContentsValue, PxTable, Variable
from pxbridge.ingest.px_tokens import normalise_lang
from pxbridge.store import cells

_SIDECAR_KEYS = frozenset(
    {"table_id", "title", "source", "units", "notes", "official", "aggregallowed", "dimensions"}
    | {"value_column", "decimals", "decimal_mark", "encoding"}
)
#: The delimiters a header line is searched for, in the order that breaks a tie.
DELIMITERS = (",", ";", "\t")
#: The encodings a sidecar may name for its CSV (Norwegian Excel's "CSV (semikolonseparert)" writes
#: Windows-1252; its "CSV UTF-8" writes UTF-8 with a BOM), by the names accepted for them.
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "windows-1252": "cp1252", "cp1252": "cp1252"}
# A number with its digits in groups of three ("1 234,5" as Norwegian Excel writes it, after the
# comma became a point): a space, no-break space or narrow no-break space between the groups.
# Read only where the decimal mark is a comma, and only in exactly this shape.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?")
_GROUP_SPACES = str.maketrans({" ": None, "\u00a0": None, "\u202f": None})
_DIMENSION_KEYS = frozenset(
    {"code", "label", "role", "elimination", "elimination_code", "time_scale", "values", "units"}
    | {"columns"}
)
_VALUE_KEYS = frozenset({"code", "label"})
_UNIT_KEYS = frozenset({"decimals"})


class _Sidecar:
    """The sidecar read and checked: languages, the variables in order, and table texts."""

    def __init__(self, doc: object, problems: Problems) -> None:
        self.problems = problems
        if not isinstance(doc, dict):
            raise problems.fail("", "imp.sidecar.not_object")
        for key in doc:
            if key not in _SIDECAR_KEYS:
                problems.add(json_pointer(key), "imp.json.unknown_key")
        table_id = doc.get("table_id")
        if not isinstance(table_id, str) or not table_id.strip():
            problems.add("/table_id", "imp.json.non_empty_string")
            table_id = ""
        self.table_id: str = table_id
        title = doc.get("title")
        if not isinstance(title, dict) or not title:
            raise problems.fail("/title", "imp.sidecar.title")
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
                self.notes[normalise_lang(lang)] = str_list(
                    texts, json_pointer("notes", lang), problems
                )
        else:
            problems.add("/notes", "imp.sidecar.notes")
        self.official = flag(doc, "official", "/official", problems)
        self.aggregallowed = flag(doc, "aggregallowed", "/aggregallowed", problems)
        value_column = doc.get("value_column", "value")
        if not isinstance(value_column, str) or not value_column.strip():
            problems.add("/value_column", "imp.sidecar.column_name")
            value_column = "value"
        self.value_column: str = value_column.strip()
        decimals = doc.get("decimals", 0)
        if not (is_int(decimals) and 0 <= decimals <= 15):
            problems.add("/decimals", "imp.json.decimals")
            decimals = 0
        self.decimals: int = decimals
        decimal_mark = doc.get("decimal_mark")
        if decimal_mark not in (None, ".", ","):
            problems.add("/decimal_mark", "imp.sidecar.decimal_mark")
            decimal_mark = None
        #: The decimal mark the sidecar names; None: "," in a ;-separated file, else ".".
        self.decimal_mark: str | None = decimal_mark
        encoding = doc.get("encoding", "utf-8")
        if not isinstance(encoding, str) or encoding.strip().lower() not in ENCODINGS:
            problems.add("/encoding", "imp.sidecar.encoding")
            encoding = "utf-8"
        self.encoding: str = ENCODINGS[encoding.strip().lower()]
        self.variables: list[Variable] = []
        self.contents: tuple[ContentsValue, ...] = ()
        #: The position of the dimension whose values are columns (a wide table), if one is.
        self.in_columns: int | None = None
        dimensions = doc.get("dimensions")
        if not isinstance(dimensions, list) or not dimensions:
            problems.add("/dimensions", "imp.sidecar.dimensions")
            dimensions = []
        for position, dimension in enumerate(dimensions):
            self.dimension(position, dimension)
        codes = [v.code for v in self.variables]
        for dup in sorted({c for c in codes if codes.count(c) > 1}):
            problems.add("/dimensions", "imp.sidecar.dimension_twice", code=dup)
        if value_column in codes:
            problems.add("/value_column", "imp.sidecar.value_column_is_dimension")
        if self.in_columns is not None:
            wide = self.variables[self.in_columns]
            if "value_column" in doc:
                problems.add("/value_column", "imp.sidecar.value_column_with_columns")
            if len(self.variables) == 1:
                problems.add("/dimensions", "imp.sidecar.columns_alone")
            for clash in sorted(set(wide.codes) & set(codes)):
                problems.add("/dimensions", "imp.sidecar.column_clash", code=clash)
        for role in ("time", "metric"):
            flagged = [v for v in self.variables if self._role(v) == role]
            if len(flagged) > 1:
                problems.add("/dimensions", "imp.json.one_role", role=role)
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
            self.problems.add(pointer, "imp.sidecar.texts")
            return {}
        given = {normalise_lang(k): t for k, t in raw.items()}
        for lang in given:
            if lang not in self.languages:
                self.problems.add(pointer + json_pointer(lang), "imp.sidecar.not_title_language")
        default = given.get(self.language, fallback)
        out = {lang: given.get(lang, default) for lang in self.languages}
        return {lang: text for lang, text in out.items() if text is not None}

    def dimension(self, position: int, raw: object) -> None:
        problems = self.problems
        pointer = json_pointer("dimensions", position)
        if not isinstance(raw, dict):
            problems.add(pointer, "imp.json.object")
            return
        for key in raw:
            if key not in _DIMENSION_KEYS:
                problems.add(json_pointer("dimensions", position, key), "imp.json.unknown_key")
        code = raw.get("code")
        if not isinstance(code, str) or not code.strip():
            problems.add(f"{pointer}/code", "imp.json.non_empty_string")
            return
        role = raw.get("role")
        if role is not None and role not in ROLES:
            problems.add(f"{pointer}/role", "imp.sidecar.role")
            role = None
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            problems.add(f"{pointer}/values", "imp.sidecar.values")
            return
        codes: list[str] = []
        labels: dict[str, list[str]] = {lang: [] for lang in self.languages}
        for k, value in enumerate(values):
            where = f"{pointer}/values/{k}"
            if not isinstance(value, dict):
                problems.add(where, "imp.sidecar.value_object")
                continue
            for key in value:
                if key not in _VALUE_KEYS:
                    problems.add(where + json_pointer(key), "imp.json.unknown_key")
            value_code = value.get("code")
            if not isinstance(value_code, str) or not value_code:
                problems.add(f"{where}/code", "imp.json.non_empty_string")
                continue
            if value_code in codes:
                problems.add(f"{where}/code", "imp.sidecar.code_twice", code=value_code)
                continue
            codes.append(value_code)
            texts = self.texts(value.get("label", value_code), f"{where}/label", value_code)
            for lang in self.languages:
                labels[lang].append(texts.get(lang, value_code))
        if len(codes) != len(values):
            return
        eliminable, elimination_code = elimination(
            raw,
            ("elimination", "elimination_code"),
            pointer,
            codes,
            "imp.sidecar.elimination_code",
            problems,
        )
        time_scale = raw.get("time_scale")
        if time_scale is not None and (role != "time" or time_scale not in TIME_SCALES):
            problems.add(f"{pointer}/time_scale", "imp.sidecar.time_scale")
            time_scale = None
        if role == "time" and time_scale is None:
            time_scale = infer_time_scale(codes)
        units = raw.get("units")
        if units is not None and role != "metric":
            problems.add(f"{pointer}/units", "imp.sidecar.units_not_metric")
        if role == "metric":
            self.contents = self.metric_units(codes, units, f"{pointer}/units")
        in_columns = raw.get("columns", False)
        if not isinstance(in_columns, bool):
            problems.add(f"{pointer}/columns", "imp.json.true_false")
        elif in_columns and self.in_columns is not None:
            problems.add(f"{pointer}/columns", "imp.sidecar.one_in_columns")
        elif in_columns:
            self.in_columns = len(self.variables)
        self.variables.append(
            Variable(
                code=code,
                labels=self.texts(raw.get("label", code), f"{pointer}/label", code),
                codes=tuple(codes),
                value_labels={lang: tuple(texts) for lang, texts in labels.items()},
                elimination=eliminable,
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
            self.problems.add(pointer, "imp.sidecar.units_by_code")
        for code in by_code:
            if code not in codes:
                self.problems.add(pointer + json_pointer(code), "imp.sidecar.not_a_value")
        out = []
        for code in codes:
            unit = by_code.get(code, {})
            where = pointer + json_pointer(code)
            if not isinstance(unit, dict):
                self.problems.add(where, "imp.sidecar.unit")
                unit = {}
            places = unit.get("decimals", self.decimals)
            if not (is_int(places) and 0 <= places <= 15):
                self.problems.add(f"{where}/decimals", "imp.json.decimals")
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


def detect_delimiter(header: str) -> str:
    """The delimiter of a CSV file, from its header line: whichever of ``,`` ``;`` and tab the line
    holds most of (a tie goes to the first of them in that order; no delimiter at all: ``,``)."""
    counts = [header.count(delimiter) for delimiter in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))]


def _csv_columns(
    csv_data: bytes, encoding: str, problems: Problems
) -> tuple[list[str], list[list[str]], NDArray[np.int64], str]:
    """The header, the body's columns, the line number of each body row, and the delimiter.

    A UTF-8 BOM makes the file UTF-8 whatever ``encoding`` says (the BOM is the file's own word).
    Blank lines are skipped. Raises BadRequest for undecodable bytes, no header, or rows whose
    column count differs from the header's.
    """
    if csv_data.startswith(codecs.BOM_UTF8):
        csv_data = csv_data[len(codecs.BOM_UTF8) :]
        encoding = "utf-8"
    try:
        text = csv_data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = csv_data[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding == "utf-8" else "Windows-1252"
        raise problems.fail(f"line {line}", "imp.csv.bad_bytes", encoding=name) from None
    # One physical line is one row (codes and numbers never hold a newline), so a row's index
    # is its line number without the csv module's bookkeeping per row.
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise problems.fail("line 1", "imp.csv.no_header")
    delimiter = detect_delimiter(lines[0])
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
                f"line {int(numbers[i])}",
                "imp.csv.column_count",
                count=int(counts[i]) + 1,
                width=width,
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
            raise problems.fail(
                f"line {reader.line_num}", "imp.csv.not_csv", reason=LibraryReason(str(exc), "csv")
            ) from None
        width = len(header)
        for i, row in enumerate(rows):
            if len(row) != width:
                problems.add(
                    f"line {int(numbers[i])}", "imp.csv.column_count", count=len(row), width=width
                )
        problems.check()
        columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in header]
    if " " in text or "\t" in text:
        columns = [list(map(str.strip, column)) for column in columns]
    return [name.strip() for name in header], columns, numbers, delimiter


def _numbers(
    texts: Sequence[str], lines: NDArray[np.int64], decimal_comma: bool, problems: Problems
) -> NDArray[np.float64]:
    """Value cells: numbers, or data symbols encoded as cells."""
    n = len(texts)
    symbol = np.fromiter(
        map(SYMBOL_NUMBER.get, texts, itertools.repeat(-1)), dtype=np.int64, count=n
    )
    is_symbol = symbol >= 0
    out = np.empty(n, dtype=np.float64)
    out[is_symbol] = SYMBOL_ARRAY[symbol[is_symbol]]
    numeric = np.flatnonzero(~is_symbol)
    raw = np.array(texts, dtype=object)[numeric]
    if decimal_comma and raw.size:
        # One replace over the joined column (a cell never holds a newline) instead of one a cell.
        raw = np.array("\n".join(raw.tolist()).replace(",", ".").split("\n"), dtype=object)
    try:
        if "_" in "".join(raw.tolist()):
            raise ValueError("float() reads 1_000; a table does not")
        parsed = raw.astype(np.float64)
    except ValueError:
        parsed = np.array([_float(t, decimal_comma) for t in raw.tolist()], dtype=np.float64)
    # float() also reads "nan" and "inf", which are neither numbers nor symbols of a table.
    bad = np.flatnonzero(~np.isfinite(parsed))
    for k in bad[:MAX_ERRORS].tolist():
        position = int(numeric[k])
        problems.add(f"line {int(lines[position])}", "imp.csv.not_a_number", text=texts[position])
    problems.uncounted(MAX_ERRORS, bad.size)
    out[numeric] = parsed
    return out


def _float(text: str, grouped: bool) -> float:
    """The number, NaN for what is none: digits grouped by spaces only where ``grouped`` (a
    decimal-comma file) and in groups of three, and never Python's ``1_000``."""
    if grouped and _GROUPED.fullmatch(text):
        text = text.translate(_GROUP_SPACES)
    if "_" in text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def parse_csv_with_sidecar(csv_data: bytes, sidecar: bytes, *, max_cells: int) -> PxTable:
    """A :class:`PxTable` from a long or wide CSV and the JSON sidecar that describes it.

    The CSV is UTF-8 (a BOM is allowed), or Windows-1252 when the sidecar's ``encoding`` says so,
    with a header naming one column per sidecar dimension (holding value codes) and the value
    column (``value_column``, default ``value``), in any order; other columns are ignored. The
    delimiter is whichever of ``,`` ``;`` and tab the header holds most of
    (:func:`detect_delimiter`). Rows may come in any order but must cover every combination of
    codes exactly once. A value is a number or a data symbol (``..``, ``:``, ``-`` …); its decimal
    mark is the sidecar's ``decimal_mark``, by default ``,`` in a ``;``-separated file (as
    Norwegian Excel writes it; ``.`` is read there too) and ``.`` otherwise. Where the mark is
    ``,``, a space between digit groups of three is dropped (``1 234,5``). Dimension and value
    order come from the sidecar: its
    ``dimensions`` (code, label, role time/metric/geo/null, elimination, elimination_code,
    time_scale, values [{code, label}], units by value code on the metric dimension, and
    ``columns``: true for the one dimension, if any, whose values are columns of the CSV, each
    value's code naming the column of its cells, as a spreadsheet's wide table has them; the rows
    then cover the other dimensions' combinations and there is no value column), and
    ``table_id``, ``title``, ``source``, ``units``, ``notes``, ``official``, ``aggregallowed``
    (false: the cells may not be summed), ``decimals``, ``decimal_mark``, ``encoding``. Texts
    are by language; the title's languages are the table's, ``nb`` first when present. Every
    dimension but the last is in the stub.

    Raises BadRequest: for the sidecar, JSON pointers to invalid JSON, unknown keys, wrong types,
    duplicate or unknown codes, and more than ``max_cells`` cells (checked before the CSV is
    read); for the CSV, ``line N`` for undecodable bytes, missing columns, a row with the wrong
    number of columns, an unknown code, a duplicate combination, a value that is neither a number
    nor a symbol, and (pointing past the last line) each combination with no row.
    """
    side_problems = Problems("CSV sidecar")
    sidecar_doc = load_json(sidecar, side_problems)
    described = _Sidecar(sidecar_doc, side_problems)
    side_problems.check()
    variables = described.variables
    sizes = [len(v.codes) for v in variables]
    total = math.prod(sizes)
    if total > max_cells:
        raise side_problems.fail(
            "/dimensions", "imp.json.too_many_cells", total=total, limit=max_cells
        )

    problems = Problems("CSV")
    header, columns, lines, delimiter = _csv_columns(csv_data, described.encoding, problems)
    # The dimensions the rows vary over, and the columns that hold values: the value column, or
    # each value's column of a dimension in columns (a wide table).
    wide = described.in_columns
    row_variables = [v for i, v in enumerate(variables) if i != wide]
    value_columns = list(variables[wide].codes) if wide is not None else [described.value_column]
    columns_needed = [v.code for v in row_variables] + value_columns
    column_of: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in column_of and name in columns_needed:
            problems.add("line 1", "imp.csv.column_twice", name=name)
        column_of.setdefault(name, position)
    for name in columns_needed:
        if name not in column_of:
            problems.add("line 1", "imp.csv.column_missing", name=name)
    problems.check()
    n = lines.size
    row_sizes = [len(v.codes) for v in row_variables]
    rows_total = math.prod(row_sizes)
    if not n:
        raise problems.fail("line 2", "imp.csv.no_rows", rows=rows_total)

    # Each row's position among the combinations of the row dimensions.
    flat = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=np.bool_)
    stride = rows_total
    for variable in row_variables:
        stride //= len(variable.codes)
        column = columns[column_of[variable.code]]
        index = {code: i for i, code in enumerate(variable.codes)}
        positions = np.fromiter(
            map(index.get, column, itertools.repeat(-1)), dtype=np.int64, count=n
        )
        unknown = np.flatnonzero(positions < 0)
        for row in unknown[:MAX_ERRORS].tolist():
            problems.add(
                f"line {int(lines[row])}",
                "imp.csv.unknown_code",
                dimension=variable.code,
                code=column[row],
            )
        problems.uncounted(MAX_ERRORS, unknown.size)
        valid &= positions >= 0
        flat += positions * stride

    def combination(cell: int) -> str:
        at = np.unravel_index(cell, row_sizes)
        return ", ".join(
            f"{v.code}={v.codes[int(i)]}" for v, i in zip(row_variables, at, strict=True)
        )

    rows_ok = np.flatnonzero(valid)
    order = rows_ok[np.argsort(flat[rows_ok], kind="stable")]
    ordered = flat[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    problems.uncounted(MAX_ERRORS, repeated.size)
    for k in np.sort(order[repeated])[:MAX_ERRORS].tolist():
        first = int(order[np.searchsorted(ordered, flat[k])])
        problems.add(
            f"line {int(lines[k])}",
            "imp.csv.duplicate",
            first=int(lines[first]),
            combination=combination(int(flat[k])),
        )
    if bool(valid.all()):
        covered = np.zeros(rows_total, dtype=np.bool_)
        covered[flat] = True
        end = f"line {int(lines[-1]) + 1}"
        uncovered = np.flatnonzero(~covered)
        for cell in uncovered[:MAX_ERRORS].tolist():
            problems.add(end, "imp.csv.no_row_for", combination=combination(int(cell)))
        problems.uncounted(MAX_ERRORS, uncovered.size)

    decimal_comma = (described.decimal_mark or ("," if delimiter == ";" else ".")) == ","
    numbers = [
        _numbers(columns[column_of[name]], lines, decimal_comma, problems) for name in value_columns
    ]
    problems.check()
    values = np.empty(total, dtype=np.float64)
    if wide is None:
        values[flat] = numbers[0]
    else:
        # Each value column's cells go where its value of the wide dimension puts them.
        at = list(np.unravel_index(flat, row_sizes))
        for k, cells_of_k in enumerate(numbers):
            full = [*at[:wide], np.full(n, k, dtype=np.int64), *at[wide:]]
            values[np.ravel_multi_index(full, sizes)] = cells_of_k
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
