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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

import numpy as np
from numpy.typing import NDArray

from portal.kernel.errors import FieldError
from pxbridge.ingest.px_checks import check_mandatory, check_references, contents_variable
from pxbridge.ingest.px_data import read_data
from pxbridge.ingest.px_keys import read_keys_data
from pxbridge.ingest.px_keywords import (
    Meta,
    data_symbols,
    notes_of,
    optional_whole_number,
    oslo_datetime,
    per_lang_text,
    time_values,
    whole_number,
    yes_no,
)
from pxbridge.ingest.px_tokens import (
    PxWarning,
    Statement,
    bad,
    fail,
    items,
    normalise_lang,
    problem,
    read_header,
    text,
)
from pxbridge.ingest.px_values import codes_of, elimination_of, precision_of, value_notes_of

__all__ = ["ContentsValue", "PxTable", "PxWarning", "Variable", "parse_px", "read_px"]


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
    #: PRECISION("variable","value")=n: the decimals of that value's cells, by value code. PxWeb
    #: allows it on any variable (its "$$SORT" variable in the example database), not only the
    #: contents variable, whose values' decimals are also in :class:`ContentsValue`.
    precision: Mapping[str, int] = field(default_factory=dict)


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
    #: What was read another way than the file says, or left out, without refusing it (issue 21).
    warnings: tuple[PxWarning, ...] = ()
    #: Optional keywords whose value could not be read, by statement name, as the file has them
    #: (e.g. ``{"LAST-UPDATED": "05/10/99"}``).
    kept_as_text: Mapping[str, str] = field(default_factory=dict)

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

    Raises BadRequest, each problem pointing at ``"line N"`` and naming the keyword, for what PxWeb
    refuses (docs/px-reading.md): an unknown codepage or undecodable bytes, a mandatory keyword's
    statement that cannot be read, a missing MATRIX, TITLE, CONTENTS, UNITS (also of a value of the
    contents variable), DATA, STUB/HEADING or VALUES, a CONTVARIABLE, VALUES, CODES or KEYS naming
    no variable, CODES/VALUES length mismatches; and for more than ``max_cells`` cells or a DATA
    count mismatch. What PxWeb reads on past is read, each in a :class:`PxWarning` of the table's
    ``warnings``: an optional keyword's unreadable statement or value (kept as text in
    ``kept_as_text``), names of no variable or value, a TLIST scale PxWeb does not know, DATA
    without its final ``;``. KEYS (sparse) DATA is read into the dense cells.
    """
    header = read_header(stream)
    statements, data_line = header.statements, header.data_line
    warnings = list(header.warnings)
    meta, languages = _keywords(statements)
    problems: list[FieldError] = []
    variables, stub_count, names_by_lang = _variables(
        meta, languages, data_line, problems, warnings
    )
    contents_var = next((v for v in variables if v.is_contents), None)
    contents_labels = (
        {lang: contents_var.value_labels[lang] for lang in languages}
        if contents_var is not None
        else None
    )
    check_mandatory(
        meta,
        data_line,
        contents_labels[meta.default] if contents_labels is not None else None,
        problems,
        warnings,
    )
    if meta.get("CONTVARIABLE") is None or contents_var is not None:
        check_references(meta, names_by_lang, contents_labels, problems, warnings)
    if problems:
        problems.sort(key=lambda p: int(p.pointer.split()[1]))
        raise bad(problems)
    matrix = meta.text("MATRIX")
    assert matrix  # check_mandatory

    decimals_stmt = meta.get("DECIMALS")
    decimals = whole_number(decimals_stmt) if decimals_stmt else 0
    show_stmt = meta.get("SHOWDECIMALS")
    showdecimals = optional_whole_number(show_stmt, warnings, 0, 6)
    if show_stmt is not None and showdecimals is not None and showdecimals > decimals:
        warnings.append(
            PxWarning.said(
                show_stmt.line,
                show_stmt.name,
                "imp.px.w.showdecimals",
                text(show_stmt),
                shown=showdecimals,
                decimals=decimals,
            )
        )
        showdecimals = None
    table_units = per_lang_text(meta, languages, "UNITS")
    stamps = [
        stamp
        for s in meta.by_keyword.get("LAST-UPDATED", [])
        if (stamp := _date(s, warnings)) is not None
    ]
    contents_values = _contents_values(
        meta,
        languages,
        variables,
        showdecimals if showdecimals is not None else decimals,
        table_units,
        warnings,
    )
    creation = meta.get("CREATION-DATE")
    created = _date(creation, warnings) if creation else None
    updated = max(stamps) if stamps else created
    title = per_lang_text(meta, languages, "TITLE")
    description = per_lang_text(meta, languages, "DESCRIPTION")
    if description and (not title or yes_no(meta.get("DESCRIPTIONDEFAULT"))):
        title = description

    expected = math.prod(len(v.codes) for v in variables)
    if expected > max_cells:
        raise fail(data_line, "imp.px.too_many_cells", expected=expected, limit=max_cells)
    head = header.data[header.data_start :]
    if meta.by_keyword.get("KEYS"):
        values = read_keys_data(
            head,
            stream,
            header.codec,
            data_line,
            _keys(meta, variables[:stub_count]),
            math.prod(len(v.codes) for v in variables[stub_count:]),
            warnings,
        )
    else:
        values = read_data(head, stream, data_line, expected, warnings)
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
        warnings=tuple(sorted(warnings, key=lambda w: w.line)),
        kept_as_text={w.keyword: w.value for w in warnings if w.value is not None},
    )


def _date(statement: Statement, warnings: list[PxWarning]) -> datetime | None:
    """A date keyword's value; None, with a warning (once), for one that is no PX date."""
    if any(w.line == statement.line and w.keyword == statement.name for w in warnings):
        return None  # read before, and not a date
    return oslo_datetime(statement, warnings)


