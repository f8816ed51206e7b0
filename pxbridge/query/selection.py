"""Selections as PxWebApi 2.0 reads them: value lists, the selection expressions (``*``, ``?``, ``top``,
``bottom``, ``range``, ``from``, ``to``), elimination, the default selection, the cell limit. Plain
functions of a table's variables; never imports Flask. Semantics follow the reference implementation
(PxWebApi 2.0's specification, github.com/PxTools/PxApiSpecs).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from http import HTTPStatus
from typing import Protocol

from portal.kernel.errors import PortalError
from portal.kernel.formatting import number_text


class VariableLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def codes(self) -> list[str]: ...
    @property
    def elimination(self) -> bool: ...
    @property
    def role(self) -> str | None: ...


def problem(status: int, title: str, key: str, /, **values: object) -> PortalError:
    """PxWebApi's problem: its titles ("Non-existent value" …) and type "Parameter error", told by the
    catalogue's ``key`` (``sel.…`` in pxbridge/messages.py): its English text is PxWebApi's detail,
    which the API answers; a page shows it in the page's language."""
    return PortalError(status=status, title=title, type="Parameter error").said(key, **values)


def _name(variable: VariableLike) -> str:
    """What the Norwegian text of a problem calls ``variable``: its label, else its code."""
    return str(getattr(variable, "label_nb", "") or variable.code)


@dataclass(frozen=True)
class Selection:
    """Per stored variable: the chosen positions in table order, or None when eliminated."""

    picks: tuple[tuple[int, ...] | None, ...]

    @property
    def cells(self) -> int:
        total = 1
        for pick in self.picks:
            if pick is not None:
                total *= len(pick)
        return total


