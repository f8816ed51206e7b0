"""Code lists of table variables as PxWebApi 2.0 has them (its specification is at
github.com/PxTools/PxApiSpecs), and the classic API's ``agg:``/``agg_single:``/``agg_all:``/``vs:``
filters: a valueset (``vs_…``)
offers a subset of a variable's values, an aggregation (``agg_…``) offers groups of them, each cell the
sum of its group's cells. Applied to a variable, a code list replaces its values: value codes in a
selection then name the code list's values. An aggregation can also be applied as PxWeb's
GroupingIncludesType (``include``): its groups (``aggregated``, the default), its groups' members
(``single``: the variable's own values, in group order, each once) or both (``all``: each group, then
its members). Plain functions of the stored rows and cells; never imports Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.kernel.access import Actor, Permission, ensure_permission
from portal.kernel.audit import record_write
from portal.kernel.errors import BadRequest, Conflict, FieldError, NotFound
from pxbridge.models import DataTable, TableCodeList, TableCodeListLink, TableVariable, latest_row
from pxbridge.query.cube import Dimension
from pxbridge.query.selection import Selection, VariableLike, problem, variable_index

AGGREGATION, VALUESET = "Aggregation", "Valueset"
#: What an aggregation applied to a variable offers (PxWeb's GroupingIncludesType): its groups, its
#: groups' members (the variable's values), or each group followed by its members.
AGGREGATED, SINGLE, ALL = "aggregated", "single", "all"
INCLUDES = (AGGREGATED, SINGLE, ALL)
#: An id: ``agg_`` or ``vs_`` and up to 96 characters that need no escaping in a URL path segment
#: (letters of any script, digits, ``_ - .``), e.g. ``agg_Fylker2024``, ``vs_RegionLän07``.
CODELIST_ID = re.compile(r"^(agg|vs)_[\w.-]{1,96}$")

# Contents whose cells cannot be added up: shares, rates, indices, prices, averages (by unit or name).
_RATIO_UNIT = re.compile(
    r"%|‰|/|prosent|percent|per\s*cent|promille|per\s*mille|indeks|index", re.IGNORECASE
)
_RATIO_NAME = re.compile(
    r"prosent|percent|per\s*cent|promille|andel|\bshare|indeks|index|pris\b|price\b|snitt|"
    r"average|\bmean\b|\brate\b|median",
    re.IGNORECASE,
)


def kind_of(codelist_id: str) -> str | None:
    """ "Aggregation" or "Valueset" by the id's prefix, None for an id that cannot be one."""
    match = CODELIST_ID.match(codelist_id)
    if not match:
        return None
    return AGGREGATION if match.group(1) == "agg" else VALUESET


@dataclass(frozen=True)
class CodeValue:
    code: str
    label_nb: str
    label_en: str
    sources: tuple[str, ...]  # the variable's codes it stands for (a valueset's: itself)

    def label(self, lang: str) -> str:
        return (self.label_en if lang == "en" else "") or self.label_nb or self.code


@dataclass(frozen=True)
class CodeList:
    id: str
    kind: str
    variable: str  # the variable code it applies to
    label_nb: str
    label_en: str
    values: tuple[CodeValue, ...]

    @property
    def aggregation(self) -> bool:
        return self.kind == AGGREGATION

    def label(self, lang: str) -> str:
        return (self.label_en if lang == "en" else "") or self.label_nb

    @classmethod
    def of(cls, row: TableCodeList) -> CodeList:
        return cls(
            id=row.id,
            kind=row.kind,
            variable=row.variable_code,
            label_nb=row.label_nb,
            label_en=row.label_en,
            values=tuple(
                CodeValue(
                    code=str(v["code"]),
                    label_nb=str(v.get("nb") or ""),
                    label_en=str(v.get("en") or ""),
                    sources=tuple(str(c) for c in v.get("map") or [v["code"]]),
                )
                for v in row.values
            ),
        )