def _keys(meta: Meta, stub: list[Variable]) -> list[tuple[str, tuple[str, ...]]]:
    """For each stub variable, its name and what its KEYS rows name it by: CODES with
    ``KEYS("var")=CODES``, else VALUES (as PxWeb; KEYS of a heading variable is refused)."""
    default = meta.default
    stub_names = {v.labels[default] for v in stub}
    for s in meta.by_keyword.get("KEYS", []):
        if s.subkeys and s.subkeys[0] not in stub_names:
            raise fail(s.line, "imp.px.keys_not_stub", name=s.name)
    out = []
    for v in stub:
        name = v.labels[default]
        kind = meta.get("KEYS", None, (name,))
        by_codes = kind is not None and text(kind).upper() == "CODES"
        out.append((name, v.codes if by_codes else v.value_labels[default]))
    return out


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


def _variables(
    meta: Meta,
    languages: list[str],
    data_line: int,
    problems: list[FieldError],
    warnings: list[PxWarning],
) -> tuple[list[Variable], int, dict[str, list[str]]]:
    """The variables STUB and HEADING name, in that order, how many of them are in the stub, and
    their names in each language. Every problem of every variable is added to ``problems``."""
    stub_stmt, heading_stmt = meta.get("STUB"), meta.get("HEADING")
    if stub_stmt is None and heading_stmt is None:
        raise fail(data_line, "imp.px.no_stub_heading")
    stub_names = items(stub_stmt) if stub_stmt else []
    heading_names = items(heading_stmt) if heading_stmt else []
    names = stub_names + heading_names
    where = {n: (stub_stmt if n in stub_names else heading_stmt) for n in names}
    names_by_lang = _names_by_lang(meta, languages, stub_names, heading_names, problems)
    contvar = contents_variable(meta, names, problems)
    variables: list[Variable] = []
    for index, name in enumerate(names):
        lang_names = {lang: names_by_lang[lang][index] for lang in languages}
        values_stmt = meta.get("VALUES", None, (name,))
        if values_stmt is None:
            anchor = where[name]
            assert anchor is not None
            problems.append(problem(anchor.line, "imp.px.values_missing", name=name))
            continue
        variable = _variable(
            meta, languages, name, lang_names, values_stmt, name == contvar, problems, warnings
        )
        if variable is not None:
            variables.append(variable)
    return variables, len(stub_names), names_by_lang


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
            translated += _translated(
                meta.get(keyword, lang), own, "imp.px.translated_names", keyword, problems
            )
        names_by_lang[lang] = translated
    return names_by_lang