def split_values(raw: str) -> list[str]:
    """A GET value list: commas separate items except inside ``[...]``, whose brackets are dropped,
    so ``[top(5,1)],2024`` is two items."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in raw:
        if char == "[":
            depth += 1
            if depth == 1:
                continue
        elif char == "]" and depth:
            depth -= 1
            if depth == 0:
                continue
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


_TOP = re.compile(r"^(top|bottom)\((\d+)(?:,(\d+))?\)$", re.IGNORECASE)
_ONE = re.compile(r"^(from|to)\((.+)\)$", re.IGNORECASE)
_RANGE = re.compile(r"^range\(([^,]+),([^,]+)\)$", re.IGNORECASE)
_KEYWORD = re.compile(r"^(top|bottom|range|from|to)\(", re.IGNORECASE)


def _position(variable: VariableLike, found: Lookup, code: str) -> int:
    at = found.get(code)
    if at is not None:
        return at
    position = found.lowered.get(code.lower())
    if position is None:
        raise problem(400, "Non-existent value", "sel.no_value", value=code, name=_name(variable))
    return position


class Lookup:
    """A variable's code positions, exact and case-folded, built once per request (listing 2,500
    codes must not rebuild them 2,500 times: bench/tables_jsonstat.py). Each map is built when first
    needed: for ``few`` values looked up (``top(13)`` on 1,000 periods), a scan of the codes is
    cheaper than building the exact map; the case-folded one only when a value is not found as
    written. Codes are unique within a variable (ingest refuses a repeated code)."""

    def __init__(self, codes: Sequence[str], *, few: bool = False) -> None:
        self.codes = codes
        self._few = few

    @cached_property
    def exact(self) -> Mapping[str, int]:
        return dict(zip(self.codes, range(len(self.codes)), strict=True))

    def get(self, code: str) -> int | None:
        """The position of ``code`` as written, or None."""
        if self._few and "exact" not in self.__dict__:
            try:
                return self.codes.index(code)
            except ValueError:
                return None
        return self.exact.get(code)

    @cached_property
    def odd(self) -> bool:
        """Whether a code looks like a selection expression."""
        joined = "\n".join(self.codes)
        return "(" in joined or "*" in joined or "?" in joined

    @cached_property
    def lowered(self) -> Mapping[str, int]:
        return {**{c.lower(): i for i, c in enumerate(self.codes)}, **self.exact}


def lookup(variable: VariableLike, *, few: bool = False) -> Lookup:
    return Lookup(variable.codes, few=few)


def evaluate(variable: VariableLike, value: str, found: Lookup | None = None) -> list[int]:
    """The positions one value code or expression picks on ``variable`` (``found``: its
    :func:`lookup`, when the caller evaluates many values). Raises 400 problems "Non-existent value"
    and "Illegal selection expression"."""
    codes = variable.codes
    found = found or lookup(variable, few=True)
    # A code as written wins, then one in another case ("folkemengde", "TOP(1)" for a code
    # "top(1)"). An expression holds "(", "*" or "?", so it can be a code only when some code
    # holds one: "top(400)" on 1,000 periods looks up neither map.
    expression = "*" in value or "?" in value or _KEYWORD.match(value) is not None
    if not expression or found.odd:
        at = found.get(value)
        if at is not None:
            return [at]
        if value.lower() in found.lowered:
            return [found.lowered[value.lower()]]
    n = len(codes)
    if value == "*":
        return list(range(n))
    if match := _RANGE.match(value):
        a = _position(variable, found, match.group(1).strip())
        b = _position(variable, found, match.group(2).strip())
        low, high = min(a, b), max(a, b)
        return list(range(low, high + 1))
    if match := _TOP.match(value):
        kind, count, offset = match.group(1).lower(), int(match.group(2)), int(match.group(3) or 0)
        if count < 1:
            raise problem(
                400, "Illegal selection expression", "sel.bad_expression", **_said(variable, value)
            )
        # On the time variable top means the latest periods (kept in ascending order); elsewhere the first.
        latest_first = (kind == "top") == (variable.role == "time")
        if latest_first:
            end = max(n - offset, 0)
            return list(range(max(end - count, 0), end))
        return list(range(min(offset, n), min(offset + count, n)))
    if match := _ONE.match(value):
        at = _position(variable, found, match.group(2).strip())
        return list(range(at, n)) if match.group(1).lower() == "from" else list(range(0, at + 1))
    if _KEYWORD.match(value):
        raise problem(
            400, "Illegal selection expression", "sel.bad_expression", **_said(variable, value)
        )
    if "?" in value:
        pattern = re.compile(
            "^" + "".join("." if c == "?" else re.escape(c) for c in value) + "$", re.IGNORECASE
        )
        return [i for i, c in enumerate(codes) if pattern.match(c)]
    if "*" in value:
        inner = value.strip("*")
        if "*" in inner or value.count("*") > 2:
            raise problem(
                400, "Illegal selection expression", "sel.bad_expression", **_said(variable, value)
            )
        wanted = inner.lower()
        if value.startswith("*") and value.endswith("*"):
            return [i for i, c in enumerate(codes) if wanted in c.lower()]
        if value.endswith("*"):
            return [i for i, c in enumerate(codes) if c.lower().startswith(wanted)]
        return [i for i, c in enumerate(codes) if c.lower().endswith(wanted)]
    raise problem(400, "Non-existent value", "sel.no_value", **_said(variable, value))


def _said(variable: VariableLike, value: str) -> dict[str, object]:
    return {"value": value, "name": _name(variable)}


def _missing(variable: VariableLike) -> PortalError:
    return problem(
        400,
        "Missing selection for mandantory variable",
        "sel.mandatory",
        variable=variable.code,
        name=_name(variable),
    )


def variable_index(variables: Sequence[VariableLike], name: str) -> int:
    """The position of the variable ``name`` names: its code exactly, then in any case; ``time``
    names the time variable. Raises 400 "Non-existent variable"."""
    lowered = name.lower()
    for exact in (True, False):
        for i, v in enumerate(variables):
            if (v.code == name) if exact else (v.code.lower() == lowered):
                return i
    if lowered == "time":
        for i, v in enumerate(variables):
            if v.role == "time":
                return i
    raise problem(400, "Non-existent variable", "sel.no_variable", variable=name)


def resolve(
    variables: Sequence[VariableLike],
    requested: Mapping[str, Sequence[str]],
    *,
    max_cells: int,
) -> Selection:
    """A :class:`Selection` from ``{variable code or "time": [values or expressions]}``.

    Variable codes match exactly, then case-insensitively; ``time`` names the time variable. Every
    variable that cannot be eliminated must be selected; the others, left out or given no values, are
    eliminated. Raises 400 problems for an unknown variable or value, a bad expression or a missing
    mandatory variable, and 403 "Too many cells selected" past ``max_cells``.
    """
    chosen: dict[int, list[str]] = {}
    for name, values in requested.items():
        chosen.setdefault(variable_index(variables, name), []).extend(values)
    picks: list[tuple[int, ...] | None] = []
    for index, variable in enumerate(variables):
        values = chosen.get(index, [])
        if not values:
            if not variable.elimination:
                raise _missing(variable)
            picks.append(None)
            continue
        found = lookup(variable, few=len(values) <= 4)
        if len(values) == 1:
            # One code or expression: its positions come ascending and distinct already.
            positions: Collection[int] = evaluate(variable, values[0], found)
        else:
            seen: set[int] = set()
            for value in values:
                at = found.get(value)  # a code as written: most of a long list of codes
                if at is not None:
                    seen.add(at)
                else:
                    seen.update(evaluate(variable, value, found))
            positions = sorted(seen)
        if not positions and not variable.elimination:
            raise _missing(variable)
        picks.append(tuple(positions) if positions else None)
    selection = Selection(tuple(picks))
    if selection.cells > max_cells:
        raise problem(
            HTTPStatus.FORBIDDEN,
            "Too many cells selected",
            "sel.too_many_cells",
            cells=selection.cells,
            max=max_cells,
            cells_nb=number_text(str(selection.cells), "nb"),
            max_nb=number_text(str(max_cells), "nb"),
        )
    return selection


def default_selection(variables: Sequence[VariableLike]) -> dict[str, list[str]]:
    """PxWebApi's default view, simplified from its "Bjarte3" rules: the latest 13 periods (or the
    latest one when other variables are shown too), the first metric value unless there are few,
    the two largest mandatory classification variables in full, the first value of any other
    mandatory variable; eliminable variables beyond those two are left out (eliminated)."""
    chosen: dict[str, list[str]] = {}
    others = [v for v in variables if v.role not in ("time", "metric")]
    shown = sorted(others, key=lambda v: (v.elimination, -len(v.codes)))[:2]
    for variable in variables:
        codes = variable.codes
        if variable.role == "time":
            chosen[variable.code] = codes[-13:] if not others else codes[-1:]
        elif variable.role == "metric":
            chosen[variable.code] = codes if len(codes) < 6 and not others else codes[:1]
        elif variable in shown and len(codes) <= 1500:
            chosen[variable.code] = list(codes)
        elif not variable.elimination:
            chosen[variable.code] = codes[:1]
    return chosen
