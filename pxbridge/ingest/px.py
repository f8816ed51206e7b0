"""PX (PC-Axis) files: the parser into :class:`PxTable` (the writer is :mod:`pxbridge.formats.px`).

Pure Python and numpy. Metadata is tokenised statement by statement on the raw bytes (every
supported codepage is ASCII-compatible, so quotes, ``=`` and ``;`` are unambiguous before
decoding, see :mod:`pxbridge.ingest.px_tokens`); its keywords are read by language
(:mod:`pxbridge.ingest.px_keywords`) into variables here; the DATA block is converted in bulk by
numpy (:mod:`pxbridge.ingest.px_data`), never cell by cell in Python.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import numpy as np
from numpy.typing import NDArray

from portal.kernel.errors import FieldError
from pxbridge.ingest.px_data import read_data
from pxbridge.ingest.px_keywords import (
    Meta,
    data_symbols,
    notes_of,
    oslo_datetime,
    per_lang_text,
    time_values,
    whole_number,
    yes_no,
)
from pxbridge.ingest.px_tokens import (
    Statement,
    bad,
    fail,
    items,
    normalise_lang,
    problem,
    read_header,
    text,
)


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
# The parser


def parse_px(data: bytes, *, max_cells: int = 20_000_000) -> PxTable:
    """Parse a PX file held in memory: :func:`read_px` on its bytes."""
    return read_px(io.BytesIO(data), max_cells=max_cells)


def read_px(stream: IO[bytes], *, max_cells: int = 20_000_000) -> PxTable:
    """Parse the PX file ``stream`` reads: the metadata first, so a table of more than ``max_cells``
    cells is refused before its DATA is read; then DATA a block at a time into the cells' array
    (an upload's memory is its cells, not its text; issue 16).

    The steps: tokens (:func:`~pxbridge.ingest.px_tokens.read_header`), keywords (:class:`Meta`, by
    language), variables (:func:`_variables`), the table's own keywords (:func:`_contents_values` and
    the texts), and DATA (:func:`~pxbridge.ingest.px_data.read_data`).

    Raises BadRequest, each problem pointing at ``"line N"`` and naming the keyword, for an
    unknown codepage or undecodable bytes, malformed statements (unterminated quote, no ``=``),
    a missing MATRIX, DATA, STUB/HEADING or VALUES, CODES/VALUES/TIMEVAL length mismatches,
    KEYS (sparse data, unsupported), more than ``max_cells`` cells, or a DATA count mismatch.
    """
    header = read_header(stream)
    statements, data_line = header.statements, header.data_line
    meta, languages = _keywords(statements)
    matrix = meta.text("MATRIX")
    if not matrix:
        raise fail(1, "MATRIX: the file has no MATRIX keyword")
    keys = meta.by_keyword.get("KEYS")
    if keys:
        raise fail(keys[0].line, "KEYS is not supported (sparse DATA); write every cell")
    variables, stub_count = _variables(meta, languages, data_line)

    decimals_stmt, show_stmt = meta.get("DECIMALS"), meta.get("SHOWDECIMALS")
    decimals = whole_number(decimals_stmt) if decimals_stmt else 0
    showdecimals = whole_number(show_stmt) if show_stmt else None
    table_units = per_lang_text(meta, languages, "UNITS")
    stamps: list[datetime] = [oslo_datetime(s) for s in meta.by_keyword.get("LAST-UPDATED", [])]
    contents_values = _contents_values(
        meta,
        languages,
        variables,
        showdecimals if showdecimals is not None else decimals,
        table_units,
    )
    creation = meta.get("CREATION-DATE")
    updated = max(stamps) if stamps else (oslo_datetime(creation) if creation else None)
    title = per_lang_text(meta, languages, "TITLE")
    description = per_lang_text(meta, languages, "DESCRIPTION")
    if description and (not title or yes_no(meta.get("DESCRIPTIONDEFAULT"))):
        title = description

    expected = math.prod(len(v.codes) for v in variables)
    if expected > max_cells:
        raise fail(data_line, f"DATA: {expected} cells is more than the limit of {max_cells}")
    values = read_data(header.data[header.data_start :], stream, data_line, expected)
    return PxTable(
        matrix=matrix,
        table_id=meta.text("TABLEID"),
        language=meta.default,
        languages=tuple(languages),
        title=title,
        description=description,
        contents=per_lang_text(meta, languages, "CONTENTS"),
        units=table_units,
        source=per_lang_text(meta, languages, "SOURCE"),
        contact=per_lang_text(meta, languages, "CONTACT"),
        notes=notes_of(meta, languages, {lang: () for lang in languages}),
        decimals=decimals,
        showdecimals=showdecimals,
        subject_code=meta.text("SUBJECT-CODE") or "",
        subject_area=per_lang_text(meta, languages, "SUBJECT-AREA"),
        official=yes_no(meta.get("OFFICIAL-STATISTICS")),
        updated=updated,
        codepage=header.codepage,
        stub=tuple(v.code for v in variables[:stub_count]),
        heading=tuple(v.code for v in variables[stub_count:]),
        variables=tuple(variables),
        contents_values=tuple(contents_values),
        symbols=data_symbols(meta),
        values=values,
        aggregallowed=yes_no(meta.get("AGGREGALLOWED")),
    )


def _keywords(statements: list[Statement]) -> tuple[Meta, list[str]]:
    """The statements by keyword and language, and the file's languages: its LANGUAGE (``nb`` when
    absent) first, then those LANGUAGES lists, then any other a statement is written in."""
    language_stmt = next((s for s in statements if s.keyword == "LANGUAGE" and not s.lang), None)
    default = normalise_lang(text(language_stmt)) if language_stmt else "nb"
    meta = Meta(statements, default)
    declared = meta.get("LANGUAGES")
    languages = [default]
    extra = [normalise_lang(x) for x in items(declared)] if declared else []
    extra += sorted({s.lang for s in statements if s.lang and s.lang != default})
    for lang in extra:
        if lang not in languages:
            languages.append(lang)
    return meta, languages


def _variables(meta: Meta, languages: list[str], data_line: int) -> tuple[list[Variable], int]:
    """The variables STUB and HEADING name, in that order, and how many of them are in the stub.
    Every problem of every variable is collected, then raised together, ordered by line."""
    stub_stmt, heading_stmt = meta.get("STUB"), meta.get("HEADING")
    if stub_stmt is None and heading_stmt is None:
        raise fail(data_line, "STUB/HEADING: the file has neither STUB nor HEADING")
    stub_names = items(stub_stmt) if stub_stmt else []
    heading_names = items(heading_stmt) if heading_stmt else []
    names = stub_names + heading_names
    where = {n: (stub_stmt if n in stub_names else heading_stmt) for n in names}
    problems: list[FieldError] = []
    names_by_lang = _names_by_lang(meta, languages, stub_names, heading_names, problems)
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
        variable = _variable(
            meta, languages, name, lang_names, values_stmt, name == contvar, problems
        )
        if variable is not None:
            variables.append(variable)
    if problems:
        problems.sort(key=lambda p: int(p.pointer.split()[1]))
        raise bad(problems)
    return variables, len(stub_names)


def _names_by_lang(
    meta: Meta,
    languages: list[str],
    stub_names: list[str],
    heading_names: list[str],
    problems: list[FieldError],
) -> dict[str, list[str]]:
    """The variables' names in each language: translated STUB/HEADING name the same variables in
    the same order (a list of another length is a problem, and the default language's names stand)."""
    default = meta.default
    names_by_lang: dict[str, list[str]] = {default: stub_names + heading_names}
    for lang in languages[1:]:
        translated: list[str] = []
        for keyword, own in (("STUB", stub_names), ("HEADING", heading_names)):
            translated += _translated(meta.get(keyword, lang), own, "names", keyword, problems)
        names_by_lang[lang] = translated
    return names_by_lang


def _translated(
    stated: Statement | None, own: list[str], what: str, keyword: str, problems: list[FieldError]
) -> list[str]:
    """A translated list (STUB, HEADING, VALUES in another language): as ``stated``, else ``own``
    (the default language's), also when its length differs, which is a problem."""
    if stated is None:
        return own
    given = items(stated)
    if len(given) != len(own):
        message = f"{stated.name}: {len(given)} {what} but {keyword} has {len(own)}"
        problems.append(problem(stated.line, message))
        return own
    return given


def _variable(
    meta: Meta,
    languages: list[str],
    name: str,
    lang_names: dict[str, str],
    values_stmt: Statement,
    is_contents: bool,
    problems: list[FieldError],
) -> Variable | None:
    """One variable from its VALUES, CODES, TIMEVAL, ELIMINATION, PRESTEXT, notes and
    VARIABLECODE; None (its problems added) when its codes are unusable."""
    default = meta.default
    texts = items(values_stmt)
    value_labels: dict[str, tuple[str, ...]] = {default: tuple(texts)}
    for lang in languages[1:]:
        s = meta.get("VALUES", lang, (lang_names[lang],)) or meta.get("VALUES", lang, (name,))
        value_labels[lang] = tuple(_translated(s, texts, "values", "VALUES", problems))

    time_scale: str | None = None
    listed: list[str] = []
    timeval = meta.get("TIMEVAL", None, (name,))
    if timeval is not None:
        time_scale, listed = time_values(timeval)
    codes = _codes(meta, name, texts, values_stmt, timeval, listed, problems)
    if codes is None:
        return None
    elimination, elimination_code = _elimination(meta, name, texts, codes, problems)

    prestext = meta.get("PRESTEXT", None, (name,))
    show = "value"
    if prestext is not None:
        level = whole_number(prestext)
        show = {0: "code", 1: "value"}.get(level, "code_value")

    value_notes = _value_notes(meta, languages, lang_names, value_labels, codes, problems)
    code_stmt = meta.get("VARIABLECODE", None, (name,))
    return Variable(
        code=text(code_stmt) if code_stmt else name,
        labels=lang_names,
        codes=tuple(codes),
        value_labels=value_labels,
        elimination=elimination,
        elimination_code=elimination_code,
        time_scale=time_scale,
        is_contents=is_contents,
        show=show,
        notes=notes_of(meta, languages, {lang: (lang_names[lang],) for lang in languages}),
        value_notes=value_notes,
    )


def _codes(
    meta: Meta,
    name: str,
    texts: list[str],
    values_stmt: Statement,
    timeval: Statement | None,
    listed: list[str],
    problems: list[FieldError],
) -> list[str] | None:
    """A variable's codes: its CODES, else the periods its TIMEVAL ``listed``, else its VALUES. None
    (a problem added) when they are not one a value, or one is listed twice."""
    codes_stmt = meta.get("CODES", None, (name,))
    if codes_stmt is not None:
        codes, stated_in = items(codes_stmt), "CODES"
    elif listed:
        codes, stated_in = listed, "TIMEVAL"
    else:
        codes, stated_in = list(texts), "VALUES"
    if len(codes) != len(texts):
        message = f'VALUES("{name}"): {len(texts)} values but {stated_in} has {len(codes)}'
        problems.append(problem(values_stmt.line, message))
        return None
    repeated = next((c for c, n in Counter(codes).items() if n > 1), None)
    if repeated is not None:
        stated = codes_stmt or timeval or values_stmt
        problems.append(
            problem(stated.line, f'{stated.name}: the code "{repeated}" is listed twice')
        )
        return None
    return codes


def _elimination(
    meta: Meta, name: str, texts: list[str], codes: list[str], problems: list[FieldError]
) -> tuple[bool, str | None]:
    """ELIMINATION: YES or NO, or the value (by text or code) that stands for the whole variable."""
    elim = meta.get("ELIMINATION", None, (name,))
    if elim is None:
        return False, None
    raw = text(elim)
    if raw.upper() in {"YES", "NO"}:
        return raw.upper() == "YES", None
    if raw in texts:
        return True, codes[texts.index(raw)]
    if raw in codes:
        return True, raw
    problems.append(problem(elim.line, f'{elim.name}: "{raw}" is not a value'))
    return False, None


def _value_notes(
    meta: Meta,
    languages: list[str],
    lang_names: dict[str, str],
    value_labels: dict[str, tuple[str, ...]],
    codes: list[str],
    problems: list[FieldError],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """VALUENOTE(X)s of a variable, by language and value code (a note on no such value is a problem)."""
    default = meta.default
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
    return value_notes


def _contents_values(
    meta: Meta,
    languages: list[str],
    variables: list[Variable],
    decimals: int,
    table_units: dict[str, str],
) -> list[ContentsValue]:
    """Units, decimals (PRECISION, else ``decimals``), reference period, LAST-UPDATED, STOCKFA and
    CFPRICES of each value of the contents variable, or of the table's one contents without one."""
    contents_var = next((v for v in variables if v.is_contents), None)
    if contents_var is None:
        last = meta.get("LAST-UPDATED")
        stockfa, cfprices = meta.text("STOCKFA"), meta.text("CFPRICES")
        return [
            ContentsValue(
                code="",
                units=table_units,
                decimals=decimals,
                last_updated=oslo_datetime(last) if last else None,
                refperiod=per_lang_text(meta, languages, "REFPERIOD"),
                stockfa=stockfa,
                cfprices=cfprices,
            )
        ]
    contents_values: list[ContentsValue] = []
    cname = contents_var.labels[meta.default]
    for position, code in enumerate(contents_var.codes):
        label = contents_var.value_labels[meta.default][position]
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
                decimals=whole_number(precision) if precision else decimals,
                last_updated=oslo_datetime(last) if last else None,
                refperiod=refperiod,
                stockfa=text(stock) if stock else None,
                cfprices=text(cf) if cf else None,
            )
        )
    return contents_values