def _translated(
    stated: Statement | None, own: list[str], key: str, keyword: str, problems: list[FieldError]
) -> list[str]:
    """A translated list (STUB, HEADING, VALUES in another language): as ``stated``, else ``own``
    (the default language's), also when its length differs, which is the problem ``key``."""
    if stated is None:
        return own
    given = items(stated)
    if len(given) != len(own):
        problems.append(
            problem(
                stated.line, key, name=stated.name, given=len(given), keyword=keyword, own=len(own)
            )
        )
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
    warnings: list[PxWarning],
) -> Variable | None:
    """One variable from its VALUES, CODES, TIMEVAL, ELIMINATION, PRESTEXT, notes and
    VARIABLECODE; None (its problems added) when its codes are unusable."""
    default = meta.default
    texts = items(values_stmt)
    value_labels: dict[str, tuple[str, ...]] = {default: tuple(texts)}
    for lang in languages[1:]:
        s = meta.get("VALUES", lang, (lang_names[lang],)) or meta.get("VALUES", lang, (name,))
        value_labels[lang] = tuple(
            _translated(s, texts, "imp.px.translated_values", "VALUES", problems)
        )

    time_scale: str | None = None
    listed: list[str] = []
    timeval = meta.get("TIMEVAL", None, (name,))
    if timeval is not None:
        time_scale, listed = time_values(timeval, warnings)
        if listed and len(listed) != len(texts):
            warnings.append(
                PxWarning.said(
                    timeval.line,
                    timeval.name,
                    "imp.px.w.periods_count",
                    listed=len(listed),
                    texts=len(texts),
                )
            )
            listed = []
    codes = codes_of(meta, name, texts, values_stmt, timeval, listed, problems, warnings)
    if codes is None:
        return None
    elimination, elimination_code = elimination_of(meta, name, texts, codes, warnings)

    level = optional_whole_number(meta.get("PRESTEXT", None, (name,)), warnings, 0, 3)
    show = "value" if level is None else {0: "code", 1: "value"}.get(level, "code_value")

    value_notes = value_notes_of(meta, languages, lang_names, value_labels, codes, warnings)
    precision = precision_of(meta, name, texts, codes, warnings)
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
        precision=precision,
    )


def _contents_values(
    meta: Meta,
    languages: list[str],
    variables: list[Variable],
    decimals: int,
    table_units: dict[str, str],
    warnings: list[PxWarning],
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
                last_updated=_date(last, warnings) if last else None,
                refperiod=per_lang_text(meta, languages, "REFPERIOD"),
                stockfa=stockfa,
                cfprices=cfprices,
            )
        ]
    contents_values: list[ContentsValue] = []
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
        precision = contents_var.precision.get(code)
        last = meta.get("LAST-UPDATED", None, (label,))
        stock, cf = meta.get("STOCKFA", None, (label,)), meta.get("CFPRICES", None, (label,))
        contents_values.append(
            ContentsValue(
                code=code,
                units=units,
                decimals=precision if precision is not None else decimals,
                last_updated=_date(last, warnings) if last else None,
                refperiod=refperiod,
                stockfa=text(stock) if stock else None,
                cfprices=text(cf) if cf else None,
            )
        )
    return contents_values