@dataclass(frozen=True)
class Applied:
    """A code list on one table variable, itself a variable for :func:`pxbridge.query.selection.resolve`:
    ``codes`` are the code list's values present in the table, ``sources[i]`` the variable's positions
    value ``i`` stands for. ``include`` (an aggregation's): which of its values it offers, see
    :func:`apply`."""

    codelist: CodeList
    code: str
    codes: list[str]
    elimination: bool
    role: str | None
    values: tuple[CodeValue, ...]  # parallel to codes
    sources: tuple[tuple[int, ...], ...]  # parallel to codes
    include: str = AGGREGATED

    @property
    def aggregation(self) -> bool:
        """Whether values are sums of their sources: an aggregation's, unless it offers only its
        groups' members (the table's own cells)."""
        return self.codelist.aggregation and self.include != SINGLE


def apply(variable: TableVariable, codelist: CodeList, include: str = AGGREGATED) -> Applied:
    """``codelist`` on ``variable``. A value (or group member) whose code the table lacks is left out,
    and so is a group left with no members, so a table uploaded again with fewer values still works.

    An aggregation's ``include`` (PxWeb's PXFileBuilder.ApplyGrouping): ``aggregated``, its groups;
    ``single``, for each group in order its members (values of the variable, with its labels), a code
    already offered skipped; ``all``, for each group in order the group and then its members, a code
    already offered skipped. Raises ValueError for another ``include``, or one other than
    ``aggregated`` on a valueset."""
    if include not in INCLUDES or (include != AGGREGATED and not codelist.aggregation):
        raise ValueError(f"{codelist.id} cannot be applied as {include!r}")
    at = {code: i for i, code in enumerate(variable.codes)}
    values: list[CodeValue] = []
    sources: list[tuple[int, ...]] = []
    seen: set[str] = set()

    def offer(value: CodeValue, present: tuple[int, ...]) -> None:
        if value.code not in seen:
            seen.add(value.code)
            values.append(value)
            sources.append(present)

    en = variable.labels_en
    for value in codelist.values:
        present = tuple(at[c] for c in value.sources if c in at)
        if not present:
            continue
        if include != SINGLE:
            offer(value, present)
        if include != AGGREGATED:
            for p in present:
                member = CodeValue(
                    code=variable.codes[p],
                    label_nb=variable.labels_nb[p],
                    label_en=en[p] if p < len(en) else "",
                    sources=(variable.codes[p],),
                )
                offer(member, (p,))
    return Applied(
        codelist=codelist,
        code=variable.code,
        codes=[v.code for v in values],
        elimination=variable.elimination,
        role=variable.role,
        values=tuple(values),
        sources=tuple(sources),
        include=include,
    )


def for_variable(available: Sequence[CodeList], variable: VariableLike) -> list[CodeList]:
    """The code lists of ``available`` that apply to ``variable`` (by its code, in any case)."""
    return [c for c in available if c.variable.lower() == variable.code.lower()]


def choose(
    variables: Sequence[TableVariable],
    available: Sequence[CodeList],
    wanted: Mapping[str, str],
    include: Mapping[str, str] | None = None,
) -> dict[int, Applied]:
    """The code lists a selection names (``{variable code or "time": codelist id}``), by variable
    position; ``include`` (by the same keys, default ``aggregated``): what each aggregation offers
    (:func:`apply`). Raises 400 "Non-existent variable", and "Non-existent codelist" for an id that is
    not a code list of that variable of this table, or a valueset with an ``include``."""
    include = include or {}
    chosen: dict[int, Applied] = {}
    for name, codelist_id in wanted.items():
        index = variable_index(variables, name)
        variable = variables[index]
        candidates = for_variable(available, variable)
        found = next((c for c in candidates if c.id == codelist_id), None) or next(
            (c for c in candidates if c.id.lower() == codelist_id.lower()), None
        )
        how = include.get(name, AGGREGATED)
        if (
            found is None
            or kind_of(found.id) is None
            or how not in INCLUDES
            or (how != AGGREGATED and not found.aggregation)
        ):
            raise problem(
                400,
                "Non-existent codelist",
                "sel.no_codelist_for",
                codelist=codelist_id,
                variable=variable.code,
                name=variable.label_nb or variable.code,
            )
        chosen[index] = apply(variable, found, how)
    return chosen


