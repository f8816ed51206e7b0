"""What the JSON-stat and the CSV-with-sidecar readers (:mod:`pxbridge.ingest.from_jsonstat`,
:mod:`pxbridge.ingest.from_csv`) check alike: problems collected up to :data:`MAX_ERRORS` with a JSON
pointer or a CSV line each, the roles and time scales a variable may have, and the fields (flags,
string lists, whole numbers) both read from JSON. Never imports Flask."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

import numpy as np
import orjson

from portal.kernel.errors import BadRequest, FieldError
from pxbridge.ingest.placeholders import LibraryReason, Place, Reason
from pxbridge.store import cells

MAX_ERRORS = 20
ROLES = ("time", "metric", "geo")
TIME_SCALES = ("A", "H", "Q", "M", "W")
SYMBOL_CELLS = {symbol: cells.encode(symbol) for symbol in cells.SYMBOLS}
SYMBOL_NUMBER = {symbol: k for k, symbol in enumerate(cells.SYMBOLS)}
SYMBOL_ARRAY = np.array([SYMBOL_CELLS[symbol] for symbol in cells.SYMBOLS], dtype=np.float64)


# Period codes as Statistics Norway writes them (2024, 2024H1, 2024K1/Q1, 2024M01, 2024U01/W01).
_SCALE_PATTERNS = (
    ("A", re.compile(r"^\d{4}$")),
    ("H", re.compile(r"^\d{4}[HS][12]$", re.IGNORECASE)),
    ("Q", re.compile(r"^\d{4}[KQ][1-4]$", re.IGNORECASE)),
    ("M", re.compile(r"^\d{4}M(0[1-9]|1[0-2])$", re.IGNORECASE)),
    ("W", re.compile(r"^\d{4}[UW]\d{2}$", re.IGNORECASE)),
)


# The documents a reader checks ("what" they are called in English refusals), each with its refusals'
# keys: one problem, and more than MAX_ERRORS. Each field error knows its document, so that
# messages.where can tell a sidecar's pointer from a JSON-stat file's.
_DOCUMENTS = {
    "CSV": ("csv", "imp.csv.invalid", "imp.csv.invalid_many"),
    "CSV sidecar": ("sidecar", "imp.sidecar.invalid", "imp.sidecar.invalid_many"),
    "JSON-stat dataset": ("jsonstat", "imp.jsonstat.invalid", "imp.jsonstat.invalid_many"),
}


class Problems:
    """Field errors collected up to :data:`MAX_ERRORS` (the rest only counted), then raised.

    ``what`` is the document checked: "CSV", "CSV sidecar" or "JSON-stat dataset"."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.document, self._one, self._many = _DOCUMENTS[what]
        self.found: list[FieldError] = []
        self.more = 0

    def add(self, pointer: str, key: str, /, **values: object) -> None:
        """The problem ``key`` of the message catalogue (:mod:`pxbridge.ingest.messages`) at
        ``pointer`` (a JSON pointer, or ``line N`` of a CSV)."""
        self.keep(FieldError.said(pointer, key, document=self.document, **values))

    def keep(self, error: FieldError) -> None:
        """Add a problem found by another :class:`Problems` of the same document."""
        if len(self.found) < MAX_ERRORS:
            self.found.append(error)
        else:
            self.more += 1

    def uncounted(self, listed: int, found: int) -> None:
        """Count problems found in bulk of which only ``listed`` were added."""
        self.more += max(0, found - listed)

    def error(self) -> BadRequest:
        first = self.found[0]
        refusal = BadRequest("", tuple(self.found))
        if self.more:
            return refusal.said(
                self._many,
                at=Place(first),
                why=Reason(first),
                count=len(self.found) + self.more,
                listed=MAX_ERRORS,
            )
        return refusal.said(self._one, at=Place(first), why=Reason(first))

    def fail(self, pointer: str, key: str, /, **values: object) -> BadRequest:
        self.add(pointer, key, **values)
        return self.error()

    def check(self) -> None:
        if self.found:
            raise self.error()


def json_pointer(*parts: object) -> str:
    """An RFC 6901 JSON pointer from its reference tokens."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def load_json(data: bytes, problems: Problems) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise problems.fail(
            "",
            "imp.json.invalid_json",
            line=exc.lineno,
            column=exc.colno,
            reason=LibraryReason(exc.msg, "json"),
        ) from None


def infer_time_scale(codes: Sequence[str]) -> str:
    """The PX time scale (A, H, Q, M, W) the period codes are written in; "A" when none fits.

    "A" is the safe fallback: PX then lists the codes as they are (``TLIST(A1),"…"``).
    """
    for scale, pattern in _SCALE_PATTERNS:
        if codes and all(pattern.match(c) for c in codes):
            return scale
    return "A"


def is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass, but true is no count of decimals.
    return isinstance(value, int) and not isinstance(value, bool)


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "true", "no", "false"}:
        return value.strip().lower() in {"yes", "true"}
    raise ValueError(value)


def flag(doc: Mapping[str, Any], key: str, pointer: str, problems: Problems) -> bool | None:
    """``doc[key]`` as yes/no (None when absent); a problem at ``pointer`` when it is neither."""
    if doc.get(key) is None:
        return None
    try:
        return _yes_no(doc[key])
    except ValueError:
        problems.add(pointer, "imp.json.true_false")
        return None


def elimination(
    doc: Mapping[str, Any],
    keys: tuple[str, str],
    pointer: str,
    codes: Sequence[str],
    not_a_code: str,
    problems: Problems,
) -> tuple[bool, str | None]:
    """Whether a variable may be eliminated, and by which value: ``doc[keys[0]]`` (true or false,
    false when absent) and ``doc[keys[1]]`` (one of ``codes``, else the problem whose catalogue key
    is ``not_a_code``), each problem at ``pointer``/its key. A value to eliminate by makes the
    variable eliminable."""
    flag_key, code_key = keys
    eliminable = doc.get(flag_key, False)
    if not isinstance(eliminable, bool):
        problems.add(f"{pointer}/{flag_key}", "imp.json.true_false")
        eliminable = False
    code = doc.get(code_key)
    if code is not None and code not in codes:
        problems.add(f"{pointer}/{code_key}", not_a_code)
        code = None
    return eliminable or code is not None, code


def str_list(raw: object, pointer: str, problems: Problems) -> tuple[str, ...]:
    """A note: one string or a list of strings."""
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw)
    problems.add(pointer, "imp.json.string_list")
    return ()
