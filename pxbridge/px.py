"""PX (PC-Axis) files: the parser into :class:`PxTable` (the writer is :mod:`pxbridge.px_writer`).

Pure Python and numpy. Metadata is tokenised statement by statement on the raw bytes (every
supported codepage is ASCII-compatible, so quotes, ``=`` and ``;`` are unambiguous before
decoding, see :mod:`pxbridge.px_tokens`); the DATA block is converted in bulk by numpy
(:mod:`pxbridge.px_data`), never cell by cell in Python.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from portal.errors import FieldError
from pxbridge import cells
from pxbridge.px_data import read_data
from pxbridge.px_tokens import (
    Statement,
    bad,
    fail,
    items,
    normalise_lang,
    problem,
    read_header,
    text,
)

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class Variable:
    """One dimension of a PX table, with its texts in every language of the file."""

    code: str
    labels: Mapping[str, str]
    codes: tuple[str, ...]
    value_labels: Mapping[str, tuple[str, ...]]
    elimination: bool
    elimination_code: str | None
    time_scale: str | None
    is_contents: bool
    show: str
    notes: Mapping[str, tuple[str, ...]]
    value_notes: Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class ContentsValue:
    """What one value of the contents variable measures (or the whole table without one)."""

    code: str
    units: Mapping[str, str]
    decimals: int
    last_updated: datetime | None
    refperiod: Mapping[str, str]
    stockfa: str | None
    cfprices: str | None


@dataclass(frozen=True)
class PxTable:
    """A parsed PX file: metadata in every language and the cells, stub then heading, row-major."""

    matrix: str
    table_id: str | None
    language: str
    languages: tuple[str, ...]
    title: Mapping[str, str]
    description: Mapping[str, str]
    contents: Mapping[str, str]
    units: Mapping[str, str]
    source: Mapping[str, str]
    contact: Mapping[str, str]
    notes: Mapping[str, tuple[str, ...]]
    decimals: int
    showdecimals: int | None
    subject_code: str
    subject_area: Mapping[str, str]
    official: bool | None
    updated: datetime | None
    codepage: str
    stub: tuple[str, ...]
    heading: tuple[str, ...]
    variables: tuple[Variable, ...]
    contents_values: tuple[ContentsValue, ...]
    symbols: Mapping[str, str]
    values: NDArray[np.float64]
    #: AGGREGALLOWED: whether the cells may be summed (False for indices, averages …); None: not said.
    aggregallowed: bool | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        """The number of values of each variable, stub then heading."""
        return tuple(len(v.codes) for v in self.variables)


# --------------------------------------------------------------------------------------------
# Interpreting the metadata


class _Meta:
    """Statements indexed by keyword, language and subkeys."""

    def __init__(self, statements: list[Statement], default: str) -> None:
        self.default = default
        self.first: dict[tuple[str, str | None, tuple[str, ...]], Statement] = {}
        self.all: dict[tuple[str, str | None, tuple[str, ...]], list[Statement]] = {}
        self.by_keyword: dict[str, list[Statement]] = {}
        for s in statements:
            lang = None if s.lang in (None, default) else s.lang
            key = (s.keyword, lang, s.subkeys)
            self.first.setdefault(key, s)
            self.all.setdefault(key, []).append(s)
            self.by_keyword.setdefault(s.keyword, []).append(s)

    def get(
        self, keyword: str, lang: str | None = None, subkeys: tuple[str, ...] = ()
    ) -> Statement | None:
        return self.first.get((keyword, None if lang == self.default else lang, subkeys))

    def every(
        self, keyword: str, lang: str | None = None, subkeys: tuple[str, ...] = ()
    ) -> list[Statement]:
        return self.all.get((keyword, None if lang == self.default else lang, subkeys), [])

    def text(self, keyword: str, lang: str | None = None) -> str | None:
        s = self.get(keyword, lang)
        return None if s is None else text(s)


def _int(statement: Statement) -> int:
    raw = text(statement)
    try:
        return int(raw)
    except ValueError:
        raise fail(statement.line, f"{statement.name}: {raw!r} is not a whole number") from None


def _datetime(statement: Statement) -> datetime:
    raw = text(statement)
    for fmt in ("%Y%m%d %H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d%H:%M", "%Y%m%d"):
        try:
            naive = datetime.strptime(raw, fmt)  # noqa: DTZ007 - PX dates are Oslo local time
        except ValueError:
            continue
        return naive.replace(tzinfo=OSLO).astimezone(UTC)
    raise fail(statement.line, f'{statement.name}: "{raw}" is not a date like "CCYYMMDD hh:mm"')


_PERIODS = {"A": 1, "H": 2, "Q": 4, "M": 12, "W": 53}
_TLIST = re.compile(
    r'^\s*TLIST\s*\(\s*([AHQMW])1?\s*(?:,\s*"([^"]*)"\s*-\s*"([^"]*)"\s*)?\)\s*,?(.*)$',
    re.DOTALL | re.IGNORECASE,
)
_PERIOD = re.compile(r"^(\d{4})(?:([A-Za-z]*)(\d+))?$")


def _weeks(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def _expand_range(statement: Statement, scale: str, start: str, end: str) -> list[str]:
    first, last = _PERIOD.match(start), _PERIOD.match(end)
    if first is None or last is None:
        raise fail(statement.line, f'{statement.name}: bad TLIST range "{start}"-"{end}"')
    letter = first.group(2) or ""
    width = len(first.group(3) or "")
    year, sub = int(first.group(1)), int(first.group(3) or 1)
    stop = (int(last.group(1)), int(last.group(3) or 1))
    out: list[str] = []
    while (year, sub) <= stop and len(out) < 100_000:
        out.append(str(year) if scale == "A" else f"{year}{letter}{sub:0{width}d}")
        sub += 1
        per_year = _weeks(year) if scale == "W" else _PERIODS[scale]
        if sub > per_year:
            year, sub = year + 1, 1
    return out


def _timeval(statement: Statement) -> tuple[str, list[str]]:
    m = _TLIST.match(statement.value)
    if m is None:
        raise fail(statement.line, f"{statement.name}: expected TLIST(A1), TLIST(Q1) …")
    scale = m.group(1).upper()
    if m.group(2) is not None:
        return scale, _expand_range(statement, scale, m.group(2), m.group(3) or "")
    rest = Statement(statement.keyword, statement.lang, statement.subkeys, m.group(4), 0)
    return scale, items(rest)


def _yes_no(statement: Statement | None) -> bool | None:
    if statement is None:
        return None
    raw = text(statement).upper()
    return True if raw == "YES" else False if raw == "NO" else None


def _per_lang_text(meta: _Meta, languages: Sequence[str], keyword: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages:
        value = meta.text(keyword, lang)
        if value is not None:
            out[lang] = value
    return out


def _notes(
    meta: _Meta, languages: Sequence[str], subkeys_by_lang: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        subs = subkeys_by_lang[lang]
        found = [text(s) for k in ("NOTEX", "NOTE") for s in meta.every(k, lang, subs)]
        if found:
            out[lang] = tuple(found)
    return out


def _symbols(meta: _Meta) -> dict[str, str]:
    out = {symbol: symbol for symbol in cells.SYMBOLS}
    for k in range(1, 7):
        symbol_text = meta.text(f"DATASYMBOL{k}")
        if symbol_text is not None:
            out["." * k] = symbol_text
    nil = meta.text("DATASYMBOLNIL")
    if nil is not None:
        out["-"] = nil
    return out


# --------------------------------------------------------------------------------------------
# The parser


def parse_px(data: bytes, *, max_cells: int = 20_000_000) -> PxTable:
    """Parse a PX file held in memory: :func:`read_px` on its bytes."""
    return read_px(io.BytesIO(data), max_cells=max_cells)


def read_px(stream: IO[bytes], *, max_cells: int = 20_000_000) -> PxTable:
    """Parse the PX file ``stream`` reads: the metadata first, so a table of more than ``max_cells``
    cells is refused before its DATA is read; then DATA a block at a time into the cells' array
    (an upload's memory is its cells, not its text; issue 16).

    Raises BadRequest, each problem pointing at ``"line N"`` and naming the keyword, for an
    unknown codepage or undecodable bytes, malformed statements (unterminated quote, no ``=``),
    a missing MATRIX, DATA, STUB/HEADING or VALUES, CODES/VALUES/TIMEVAL length mismatches,
    KEYS (sparse data, unsupported), more than ``max_cells`` cells, or a DATA count mismatch.
    """
    header = read_header(stream)
    statements, codepage, data_line = header.statements, header.codepage, header.data_line

    language_stmt = next((s for s in statements if s.keyword == "LANGUAGE" and not s.lang), None)
    default = normalise_lang(text(language_stmt)) if language_stmt else "nb"
    meta = _Meta(statements, default)
    declared = meta.get("LANGUAGES")
    languages = [default]
    extra = [normalise_lang(x) for x in items(declared)] if declared else []
    extra += sorted({s.lang for s in statements if s.lang and s.lang != default})
    for lang in extra:
        if lang not in languages:
            languages.append(lang)
    others = languages[1:]

    matrix = meta.text("MATRIX")
    if not matrix:
        raise fail(1, "MATRIX: the file has no MATRIX keyword")
    keys = meta.by_keyword.get("KEYS")
    if keys:
        raise fail(keys[0].line, "KEYS is not supported (sparse DATA); write every cell")

    problems: list[FieldError] = []
    stub_stmt, heading_stmt = meta.get("STUB"), meta.get("HEADING")
    if stub_stmt is None and heading_stmt is None:
        raise fail(data_line, "STUB/HEADING: the file has neither STUB nor HEADING")
    stub_names = items(stub_stmt) if stub_stmt else []
    heading_names = items(heading_stmt) if heading_stmt else []
    names = stub_names + heading_names
    where = {n: (stub_stmt if n in stub_names else heading_stmt) for n in names}

    # Translated STUB/HEADING name the same variables in the same order.
    names_by_lang: dict[str, list[str]] = {default: names}
    for lang in others:
        translated: list[str] = []
        for keyword, own in (("STUB", stub_names), ("HEADING", heading_names)):
            s = meta.get(keyword, lang)
            if s is None:
                translated += own
                continue
            given = items(s)
            if len(given) != len(own):
                problems.append(
                    problem(s.line, f"{s.name}: {len(given)} names but {keyword} has {len(own)}")
                )
                given = own
            translated += given
        names_by_lang[lang] = translated

    contvar = meta.text("CONTVARIABLE")
    variables: list[Variable] = []
    for index, name in enumerate(names):
        lang_names = {lang: names_by_lang[lang][index] for lang in languages}
        values_stmt = meta.get("VALUES", None, (name,))
        if values_stmt is None:
            anchor = where[name]
            assert anchor is not None
            problems.append(problem(anchor.line, f'VALUES("{name}"): missing for this variable'))
            continue
        texts = items(values_stmt)
        value_labels: dict[str, tuple[str, ...]] = {default: tuple(texts)}
        for lang in others:
            s = meta.get("VALUES", lang, (lang_names[lang],)) or meta.get("VALUES", lang, (name,))
            if s is None:
                value_labels[lang] = tuple(texts)
                continue
            given = items(s)
            if len(given) != len(texts):
                problems.append(
                    problem(s.line, f"{s.name}: {len(given)} values but VALUES has {len(texts)}")
                )
                given = texts
            value_labels[lang] = tuple(given)

        time_scale: str | None = None
        timeval_codes: list[str] | None = None
        timeval = meta.get("TIMEVAL", None, (name,))
        if timeval is not None:
            time_scale, listed = _timeval(timeval)
            timeval_codes = listed or None
        codes_stmt = meta.get("CODES", None, (name,))
        if codes_stmt is not None:
            codes = items(codes_stmt)
            if len(codes) != len(texts):
                problems.append(
                    problem(
                        values_stmt.line,
                        f'VALUES("{name}"): {len(texts)} values but CODES has {len(codes)}',
                    )
                )
                continue
        elif timeval_codes is not None:
            codes = timeval_codes
            if len(codes) != len(texts):
                assert timeval is not None
                problems.append(
                    problem(
                        values_stmt.line,
                        f'VALUES("{name}"): {len(texts)} values but TIMEVAL has {len(codes)}',
                    )
                )
                continue
        else:
            codes = list(texts)
        repeated = next((c for c, n in Counter(codes).items() if n > 1), None)
        if repeated is not None:
            stated = codes_stmt or timeval or values_stmt
            problems.append(
                problem(stated.line, f'{stated.name}: the code "{repeated}" is listed twice')
            )
            continue

        elimination, elimination_code = False, None
        elim = meta.get("ELIMINATION", None, (name,))
        if elim is not None:
            raw = text(elim)
            if raw.upper() in {"YES", "NO"}:
                elimination = raw.upper() == "YES"
            elif raw in texts:
                elimination, elimination_code = True, codes[texts.index(raw)]
            elif raw in codes:
                elimination, elimination_code = True, raw
            else:
                problems.append(problem(elim.line, f'{elim.name}: "{raw}" is not a value'))

        prestext = meta.get("PRESTEXT", None, (name,))
        show = "value"
        if prestext is not None:
            level = _int(prestext)
            show = {0: "code", 1: "value"}.get(level, "code_value")

        value_notes: dict[str, dict[str, tuple[str, ...]]] = {}
        for lang in languages:
            tag = None if lang == default else lang
            found_notes = [
                s
                for k in ("VALUENOTEX", "VALUENOTE")
                for s in meta.by_keyword.get(k, [])
                if (None if s.lang in (None, default) else s.lang) == tag
                and len(s.subkeys) == 2
                and s.subkeys[0] == lang_names[lang]
            ]
            if not found_notes:
                continue
            position_of = {label: n for n, label in enumerate(value_labels[lang])}
            per_code: dict[str, list[str]] = {}
            for s in found_notes:
                if s.subkeys[1] not in position_of:
                    problems.append(problem(s.line, f"{s.name}: no such value"))
                    continue
                per_code.setdefault(codes[position_of[s.subkeys[1]]], []).append(text(s))
            value_notes[lang] = {code: tuple(texts) for code, texts in per_code.items()}

        code_stmt = meta.get("VARIABLECODE", None, (name,))
        variables.append(
            Variable(
                code=text(code_stmt) if code_stmt else name,
                labels=lang_names,
                codes=tuple(codes),
                value_labels=value_labels,
                elimination=elimination,
                elimination_code=elimination_code,
                time_scale=time_scale,
                is_contents=name == contvar,
                show=show,
                notes=_notes(meta, languages, {lang: (lang_names[lang],) for lang in languages}),
                value_notes=value_notes,
            )
        )
    if problems:
        problems.sort(key=lambda p: int(p.pointer.split()[1]))
        raise bad(problems)

    decimals_stmt, show_stmt = meta.get("DECIMALS"), meta.get("SHOWDECIMALS")
    decimals = _int(decimals_stmt) if decimals_stmt else 0
    showdecimals = _int(show_stmt) if show_stmt else None
    table_units = _per_lang_text(meta, languages, "UNITS")
    stamps: list[datetime] = [_datetime(s) for s in meta.by_keyword.get("LAST-UPDATED", [])]

    contents_values: list[ContentsValue] = []
    contents_var = next((v for v in variables if v.is_contents), None)
    if contents_var is None:
        last = meta.get("LAST-UPDATED")
        stockfa, cfprices = meta.text("STOCKFA"), meta.text("CFPRICES")
        contents_values.append(
            ContentsValue(
                code="",
                units=table_units,
                decimals=showdecimals if showdecimals is not None else decimals,
                last_updated=_datetime(last) if last else None,
                refperiod=_per_lang_text(meta, languages, "REFPERIOD"),
                stockfa=stockfa,
                cfprices=cfprices,
            )
        )
    else:
        cname = contents_var.labels[default]
        for position, code in enumerate(contents_var.codes):
            label = contents_var.value_labels[default][position]
            units: dict[str, str] = {}
            refperiod: dict[str, str] = {}
            for lang in languages:
                value_sub = (contents_var.value_labels[lang][position],)
                u = meta.get("UNITS", lang, value_sub) or meta.get("UNITS", lang, (label,))
                if u is not None:
                    units[lang] = text(u)
                elif lang in table_units:
                    units[lang] = table_units[lang]
                r = meta.get("REFPERIOD", lang, value_sub) or meta.get("REFPERIOD", lang, (label,))
                if r is not None:
                    refperiod[lang] = text(r)
            precision = meta.get("PRECISION", None, (cname, label))
            last = meta.get("LAST-UPDATED", None, (label,))
            stock, cf = meta.get("STOCKFA", None, (label,)), meta.get("CFPRICES", None, (label,))
            contents_values.append(
                ContentsValue(
                    code=code,
                    units=units,
                    decimals=_int(precision)
                    if precision
                    else showdecimals
                    if showdecimals is not None
                    else decimals,
                    last_updated=_datetime(last) if last else None,
                    refperiod=refperiod,
                    stockfa=text(stock) if stock else None,
                    cfprices=text(cf) if cf else None,
                )
            )

    creation = meta.get("CREATION-DATE")
    updated = max(stamps) if stamps else (_datetime(creation) if creation else None)
    title = _per_lang_text(meta, languages, "TITLE")
    description = _per_lang_text(meta, languages, "DESCRIPTION")
    if description and (not title or _yes_no(meta.get("DESCRIPTIONDEFAULT"))):
        title = description

    expected = math.prod(len(v.codes) for v in variables)
    if expected > max_cells:
        raise fail(data_line, f"DATA: {expected} cells is more than the limit of {max_cells}")
    values = read_data(header.data[header.data_start :], stream, data_line, expected)
    table_notes = _notes(meta, languages, {lang: () for lang in languages})
    return PxTable(
        matrix=matrix,
        table_id=meta.text("TABLEID"),
        language=default,
        languages=tuple(languages),
        title=title,
        description=description,
        contents=_per_lang_text(meta, languages, "CONTENTS"),
        units=table_units,
        source=_per_lang_text(meta, languages, "SOURCE"),
        contact=_per_lang_text(meta, languages, "CONTACT"),
        notes=table_notes,
        decimals=decimals,
        showdecimals=showdecimals,
        subject_code=meta.text("SUBJECT-CODE") or "",
        subject_area=_per_lang_text(meta, languages, "SUBJECT-AREA"),
        official=_yes_no(meta.get("OFFICIAL-STATISTICS")),
        updated=updated,
        codepage=codepage,
        stub=tuple(v.code for v in variables[: len(stub_names)]),
        heading=tuple(v.code for v in variables[len(stub_names) :]),
        variables=tuple(variables),
        contents_values=tuple(contents_values),
        symbols=_symbols(meta),
        values=values,
        aggregallowed=_yes_no(meta.get("AGGREGALLOWED")),
    )