def variables_with(
    variables: Sequence[TableVariable], applied: Mapping[int, Applied]
) -> list[VariableLike]:
    """The table's variables with each applied code list in its variable's place."""
    return [applied.get(i, v) for i, v in enumerate(variables)]


def source_positions(applied: Applied, pick: Sequence[int]) -> list[int]:
    """The variable's positions a pick of the code list's values reads: a valueset's (or an
    aggregation's members only, ``single``) in the pick's order, an aggregation's every member once, in
    table order (once even if it is a picked value itself and a member of a picked group, ``all``)."""
    if not applied.aggregation:
        return [applied.sources[i][0] for i in pick]
    return sorted({p for i in pick for p in applied.sources[i]})


def groups(applied: Applied, pick: Sequence[int]) -> list[list[int]]:
    """For an aggregation: each picked value's members as positions in :func:`source_positions` (a
    member value of ``all``: its one position; a position may be in several)."""
    read = {p: n for n, p in enumerate(source_positions(applied, pick))}
    return [[read[p] for p in applied.sources[i]] for i in pick]


def aggregate(
    values: NDArray[np.float64],
    shape: Sequence[int],
    axis: int,
    members: Sequence[Sequence[int]],
) -> NDArray[np.float64]:
    """Cells (flat, row-major over ``shape``) with dimension ``axis`` replaced by one position per
    group, each the sum of its ``members`` (positions on that axis). A group with a symbol cell (a
    missing or confidential value) among its members is that symbol: the first one, in member order
    (a sum with a value left out would look complete)."""
    block = np.moveaxis(values.reshape(tuple(shape)), axis, -1)
    out = np.empty((*block.shape[:-1], len(members)), dtype=np.float64)
    for g, member in enumerate(members):
        part = block[..., list(member)]
        missing = np.isnan(part)
        total = np.where(missing, 0.0, part).sum(axis=-1)
        first = np.take_along_axis(part, np.argmax(missing, axis=-1)[..., None], axis=-1)[..., 0]
        # np.where copies the symbol cell's bits, so its NaN payload (the symbol) survives.
        out[..., g] = np.where(missing.any(axis=-1), first, total)
    result: NDArray[np.float64] = np.ascontiguousarray(np.moveaxis(out, -1, axis)).reshape(-1)
    return result


def check_additive(table: DataTable, selection: Selection, applied: Mapping[int, Applied]) -> None:
    """Refuse an aggregation of contents that cannot be added up: an average by the PX file's own
    word (``STOCKFA=A``), or a unit or a contents name that says percent, per mille, index, price,
    share, rate or average. Raises a 400 problem naming them.

    The table-wide AGGREGALLOWED=NO does not refuse by itself: PxWebApi applies a grouping its
    producer made whatever the keyword says (it only reports it, ``extension.px.aggregallowed``), and
    Statistics Norway's files say NO for a whole table when one of its contents is a price."""
    summing = [a for i, a in applied.items() if a.aggregation and selection.picks[i] is not None]
    if not summing:
        return
    metric = next((i for i, v in enumerate(table.variables) if v.role == "metric"), None)
    contents: list[tuple[str, str]] = []  # (code, label)
    if metric is not None and metric not in applied:
        variable = table.variables[metric]
        pick = selection.picks[metric]
        en = variable.labels_en
        for i in range(len(variable.codes)) if pick is None else pick:
            names = [variable.labels_nb[i], en[i] if i < len(en) else ""]
            contents.append((variable.codes[i], " / ".join(n for n in names if n)))
    else:
        contents = [(code, "") for code in table.units] or [("", "")]
    for code, name in contents:
        unit: dict[str, Any] = table.units.get(code) or next(iter(table.units.values()), {})
        texts = [str(unit.get("nb") or ""), str(unit.get("en") or "")]
        shown = name.split(" / ")[0] or code or table.id
        said: dict[str, object] = {"codelist": summing[0].codelist.id, "shown": shown}
        if unit.get("stockfa") == "A":
            raise problem(400, "Parameter error", "sel.sum_average", **said)
        if any(_RATIO_UNIT.search(t) for t in texts if t) or (name and _RATIO_NAME.search(name)):
            raise problem(
                400,
                "Parameter error",
                "sel.sum_unit",
                unit=texts[0] or texts[1] or "a unit",
                unit_nb=texts[0] or texts[1] or "en enhet",
                **said,
            )


