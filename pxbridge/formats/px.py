"""A writer from :class:`pxbridge.ingest.px.PxTable` back to PX (PC-Axis) text.

Pure Python and numpy; the DATA block is formatted in bulk (one %-operation per block of rows), never
cell by cell in Python.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from pxbridge.formats import fixed_point, format_lines, shortest_decimals
from pxbridge.ingest.px import PxTable, Variable
from pxbridge.ingest.px_keywords import OSLO

_MAX_QUOTED = 256
_LINE = 200
_CODEPAGES = {
    "utf-8": ("utf-8", "utf-8"),
    "utf8": ("utf-8", "utf-8"),
    "cp1252": ("cp1252", "windows-1252"),
    "windows-1252": ("cp1252", "windows-1252"),
    "iso-8859-1": ("latin-1", "iso-8859-1"),
    "latin-1": ("latin-1", "iso-8859-1"),
}
_PRESTEXT = {"code": "0", "value": "1", "code_value": "2"}
# A statement's name as the parser gives it (:attr:`pxbridge.ingest.px_tokens.Statement.name`):
# KEYWORD, [lang], ("subkey","subkey").
_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)(?:\[([^\]]*)\])?(?:\((.*)\))?$", re.DOTALL)
_SUBKEY = re.compile(r'"([^"]*)"')
# Keywords whose values are bare numbers in a PX file; a kept text of one is written bare when it can be.
_BARE = frozenset({"SHOWDECIMALS", "PRECISION", "PRESTEXT"})
_BARE_TEXT = re.compile(r"^[A-Za-z0-9.+-]+$")


def _clean(text: str) -> str:
    # pyaxis splits the file at the first "DATA=", so it must not occur inside a text.
    return text.replace('"', "'").replace("\r", " ").replace("\n", " ").replace("DATA=", "DATA =")


def _quote(text: str) -> str:
    text = _clean(text)
    if len(text) <= _MAX_QUOTED:
        return f'"{text}"'
    parts = [text[i : i + _MAX_QUOTED] for i in range(0, len(text), _MAX_QUOTED)]
    return "\n".join(f'"{p}"' for p in parts)


def _quote_list(items: Sequence[str]) -> str:
    if not items:
        return '""'
    # Cleaned in one pass over the joined text: value lists can have a million entries.
    cleaned = _clean("\x00".join(items)).split("\x00")
    longest = max(map(len, cleaned))
    if longest > _MAX_QUOTED:
        return ",\n".join(_quote(item) for item in cleaned)
    per_line = max(1, _LINE // (longest + 3))
    groups = ('","'.join(cleaned[i : i + per_line]) for i in range(0, len(cleaned), per_line))
    return '"' + '",\n"'.join(groups) + '"'


def _key(keyword: str, lang: str | None, *subkeys: str) -> str:
    lang_part = f"[{lang}]" if lang else ""
    subs = "(" + ",".join(_quote(s) for s in subkeys) + ")" if subkeys else ""
    return f"{keyword}{lang_part}{subs}"


def _px_date(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%Y%m%d %H:%M")


def _pick(mapping: Mapping[str, str], lang: str, fallback: str) -> str | None:
    return mapping.get(lang, mapping.get(fallback))


def _format_exact(values: NDArray[np.float64], row_length: int) -> bytes:
    """Cells as PX DATA with every digit the stored float64 carries (shortest round trip, no exponent),
    symbols quoted, ``row_length`` cells a line. DECIMALS, SHOWDECIMALS and PRECISION say how many of
    them people are shown (issue 21).

    A chunk whose every cell needs at most 15 significant digits (any number a PX file writes) goes
    through the byte matrix of :func:`~pxbridge.formats.fixed_point` with each cell's fewest decimals
    (:func:`~pxbridge.formats.shortest_decimals`); another is written with ``repr``
    (:func:`~pxbridge.formats.format_lines`), slower (bench/tables_formats.py)."""
    width = max(row_length, 1)
    chunk = max(width, (1 << 20) // width * width)
    out: list[bytes] = []
    for start in range(0, values.size, chunk):
        part = values[start : start + chunk]
        decimals = shortest_decimals(part)
        if decimals is not None:
            last = (np.arange(1, part.size + 1) % width) == 0
            out.append(fixed_point(part, decimals, last))
            continue
        lines = format_lines(
            part.reshape(-1, width),
            row_decimals=None,
            col_decimals=None,
            decimals=0,
            sep=" ",
            symbol_markup=lambda symbol: f'"{symbol}"',
            exact=True,
        )
        out.append(("\n".join(lines) + "\n").encode("ascii"))
    return b"".join(out)


def _kept_statements(
    table: PxTable, variables: Sequence[Variable], default: str, languages: Sequence[str]
) -> list[tuple[str, str]]:
    """The statements of ``table.kept_as_text`` (optional keywords whose value could not be read, as the
    file had them) that fit the output: in one of its ``languages``, naming only variables and values
    it has (a selection may leave some out). Names are in the table's own language unless tagged; the
    output's ``default`` language has no tag."""
    out: list[tuple[str, str]] = []
    names: dict[str, set[str]] = {}  # per language: the variables' and their values' names

    def known(lang: str) -> set[str]:
        if lang not in names:
            own = table.language
            names[lang] = {v.labels.get(lang) or v.labels.get(own) or v.code for v in variables}
            for v in variables:
                names[lang].update(v.value_labels.get(lang) or v.value_labels.get(own) or v.codes)
        return names[lang]

    for name, value in table.kept_as_text.items():
        match = _NAME.match(name)
        if match is None:
            continue
        keyword, lang, subs = match.group(1), match.group(2) or table.language, match.group(3)
        if lang not in languages:
            continue
        subkeys = _SUBKEY.findall(subs) if subs else []
        if subkeys and not known(lang).issuperset(subkeys):
            continue
        bare = keyword.upper() in _BARE and _BARE_TEXT.match(value) is not None
        key = _key(keyword, None if lang == default else lang, *subkeys)
        out.append((key, value if bare else _quote(value)))
    return out


