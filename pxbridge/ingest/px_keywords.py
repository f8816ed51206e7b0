"""The keywords of a PX file's metadata, read from its statements (:mod:`pxbridge.ingest.px_tokens`):
statements by keyword, language and subkeys (:class:`Meta`), and the readers of one keyword's value
(whole numbers, dates in Oslo time, TIMEVAL periods, YES/NO, texts per language, notes, data symbols).
The second step of :func:`pxbridge.ingest.px.read_px`; errors point at the statement's line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from pxbridge.ingest.px_tokens import PxWarning, Statement, fail, items, text
from pxbridge.store import cells

OSLO = ZoneInfo("Europe/Oslo")


class Meta:
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


def whole_number(statement: Statement) -> int:
    raw = text(statement)
    try:
        return int(raw)
    except ValueError:
        raise fail(
            statement.line, "imp.px.not_whole_number", name=statement.name, raw=raw
        ) from None


def optional_whole_number(
    statement: Statement | None, warnings: list[PxWarning], low: int = 0, high: int = 15
) -> int | None:
    """An optional keyword's whole number from ``low`` to ``high``; None, with a warning, for any
    other value (PxWeb warns and reads on for SHOWDECIMALS, PRECISION and PRESTEXT)."""
    if statement is None:
        return None
    raw = text(statement)
    try:
        number = int(raw)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        warnings.append(
            PxWarning.said(
                statement.line,
                statement.name,
                "imp.px.w.not_whole_number",
                raw,
                raw=raw,
                low=low,
                high=high,
            )
        )
        return None
    return number


def oslo_datetime(statement: Statement, warnings: list[PxWarning]) -> datetime | None:
    """A PX date ("CCYYMMDD hh:mm", Oslo time) as UTC; None, with a warning, for anything else: every
    keyword with a date is optional, and PxWeb keeps such a text and reads on (issue 21)."""
    raw = text(statement)
    for fmt in ("%Y%m%d %H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d%H:%M", "%Y%m%d"):
        try:
            naive = datetime.strptime(raw, fmt)  # noqa: DTZ007 - PX dates are Oslo local time
        except ValueError:
            continue
        return naive.replace(tzinfo=OSLO).astimezone(UTC)
    warnings.append(
        PxWarning.said(statement.line, statement.name, "imp.px.w.not_a_date", raw, raw=raw)
    )
    return None


# The scales PxWeb's Paxiom knows (Variable.SetTimeScale reads the two characters after
# "TLIST(": A1, H1, Q1, M1, W1) and how many periods each has in a year. Any other (TLIST(K),
# TLIST(T1) …) leaves PxWeb's time variable without a scale, its periods as listed; so here.
_PERIODS = {"A": 1, "H": 2, "Q": 4, "M": 12, "W": 53}
_TLIST = re.compile(
    r'^\s*TLIST\s*\(\s*([A-Za-z])(\d*)\s*(?:,\s*"([^"]*)"\s*-\s*"([^"]*)"\s*)?\)\s*,?(.*)$',
    re.DOTALL | re.IGNORECASE,
)
_PERIOD = re.compile(r"^(\d{4})(?:([A-Za-z]*)(\d+))?$")


def _weeks(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def _expand_range(statement: Statement, scale: str, start: str, end: str) -> list[str]:
    first, last = _PERIOD.match(start), _PERIOD.match(end)
    if first is None or last is None:
        raise fail(
            statement.line, "imp.px.bad_tlist_range", name=statement.name, start=start, end=end
        )
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


def time_values(statement: Statement, warnings: list[PxWarning]) -> tuple[str, list[str]]:
    """A TIMEVAL's scale (its letter, upper case) and the periods it lists or spans. A range on a
    scale PxWeb does not know lists nothing (a warning added): the periods are then the variable's
    CODES or VALUES, as in PxWeb. Raises BadRequest for a value that is no TLIST at all."""
    m = _TLIST.match(statement.value)
    if m is None:
        raise fail(statement.line, "imp.px.tlist_expected", name=statement.name)
    scale = m.group(1).upper()
    known = scale in _PERIODS and m.group(2) in ("", "1")
    if not known:
        given = f"{m.group(1)}{m.group(2)}"
        warnings.append(
            PxWarning.said(statement.line, statement.name, "imp.px.w.tlist_scale", scale=given)
        )
    if m.group(3) is not None:
        if not known:
            return scale, []
        return scale, _expand_range(statement, scale, m.group(3), m.group(4) or "")
    rest = Statement(statement.keyword, statement.lang, statement.subkeys, m.group(5), 0)
    return scale, items(rest)


def yes_no(statement: Statement | None) -> bool | None:
    if statement is None:
        return None
    raw = text(statement).upper()
    return True if raw == "YES" else False if raw == "NO" else None


def per_lang_text(meta: Meta, languages: Sequence[str], keyword: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in languages:
        value = meta.text(keyword, lang)
        if value is not None:
            out[lang] = value
    return out


def notes_of(
    meta: Meta, languages: Sequence[str], subkeys_by_lang: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        subs = subkeys_by_lang[lang]
        found = [text(s) for k in ("NOTEX", "NOTE") for s in meta.every(k, lang, subs)]
        if found:
            out[lang] = tuple(found)
    return out


def data_symbols(meta: Meta) -> dict[str, str]:
    out = {symbol: symbol for symbol in cells.SYMBOLS}
    for k in range(1, 7):
        symbol_text = meta.text(f"DATASYMBOL{k}")
        if symbol_text is not None:
            out["." * k] = symbol_text
    nil = meta.text("DATASYMBOLNIL")
    if nil is not None:
        out["-"] = nil
    return out