def dimension(
    variable: TableVariable, applied: Applied, pick: Sequence[int] | None, lang: str
) -> Dimension:
    """An aggregated variable as a cube dimension: the picked values (None: all; groups, and with
    ``all`` members too), in ``lang``."""
    chosen = range(len(applied.codes)) if pick is None else pick
    notes = variable.notes.get(lang) or variable.notes.get("nb") or []
    return Dimension(
        code=variable.code,
        label=(variable.label_en if lang == "en" else "") or variable.label_nb,
        codes=tuple(applied.codes[i] for i in chosen),
        labels=tuple(applied.values[i].label(lang) for i in chosen),
        role=variable.role,
        elimination=variable.elimination,
        show=variable.show,
        time_scale=variable.time_scale,
        notes=tuple(notes),
    )


# Reading and writing the rows ---------------------------------------------------------------------


def of_table(session: Session, table: DataTable) -> list[CodeList]:
    """The code lists linked to ``table``, by id."""
    rows = session.scalars(
        select(TableCodeList)
        .join(TableCodeListLink, TableCodeListLink.codelist_id == TableCodeList.id)
        .where(TableCodeListLink.table_id == table.id)
        .order_by(TableCodeList.id)
    )
    return [CodeList.of(row) for row in rows]


def find(session: Session, codelist_id: str) -> TableCodeList | None:
    """A code list by id: exactly as written, else in any case."""
    row = session.get(TableCodeList, codelist_id)
    if row is None:
        row = session.scalar(
            select(TableCodeList).where(func.lower(TableCodeList.id) == codelist_id.lower())
        )
    return row


def linked_tables(session: Session, codelist_id: str) -> list[str]:
    return list(
        session.scalars(
            select(TableCodeListLink.table_id).where(TableCodeListLink.codelist_id == codelist_id)
        )
    )