def write_px(
    table: PxTable,
    values: NDArray[np.float64],
    variables: Sequence[Variable],
    stub: Sequence[str],
    heading: Sequence[str],
    *,
    languages: Sequence[str] | None = None,
    codepage: str = "utf-8",
) -> bytes:
    """A PX file for ``table`` restricted to ``variables`` laid out as ``stub`` and ``heading``.

    ``values`` are the selected cells, flat and row-major over stub then heading, written with every
    digit they carry; DECIMALS, SHOWDECIMALS, each contents value's PRECISION (where it differs
    from SHOWDECIMALS, else DECIMALS) and PRECISION on other variables' values are written as
    ``table`` has them, and the optional keywords it kept as text as the file had them, in place of
    what the table's fields would give under the same statement name (issue 21). Raises
    ValueError when stub/heading do not name exactly the given variables, the cell count does
    not match, or the codepage is not one of utf-8, windows-1252 and iso-8859-1.
    """
    try:
        codec, declared = _CODEPAGES[codepage.lower()]
    except KeyError:
        raise ValueError(f"unsupported codepage {codepage!r}") from None
    by_code = {v.code: v for v in variables}
    order = [*stub, *heading]
    if sorted(order) != sorted(by_code) or len(order) != len(by_code):
        raise ValueError("stub and heading must name each given variable exactly once")
    ordered = [by_code[c] for c in order]
    sizes = [len(v.codes) for v in ordered]
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    if math.prod(sizes) != flat.size:
        raise ValueError(f"{flat.size} cells for dimensions of sizes {sizes}")
    langs = list(languages) if languages else list(table.languages)
    default = table.language if table.language in langs else langs[0]
    base = table.language
    others = [lang for lang in langs if lang != default]

    def name(v: Variable, lang: str) -> str:
        return v.labels.get(lang) or v.labels.get(base) or v.code

    def texts(v: Variable, lang: str) -> tuple[str, ...]:
        return v.value_labels.get(lang) or v.value_labels.get(base) or v.codes

    contvar = next((v for v in ordered if v.is_contents), None)
    by_contents = {c.code: c for c in table.contents_values}
    shown = table.showdecimals if table.showdecimals is not None else table.decimals

    lines: list[str] = []
    written: dict[str, int] = {}  # each statement's key -> its line in ``lines``

    def put(key: str, value: str) -> None:
        written[key] = len(lines)
        lines.append(f"{key}={value};")

    def put_text(keyword: str, mapping: Mapping[str, str], lang: str, *subs: str) -> None:
        text = _pick(mapping, lang, base)
        if text is not None:
            put(_key(keyword, None if lang == default else lang, *subs), _quote(text))

    def language_block(lang: str) -> None:
        tag = None if lang == default else lang
        put_text("SUBJECT-AREA", table.subject_area, lang)
        put_text("TITLE", table.title, lang)
        put_text("DESCRIPTION", table.description, lang)
        # CONTENTS is mandatory (PxWeb refuses a file without it); a table from JSON-stat or CSV
        # has none of its own, so its title stands in (issue 21).
        put_text("CONTENTS", table.contents or table.title, lang)
        units = dict(table.units)
        if not units and table.contents_values:
            units = dict(table.contents_values[0].units)
        put_text("UNITS", units, lang)
        if stub:
            put(_key("STUB", tag), _quote_list([name(by_code[c], lang) for c in stub]))
        if heading:
            put(_key("HEADING", tag), _quote_list([name(by_code[c], lang) for c in heading]))
        if contvar is not None:
            put(_key("CONTVARIABLE", tag), _quote(name(contvar, lang)))
        for v in ordered:
            vname = name(v, lang)
            labels = texts(v, lang)
            if tag is None:
                put(_key("VARIABLECODE", None, vname), _quote(v.code))
            put(_key("VALUES", tag, vname), _quote_list(labels))
            if tag is None and v.time_scale:
                put(_key("TIMEVAL", None, vname), f"TLIST({v.time_scale}1)," + _quote_list(v.codes))
            if tag is None:
                put(_key("CODES", None, vname), _quote_list(v.codes))
            if v.elimination_code is not None and v.elimination_code in v.codes:
                elim = _quote(labels[v.codes.index(v.elimination_code)])
                put(_key("ELIMINATION", tag, vname), elim)
            elif tag is None:
                yes = v.elimination and v.elimination_code is None
                put(_key("ELIMINATION", None, vname), "YES" if yes else "NO")
            if tag is None:
                put(_key("PRESTEXT", None, vname), _PRESTEXT.get(v.show, "1"))
            if tag is None and not v.is_contents:  # the contents variable's: below, per value
                for position, code in enumerate(v.codes):
                    if code in v.precision:
                        put(
                            _key("PRECISION", None, vname, labels[position]), str(v.precision[code])
                        )
            # Notes are not padded with another language's text: a missing note stays missing.
            for note in v.notes.get(lang, v.notes.get(base, ()) if tag is None else ()):
                put(_key("NOTE", tag, vname), _quote(note))
            notes_by_code = v.value_notes.get(
                lang, v.value_notes.get(base, {}) if tag is None else {}
            )
            if notes_by_code:
                for position, code in enumerate(v.codes):
                    for note in notes_by_code.get(code, ()):
                        put(_key("VALUENOTE", tag, vname, labels[position]), _quote(note))
        if contvar is not None:
            cname, labels = name(contvar, lang), texts(contvar, lang)
            for position, code in enumerate(contvar.codes):
                cv = by_contents.get(code)
                if cv is None:
                    continue
                if tag is None and cv.decimals != shown:
                    put(_key("PRECISION", None, cname, labels[position]), str(cv.decimals))
                if tag is None and cv.last_updated is not None:
                    put(
                        _key("LAST-UPDATED", None, labels[position]),
                        _quote(_px_date(cv.last_updated)),
                    )
                if tag is None and cv.stockfa:
                    put(_key("STOCKFA", None, labels[position]), _quote(cv.stockfa))
                if tag is None and cv.cfprices:
                    put(_key("CFPRICES", None, labels[position]), _quote(cv.cfprices))
                put_text("UNITS", cv.units, lang, labels[position])
                put_text("REFPERIOD", cv.refperiod, lang, labels[position])
        elif table.contents_values and tag is None:
            cv = table.contents_values[0]
            if cv.last_updated is not None:
                put("LAST-UPDATED", _quote(_px_date(cv.last_updated)))
            if cv.stockfa:
                put("STOCKFA", _quote(cv.stockfa))
            if cv.cfprices:
                put("CFPRICES", _quote(cv.cfprices))
        if contvar is None and table.contents_values:
            put_text("REFPERIOD", table.contents_values[0].refperiod, lang)
        put_text("SOURCE", table.source, lang)
        put_text("CONTACT", table.contact, lang)
        for note in table.notes.get(lang, table.notes.get(base, ()) if tag is None else ()):
            put(_key("NOTE", tag), _quote(note))

    if declared != "utf-8":
        put("CHARSET", '"ANSI"')
    put("AXIS-VERSION", '"2013"')
    put("CODEPAGE", _quote(declared))
    put("LANGUAGE", _quote(default))
    if others:
        put("LANGUAGES", _quote_list([default, *others]))
    if table.updated is not None:
        put("CREATION-DATE", _quote(_px_date(table.updated)))
    if table.official is not None:
        put("OFFICIAL-STATISTICS", "YES" if table.official else "NO")
    put("DECIMALS", str(table.decimals))
    if table.showdecimals is not None:
        put("SHOWDECIMALS", str(table.showdecimals))
    put("MATRIX", _quote(table.matrix))
    if table.aggregallowed is not None:  # after MATRIX, in the PX keyword order
        put("AGGREGALLOWED", "YES" if table.aggregallowed else "NO")
    if table.table_id:
        put("TABLEID", _quote(table.table_id))
    put("SUBJECT-CODE", _quote(table.subject_code))
    for k in range(1, 7):
        symbol = "." * k
        if table.symbols.get(symbol, symbol) != symbol:
            put(f"DATASYMBOL{k}", _quote(table.symbols[symbol]))
    if table.symbols.get("-", "-") != "-":
        put("DATASYMBOLNIL", _quote(table.symbols["-"]))
    language_block(default)
    for lang in others:
        language_block(lang)
    for key, value in _kept_statements(table, ordered, default, [default, *others]):
        line = f"{key}={value};"
        if key in written:  # the file's own text, not what the writer made of the table
            lines[written[key]] = line
        else:
            lines.append(line)

    row_length = math.prod(len(by_code[c].codes) for c in heading)
    header = ("\n".join(lines) + "\nDATA=\n").encode(codec, errors="replace")
    return header + _format_exact(flat, row_length) + b";\n"
