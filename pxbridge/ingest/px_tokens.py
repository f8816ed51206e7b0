"""The PX tokeniser: codepage detection, metadata statements, and the parser's error helpers.

Split out of :mod:`pxbridge.ingest.px`; :func:`pxbridge.ingest.px.parse_px` is the entry point. The error
helpers live here, below both the parser and :mod:`pxbridge.ingest.px_data`, so that every module
raises the same ``BadRequest`` without importing each other.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Self

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import translate
from pxbridge.ingest.placeholders import Place, Reason

# --------------------------------------------------------------------------------------------
# Errors


def problem(line: int, key: str, /, **values: object) -> FieldError:
    """The problem ``key`` of the message catalogue (:mod:`pxbridge.ingest.messages`) on ``line``."""
    return FieldError.said(f"line {line}", key, **values)


def bad(problems: Sequence[FieldError]) -> BadRequest:
    first = problems[0]
    return BadRequest("", tuple(problems)).said(
        "imp.px.invalid", at=Place(first), why=Reason(first)
    )


def fail(line: int, key: str, /, **values: object) -> BadRequest:
    return bad([problem(line, key, **values)])


@dataclass(frozen=True)
class PxWarning:
    """Something in a PX file that was read another way than it says, or left out, without refusing
    the file: where PxWeb warns and reads on, so do we (docs/px-reading.md)."""

    line: int
    keyword: str
    #: What happened, in English (what the API answers); :meth:`message` says it in a language.
    text: str
    #: An optional keyword's value that could not be used, as the file has it (kept as text).
    value: str | None = None
    #: The text's key in the message catalogue, and the values of its placeholders.
    key: str | None = field(default=None, compare=False)
    values: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def said(
        cls, line: int, keyword: str, key: str, value: str | None = None, /, **values: object
    ) -> Self:
        """The warning told by the catalogue's ``key`` (its English text as ``text``)."""
        return cls(line, keyword, translate(key, "en", **values), value, key, values)

    def message(self, lang: str | None = None) -> str:
        """What happened, in ``lang`` (default: the request's language)."""
        return self.text if self.key is None else translate(self.key, lang, **self.values)