def _values(
    variable: TableVariable, kind: str, given: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The values to store, checked against ``variable``. Raises BadRequest naming the value."""
    at = {code: i for i, code in enumerate(variable.codes)}
    seen: set[str] = set()
    stored: list[dict[str, Any]] = []
    for n, value in enumerate(given):
        code = str(value["code"])
        members = [str(c) for c in value.get("value_map") or []]
        where = f"/values/{n}"
        if code in seen:
            raise BadRequest(f"Value {code} is listed twice.", (FieldError(where, "duplicate"),))
        seen.add(code)
        if kind == VALUESET:
            if code not in at or members not in ([], [code]):
                raise BadRequest(
                    f"A valueset's values are values of {variable.code}; {code} is not.",
                    (FieldError(where, f"not a value of {variable.code}"),),
                )
            i = at[code]
            stored.append(
                {
                    "code": code,
                    "nb": value.get("label_nb") or variable.labels_nb[i] or code,
                    "en": value.get("label_en") or variable.labels_en[i] or "",
                    "map": [code],
                }
            )
            continue
        unknown = [c for c in members if c not in at]
        if not members or unknown or len(set(members)) != len(members):
            raise BadRequest(
                f"Group {code} needs a value_map of distinct values of {variable.code}"
                + (f"; not values: {', '.join(unknown)}" if unknown else "."),
                (FieldError(f"{where}/value_map", f"distinct values of {variable.code}"),),
            )
        if not value.get("label_nb"):
            raise BadRequest(
                f"Group {code} needs a label_nb.", (FieldError(f"{where}/label_nb", "required"),)
            )
        stored.append(
            {
                "code": code,
                "nb": value["label_nb"],
                "en": value.get("label_en") or "",
                "map": members,
            }
        )
    return stored


def put_codelist(
    session: Session,
    actor: Actor | None,
    table_id: str,
    codelist_id: str,
    *,
    variable: str,
    label_nb: str,
    label_en: str,
    values: Sequence[Mapping[str, Any]],
    now: datetime,
) -> tuple[TableCodeList, bool]:
    """Create or replace code list ``codelist_id`` of variable ``variable`` and link it to table
    ``table_id`` (the actor's producer's); returns the row and whether it is new. Raises NotFound
    (no such table), 401/403 (another producer's table), Conflict (the id is another producer's),
    BadRequest (a bad id, variable or value)."""
    table = latest_row(session, table_id)
    if table is None:
        raise NotFound(f"There is no table {table_id}.")
    producer_id = table.statistic.producer_id
    actor = ensure_permission(actor, Permission.TABLE_WRITE, producer_id)
    kind = kind_of(codelist_id)
    if kind is None:
        raise BadRequest(
            "A code list id starts agg_ (an aggregation) or vs_ (a valueset), then up to 96 "
            "letters, digits, '_', '-' or '.'.",
            (FieldError("codelist_id", "agg_… or vs_…"),),
        )
    if table.remote_id is not None:
        raise BadRequest(f"Table {table.id} is mirrored: its code lists are its remote's.")
    target = next((v for v in table.variables if v.code.lower() == variable.lower()), None)
    if target is None:
        raise BadRequest(
            f"Table {table.id} has no variable {variable}.", (FieldError("/variable", "unknown"),)
        )
    stored = _values(target, kind, values)
    row = find(session, codelist_id)
    if row is not None and row.producer_id != producer_id:
        raise Conflict(f"Code list id {row.id} belongs to another producer.")
    before = None
    created = row is None
    if row is None:
        row = TableCodeList(id=codelist_id, producer_id=producer_id, created_at=now)
        session.add(row)
    else:
        before = {"variable": row.variable_code, "values": len(row.values)}
    row.kind, row.variable_code = kind, target.code
    row.label_nb, row.label_en = label_nb, label_en
    row.values, row.updated_at = stored, now
    session.flush()
    if session.get(TableCodeListLink, (table.id, row.id)) is None:
        session.add(TableCodeListLink(table_id=table.id, codelist_id=row.id))
    record_write(
        session,
        actor=actor,
        at=now,
        action="create" if created else "update",
        entity="table_codelist",
        entity_id=row.id,
        producer_id=producer_id,
        before=before,
        after={"table": table.id, "variable": target.code, "values": len(stored)},
    )
    session.flush()
    return row, created


def delete_codelist(
    session: Session, actor: Actor | None, table_id: str, codelist_id: str, *, now: datetime
) -> None:
    """Take code list ``codelist_id`` off table ``table_id`` (the actor's producer's), and remove it
    once no table has it. Saved queries that name it then answer "Non-existent codelist". Raises
    NotFound (no such table, or the table has no such code list) and 401/403 (another producer's
    table)."""
    table = latest_row(session, table_id)
    if table is None:
        raise NotFound(f"There is no table {table_id}.")
    producer_id = table.statistic.producer_id
    actor = ensure_permission(actor, Permission.TABLE_WRITE, producer_id)
    row = find(session, codelist_id)
    link = session.get(TableCodeListLink, (table.id, row.id)) if row is not None else None
    if row is None or link is None:
        raise NotFound(f"Table {table.id} has no code list {codelist_id}.")
    session.delete(link)
    session.flush()
    others = session.scalar(
        select(func.count())
        .select_from(TableCodeListLink)
        .where(TableCodeListLink.codelist_id == row.id)
    )
    record_write(
        session,
        actor=actor,
        at=now,
        action="delete",
        entity="table_codelist",
        entity_id=row.id,
        producer_id=producer_id,
        before={"table": table.id, "variable": row.variable_code, "values": len(row.values)},
        after=None,
    )
    if not others:
        session.delete(row)
    session.flush()