# The keywords PxWeb's Paxiom knows (PCAxis.Core, PXKeywords.vb). Those it marks mandatory, and
# CODES, refuse the file when their statement cannot be read; any other known one is left out with
# a warning (DESCRIPTION too, though mandatory: TITLE stands in). An unknown keyword that cannot be
# read refuses the file, as in PxWeb; one that can is kept and ignored.
UNREADABLE_IS_FATAL = frozenset(
    {
        "MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "CONTENTS", "UNITS", "DECIMALS", "TITLE",
        "STUB", "HEADING", "VALUES", "DATA", "CODES",
    }
)  # fmt: skip
KNOWN_KEYWORDS = UNREADABLE_IS_FATAL | frozenset(
    {
        "DESCRIPTION", "AGGREGALLOWED", "AUTOPEN", "AXIS-VERSION", "BASEPERIOD", "CELLNOTE",
        "CELLNOTEX", "CFPRICES", "CHARSET", "CODEPAGE", "CONFIDENTIAL", "CONTACT",
        "CONTVARIABLE", "COPYRIGHT", "CREATION-DATE", "DATABASE", "DATANOTE", "DATANOTESUM",
        "DATASYMBOL1", "DATASYMBOL2", "DATASYMBOL3", "DATASYMBOL4", "DATASYMBOL5",
        "DATASYMBOL6", "DATASYMBOL7", "DATASYMBOLNIL", "DATASYMBOLSUM", "DAYADJ", "DECIMAL",
        "DESCRIPTIONDEFAULT", "DOMAIN", "DOUBLECOLUMN", "ELIMINATION", "INFOFILE", "KEYS",
        "LANGUAGE", "LANGUAGES", "LAST-UPDATED", "MAP", "NOTE", "NOTEX", "PARTITIONED",
        "PRECISION", "PRESTEXT", "REFPERIOD", "SEASADJ", "SHOWDECIMALS", "SOURCE", "STOCKFA",
        "TIMEVAL", "VALUENOTE", "VALUENOTEX", "UPDATE-FREQUENCY", "NEXT-UPDATE", "PX-SERVER",
        "DIRECTORY-PATH", "INFO", "LINK", "SURVEY", "TABLEID", "DEFAULT-GRAPH", "VARIABLE-TYPE",
        "HIERARCHIES", "HIERARCHYNAMES", "HIERARCHYLEVELS", "HIERARCHYLEVELSOPEN",
        "DATANOTECELL", "ROUNDING", "SYNONYMS", "VARIABLECODE", "EXTENDEDPROPERTIES",
        "VALUESET-ID", "VALUESET-NAME", "GROUPING-ID", "GROUPING-NAME",
        "GROUPING-PRESENTATION", "REFERENCE-ID", "VALUE-TEXT-OPTION", "MAINTABLE",
        "OFFICIAL-STATISTICS", "ATTRIBUTE-ID", "ATTRIBUTE-TEXT", "ATTRIBUTES",
        "FIRST-PUBLISHED", "META-ID", "CNMM-ALTERNATIVE-CONTENTS-TEXT",
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Encoding


def detect_codepage(data: bytes) -> tuple[str, str]:
    """(codec used to decode, codepage reported) from the header; raises BadRequest if unknown."""
    end = data.find(b"DATA=")
    header = data if end < 0 else data[:end]
    match = re.search(rb'CODEPAGE\s*=\s*"([^"\r\n]*)"', header)
    if match is None:
        # Without CODEPAGE, CHARSET="ANSI" means Windows-1252; without CHARSET the spec says
        # DOS codepage 850, but in practice such files are Windows-1252 too, so use it throughout.
        return "cp1252", "cp1252"
    name = match.group(1).decode("ascii", "replace").strip().lower().replace("_", "-")
    if name in {"utf-8", "utf8"}:
        return "utf-8", "utf-8"
    if name in {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1"}:
        # cp1252 agrees with ISO-8859-1 on every printable character and files labelled
        # ISO-8859-1 routinely contain cp1252 punctuation in the 0x80-0x9F range.
        return "cp1252", "iso-8859-1"
    if name in {"windows-1252", "cp1252", "1252"}:
        return "cp1252", "cp1252"
    try:
        codec = re.sub(r"^iso8859-", "iso-8859-", codecs.lookup(name).name)
    except LookupError:
        line = header[: match.start()].count(b"\n") + 1
        raise fail(line, "imp.px.unknown_codepage", name=name) from None
    return codec, codec


# --------------------------------------------------------------------------------------------
# Tokenising


@dataclass(frozen=True)
class Statement:
    keyword: str
    lang: str | None
    subkeys: tuple[str, ...]
    value: str
    line: int

    @property
    def name(self) -> str:
        lang = f"[{self.lang}]" if self.lang else ""
        subs = "(" + ",".join(f'"{s}"' for s in self.subkeys) + ")" if self.subkeys else ""
        return f"{self.keyword}{lang}{subs}"


# A quoted string may run over a line break, but not into what looks like the next statement:
# that is an unterminated quote, reported where it opened instead of somewhere far below.
_NEXT_STATEMENT = rb"(?![ \t\r]*[A-Za-z][A-Za-z0-9_-]*(?:\[[^\]\n]*\])?(?:\([^)\n]*\))?[ \t]*=)"
_QUOTED = rb'"[^"\n]*+(?:\n' + _NEXT_STATEMENT + rb'[^"\n]*+)*+"'
_WS = re.compile(rb"\s*")
_KEYWORD = re.compile(rb"[A-Za-z][A-Za-z0-9_-]*")
_LANG = re.compile(rb"\s*\[\s*([A-Za-z0-9_-]*)\s*\]")
_SUBKEYS = re.compile(rb"\s*\(\s*((?:" + _QUOTED + rb"\s*,?\s*)*)\)")
_SUBKEYS_PREFIX = re.compile(rb"\s*\(\s*(?:" + _QUOTED + rb"\s*,?\s*)*")
_EQUALS = re.compile(rb"\s*=")
_VALUE = re.compile(rb"(?:" + _QUOTED + rb'|[^";]++)*+;')
_VALUE_PREFIX = re.compile(rb"(?:" + _QUOTED + rb'|[^";]++)*+')
_QUOTED_TEXT = re.compile(r'"((?:[^"])*)"')
_ITEM_SPLIT = re.compile(r'("[^"]*")|,')
_SIMPLE_SEPARATOR = re.compile(r'"\s*,\s*"')


def normalise_lang(lang: str) -> str:
    lang = lang.strip().lower()
    return "nb" if lang == "no" else lang


def _decode(raw: bytes, codec: str, line: int, keyword: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        where = line + raw[: exc.start].count(b"\n")
        raise fail(where, "imp.px.bad_bytes", keyword=keyword, codec=codec) from None


# Where a statement PxWeb reads on past ends: the first ";" that ends a line.
_LINE_END_SEMICOLON = re.compile(rb";[ \t]*\r?(?:\n|$)")


def tokenise(
    data: bytes, codec: str, warnings: list[PxWarning] | None = None
) -> tuple[list[Statement], int, int]:
    """Metadata statements, and the offset and line of the DATA value; raises BadRequest.

    A known optional keyword whose statement cannot be read (a stray quote, a bad list of names) is
    left out up to the ``;`` that ends its line, with a warning added to ``warnings``, as PxWeb
    reads on past it; any other unreadable statement refuses the file (docs/px-reading.md)."""
    statements: list[Statement] = []
    pos, line = 0, 1
    size = len(data)
    while True:
        ws = _WS.match(data, pos)
        assert ws is not None
        line += data.count(b"\n", pos, ws.end())
        pos = ws.end()
        if pos >= size:
            raise fail(line, "imp.px.no_data")
        kw = _KEYWORD.match(data, pos)
        if kw is None:
            snippet = data[pos : pos + 20].split(b"\n")[0].decode(codec, "replace")
            raise fail(line, "imp.px.expected_keyword", snippet=snippet)
        keyword = kw.group().decode("ascii").upper()
        try:
            statement, end = _statement(data, codec, keyword, kw.end(), pos, line)
        except BadRequest as error:
            skipped = _skip(data, keyword, pos, warnings, error)
            if skipped is None:
                raise
            line += data.count(b"\n", pos, skipped)
            pos = skipped
            continue
        if statement is None:
            return statements, end, line + data.count(b"\n", pos, end)
        statements.append(statement)
        line += data.count(b"\n", pos, end)
        pos = end


def _skip(
    data: bytes, keyword: str, pos: int, warnings: list[PxWarning] | None, error: BadRequest
) -> int | None:
    """Where to read on after the unreadable statement of ``keyword`` at ``pos`` (a warning added),
    or None when the file is to be refused with ``error``."""
    if warnings is None or keyword not in KNOWN_KEYWORDS or keyword in UNREADABLE_IS_FATAL:
        return None
    found = _LINE_END_SEMICOLON.search(data, pos)
    next_data = _DATA_KEYWORD.search(data, pos)
    if found is None or (next_data is not None and next_data.start() < found.start()):
        return None
    first = error.errors[0]
    why = Reason(first, strip=f"{keyword}: ")
    line = int(first.pointer.split()[1])
    warnings.append(PxWarning.said(line, keyword, "imp.px.w.skipped", why=why))
    return found.end()


def _statement(
    data: bytes, codec: str, keyword: str, cursor: int, pos: int, line: int
) -> tuple[Statement | None, int]:
    """The statement of ``keyword`` (its name read up to ``cursor``) and where it ends; (None, the
    offset of its value) for DATA. Raises BadRequest."""
    lang: str | None = None
    lang_match = _LANG.match(data, cursor)
    if lang_match is not None:
        lang = normalise_lang(lang_match.group(1).decode("ascii"))
        cursor = lang_match.end()
    subkeys: tuple[str, ...] = ()
    if data[cursor : cursor + 64].lstrip()[:1] == b"(":
        sub = _SUBKEYS.match(data, cursor)
        if sub is None:
            prefix = _SUBKEYS_PREFIX.match(data, cursor)
            assert prefix is not None
            at = line + data.count(b"\n", pos, prefix.end())
            if data[prefix.end() : prefix.end() + 1] == b'"':
                raise fail(at, "imp.px.unterminated_quote", keyword=keyword)
            raise fail(at, "imp.px.bad_parentheses", keyword=keyword)
        raw_subs = _decode(sub.group(1), codec, line, keyword)
        # Exactly as quoted, spaces included: PxWeb matches names exactly, so `HEADING="sexo "`
        # and `VALUES("sexo ")` name one variable, and "sexo" would be another (issue 21).
        subkeys = tuple(m.group(1) for m in _QUOTED_TEXT.finditer(raw_subs))
        cursor = sub.end()
    eq = _EQUALS.match(data, cursor)
    if eq is None:
        raise fail(line, "imp.px.no_equals", keyword=keyword)
    if keyword == "DATA":
        return None, eq.end()
    value = _VALUE.match(data, eq.end())
    if value is None:
        prefix = _VALUE_PREFIX.match(data, eq.end())
        assert prefix is not None
        if data[prefix.end() : prefix.end() + 1] == b'"':
            at = line + data.count(b"\n", pos, prefix.end())
            raise fail(at, "imp.px.unterminated_quote", keyword=keyword)
        raise fail(line, "imp.px.no_semicolon", keyword=keyword)
    text = _decode(data[eq.end() : value.end() - 1], codec, line, keyword)
    return Statement(keyword, lang, subkeys, text, line), value.end()


def text(statement: Statement) -> str:
    quoted = _QUOTED_TEXT.findall(statement.value)
    if quoted:
        return "".join(quoted).replace("\r", "").replace("\n", "")
    return statement.value.strip()


def items(statement: Statement) -> list[str]:
    value = statement.value.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        # The usual shape, "a","b",…: split in C; a value list can have a million entries.
        joined = "\x00".join(_SIMPLE_SEPARATOR.split(value[1:-1]))
        if '"' not in joined:
            if "\n" in joined or "\r" in joined:
                joined = joined.replace("\r", "").replace("\n", "")
            return joined.split("\x00")
    items: list[str] = []
    current: list[str] = []
    bare: list[str] = []
    pos = 0
    for m in _ITEM_SPLIT.finditer(statement.value):
        bare.append(statement.value[pos : m.start()])
        pos = m.end()
        if m.group(1) is not None:
            current.append(m.group(1)[1:-1].replace("\r", "").replace("\n", ""))
        else:
            items.append("".join(current) if current else "".join(bare).strip())
            current, bare = [], []
    bare.append(statement.value[pos:])
    if current or "".join(bare).strip():
        items.append("".join(current) if current else "".join(bare).strip())
    return items


# --------------------------------------------------------------------------------------------
# Reading the metadata from a stream

_HEADER_BLOCK = 1 << 20
_DATA_KEYWORD = re.compile(rb"DATA\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """A PX file's metadata, read from its start up to the DATA keyword. ``data`` is every byte read
    so far (a byte order mark removed): the metadata, then from ``data_start`` the first of DATA."""

    data: bytes
    codec: str
    codepage: str
    statements: list[Statement]
    data_start: int
    data_line: int
    warnings: tuple[PxWarning, ...] = ()


def read_header(stream: IO[bytes]) -> Header:
    """The metadata of the PX file ``stream`` reads, reading a block at a time and no more than a block
    past ``DATA=``, so a table's size is known before its cells are read (issue 16).

    Raises BadRequest as :func:`tokenise` and :func:`detect_codepage` do; a statement cut by the end of
    a block is read again with the next block, so only the whole file's problems are reported.
    """
    buffer = bytearray()
    searched = 0
    while True:
        block = read_block(stream, _HEADER_BLOCK)
        buffer += block
        # Tokenise only once DATA= may have been read (a note can say "DATA=" too: then read on).
        if block and _DATA_KEYWORD.search(buffer, max(0, searched - 16)) is None:
            searched = len(buffer)
            continue
        searched = len(buffer)
        try:
            return _header(bytes(buffer))
        except BadRequest:
            if not block:
                raise


def read_block(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes of ``stream``, fewer only at its end (a socket may answer a read with less)."""
    parts: list[bytes] = []
    got = 0
    while got < size:
        piece = stream.read(size - got)
        if not piece:
            break
        parts.append(piece)
        got += len(piece)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _header(data: bytes) -> Header:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        codec, codepage = "utf-8", "utf-8"
    else:
        codec, codepage = detect_codepage(data)
    warnings: list[PxWarning] = []
    statements, data_start, data_line = tokenise(data, codec, warnings)
    return Header(data, codec, codepage, statements, data_start, data_line, tuple(warnings))
