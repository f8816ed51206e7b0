"""From a stored table and a selection to a :class:`~pxbridge.query.cube.Cube`: index arithmetic on the
memory-mapped cells, elimination (by the elimination value, or by summing), placement. Never imports
Flask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pxbridge import codelists
from pxbridge.codelists import Applied
from pxbridge.models import DataTable, TableVariable
from pxbridge.query.cube import Cube, Dimension, KnownSymbols, Unit
from pxbridge.query.selection import Selection, problem
from pxbridge.store import cells


def table_languages(table: DataTable) -> tuple[str, ...]:
    """The table's languages, its own (default) language first (``nb`` for a table that names none)."""
    return tuple(lang for lang in table.languages.split(",") if lang) or ("nb",)


def answer_language(table: DataTable, lang: str) -> str:
    """The language a request in ``lang`` is answered in: ``lang`` when the table keeps labels in it
    (:func:`held_languages`), else the table's own language. An English-only file asked in Norwegian
    answers in English, and says so, rather than calling its English labels Norwegian (issue 21)."""
    held = held_languages(table)
    return lang if lang in held else held[0]


def held_languages(table: DataTable) -> tuple[str, ...]:
    """The languages the table keeps labels in, its own first: every language it has
    (:attr:`DataTable.texts`, issue 21). A row stored before those texts has labels in its own
    language, Norwegian and English only (the ``*_nb`` and ``*_en`` columns)."""
    languages = table_languages(table)
    if table.texts:
        return languages
    return tuple(dict.fromkeys([languages[0], *(x for x in languages if x in ("nb", "en"))]))


def label(table: DataTable, field: str, lang: str) -> str:
    """The table's ``field`` ("title", "source", "contents") in the language ``lang`` is answered in."""
    served = answer_language(table, lang)
    kept = (table.texts or {}).get(served) or {}
    if kept.get(field):
        return str(kept[field])
    if field == "contents":
        return label(table, "title", lang)
    value = getattr(table, f"{field}_en", "") if served == "en" else ""
    return str(value or getattr(table, f"{field}_nb"))


def bare_title(table_id: str, title: str) -> str:
    """A table's title without the id many titles start with ("07459: Befolkning …", "07459 Befolkning
    …"), for places that show the id beside it or name a file after both."""
    return title.removeprefix(f"{table_id}: ").removeprefix(f"{table_id} ") if title else title


def _notes_in(notes: Mapping[str, Any], lang: str, default: str) -> list[Any]:
    """Notes in ``lang``, else in the table's own language ``default`` (older rows: Norwegian)."""
    return list(notes.get(lang) or notes.get(default) or notes.get("nb") or [])


def _pick(items: Sequence[str], chosen: Sequence[int]) -> tuple[str, ...]:
    """``items`` at the ``chosen`` positions, at C speed (a selection lists thousands of codes)."""
    if isinstance(chosen, range) and chosen.step == 1:
        return tuple(items[chosen.start : chosen.stop])
    if len(chosen) == 0:
        return ()
    if len(chosen) == 1:
        return (items[chosen[0]],)
    return tuple(itemgetter(*chosen)(items))


def variable_label(variable: TableVariable, lang: str) -> str:
    """The variable's name in ``lang`` (a language its table is answered in, :func:`answer_language`)."""
    kept = (variable.texts or {}).get(lang) or {}
    if kept.get("label"):
        return str(kept["label"])
    return (variable.label_en if lang == "en" else "") or variable.label_nb


def dimension(
    variable: TableVariable, positions: Sequence[int] | None, lang: str, default: str = "nb"
) -> Dimension:
    """A variable as a cube dimension in ``lang`` (a language the table is answered in,
    :func:`answer_language`; ``default``: the table's own), with the chosen positions (None: all)."""
    all_codes, labels_nb = variable.codes, variable.labels_nb  # read once: ORM attributes
    chosen = range(len(all_codes)) if positions is None else positions
    kept = (variable.texts or {}).get(lang) or {}
    if kept:  # stored with every language (issue 21): complete, gaps filled when stored
        labels_nb = kept["values"]
    name = variable_label(variable, lang)
    labels = (
        variable.labels_en if not kept and lang == "en" and any(variable.labels_en) else labels_nb
    )
    notes = _notes_in(variable.notes, lang, default)
    value_notes = (
        variable.value_notes.get(lang)
        or variable.value_notes.get(default)
        or variable.value_notes.get("nb")
        or {}
    )
    codes = _pick(all_codes, chosen)
    precision = variable.precision or {}
    picked = _pick(labels, chosen)
    if labels is not labels_nb and not all(picked):  # an English label missing: the Norwegian one
        picked = tuple(a or b for a, b in zip(picked, _pick(labels_nb, chosen), strict=True))
    return Dimension(
        code=variable.code,
        label=name,
        codes=codes,
        labels=picked,
        role=variable.role,
        elimination=variable.elimination,
        show=variable.show,
        time_scale=variable.time_scale,
        notes=tuple(notes),
        value_notes={c: tuple(value_notes[c]) for c in codes if c in value_notes}
        if value_notes
        else {},
        precision={c: int(precision[c]) for c in codes if c in precision} if precision else {},
    )


def dimension_with(
    variable: TableVariable,
    pick: Sequence[int] | None,
    on: Applied | None,
    lang: str,
    default: str = "nb",
) -> Dimension:
    """A variable as a cube dimension, through the code list ``on`` applied to it (if any): ``pick``
    then names positions among the code list's values."""
    if on is None:
        return dimension(variable, pick, lang, default)
    if on.aggregation:
        return codelists.dimension(variable, on, pick, lang)
    chosen = range(len(on.codes)) if pick is None else pick
    return dimension(variable, codelists.source_positions(on, chosen), lang, default)


def units(table: DataTable, lang: str) -> dict[str, Unit]:
    """Each metric value's unit in ``lang`` (the Norwegian column holds the table's own language)
    and the decimals people are shown (PRECISION, else SHOWDECIMALS, else DECIMALS)."""
    return {
        code: Unit(
            str(u.get(lang) or u.get("nb") or ""),
            int(u.get("decimals", table.decimals)),
        )
        for code, u in table.units.items()
    }


def _sum_out(
    values: NDArray[np.float64], shape: Sequence[int], axes: Sequence[int]
) -> NDArray[np.float64]:
    """Sum ``axes`` away (PX elimination without an elimination value). Symbols count as nothing; a
    sum of symbols only is ".."."""
    block = values.reshape(shape)
    numbers = np.nansum(block, axis=tuple(axes))
    present = (~np.isnan(block)).any(axis=tuple(axes))
    result = np.where(present, numbers, cells.encode(".."))
    return np.ascontiguousarray(result, dtype=np.float64).reshape(-1)


#: Significant digits a sum keeps: float64 holds 15 for certain (DBL_DIG), so every number a source
#: writes with at most 15 comes back as written, while 0.1 + 0.2 is 0.3, not 0.30000000000000004.
SUM_DIGITS = 15


def without_sum_noise(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """``values`` (sums) rounded to :data:`SUM_DIGITS` significant digits, so machine exports, which
    write every digit a cell carries (issue 21), do not show binary rounding left by the addition.
    Symbol cells (NaNs), zeros and magnitudes outside 1e-8..1e14 are left as they are: there the
    power of ten is not exact in float64 (or no digit is below the 15th), so rounding could add noise."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        size = np.abs(values)
        exponent = np.floor(np.log10(size))
        shift = (SUM_DIGITS - 1) - exponent
        scale = np.power(10.0, shift)
        rounded = np.round(values * scale) / scale
        # 10**22 is the largest power of ten a float64 holds exactly.
        keep = np.isfinite(rounded) & (size > 0) & (shift > 0) & (shift <= 22)
    return np.where(keep, rounded, values)


def _compact(pick: Sequence[int]) -> Sequence[int]:
    """A selection's pick (positions in table order: ascending, distinct) as a range when it is a
    run of neighbours, which the cells and the dimensions then slice."""
    if pick and pick[-1] - pick[0] == len(pick) - 1:
        return range(pick[0], pick[-1] + 1)
    return pick


def build_cube(
    table: DataTable,
    stored: NDArray[np.float64],
    selection: Selection,
    lang: str,
    *,
    stub: Sequence[str] = (),
    heading: Sequence[str] = (),
    applied: Mapping[int, Applied] | None = None,
    nan_at: NDArray[np.int64] | None = None,
) -> Cube:
    """The selected cells of ``table`` in ``lang``. ``stub``/``heading`` (variable codes, ``time`` for the
    time variable) reorder the output as PxWebApi's placement; naming only one side puts the rest on
    the other. Raises a 400 problem "Illegal placment" (sic) for an unknown or doubly placed name.

    ``applied``: code lists by variable position (:func:`pxbridge.codelists.choose`), whose picks in
    ``selection`` are positions among the code list's values: a valueset's stand for the variable's
    values, an aggregation's groups are summed (:func:`pxbridge.codelists.aggregate`). Raises a 400
    problem for an aggregation of contents that cannot be summed.

    ``nan_at``: the sorted flat positions of ``stored``'s symbol cells
    (:meth:`pxbridge.store.cell_store.CellStore.symbol_positions`). With them, the answer's symbol cells are
    found by index arithmetic on those few positions rather than by scanning every cell it holds.

    The cube is in :func:`answer_language` of ``lang``; its ``language`` says which."""
    lang, default = answer_language(table, lang), table_languages(table)[0]
    variables = table.variables
    applied = applied or {}
    codelists.check_additive(table, selection, applied)
    sizes = [len(v.codes) for v in variables]
    picks: list[Sequence[int] | None] = []
    summed: list[int] = []
    kept: list[int] = []
    grouped: dict[int, list[list[int]]] = {}
    for index, (variable, pick) in enumerate(zip(variables, selection.picks, strict=True)):
        on = applied.get(index)
        if pick is not None and on is not None:
            picks.append(codelists.source_positions(on, pick))
            kept.append(index)
            if on.aggregation:
                grouped[index] = codelists.groups(on, pick)
        elif pick is not None:
            picks.append(_compact(pick))
            kept.append(index)
        elif variable.elimination_code and variable.elimination_code in variable.codes:
            picks.append([variable.codes.index(variable.elimination_code)])
        else:
            picks.append(None)
            summed.append(index)
    values = cells.select(stored, sizes, picks)
    shape = [len(p) if p is not None else sizes[i] for i, p in enumerate(picks)]
    for index, members in grouped.items():
        values = codelists.aggregate(values, shape, index, members)
        shape[index] = len(members)
    if summed:
        values = _sum_out(values, shape, summed)
    if summed or grouped:
        values = without_sum_noise(values)
    dims = [
        dimension_with(variables[i], selection.picks[i], applied.get(i), lang, default)
        for i in kept
    ]
    order = _placement(table, kept, stub, heading)
    if order != list(range(len(kept))):
        values = cells.permute(values, [len(d.codes) for d in dims], order)
        dims = [dims[i] for i in order]
    stub_count = _stub_count(table, [kept[i] for i in order], stub, heading)
    known = None
    if nan_at is not None and not grouped and not summed:
        positions = carried_symbols(nan_at, sizes, picks, [kept[i] for i in order], values.size)
        known = None if positions is None else KnownSymbols(values, positions)
    return table_cube(table, lang, tuple(dims), stub_count, values, known)


def metadata_cube(
    table: DataTable,
    lang: str,
    applied: Mapping[int, Applied] | None = None,
    selection: Selection | None = None,
) -> Cube:
    """The table's structure as a cube with no cells, for metadata; a variable with a code list
    ``applied`` shows the code list's values. With ``selection`` (a saved query's, or the default
    one), only the selected values, and no eliminated variable. In :func:`answer_language` of
    ``lang``."""
    lang, default = answer_language(table, lang), table_languages(table)[0]
    on = applied or {}
    picks = selection.picks if selection else (None,) * len(table.variables)
    kept = [i for i, pick in enumerate(picks) if selection is None or pick is not None]
    variables = table.variables
    dims = tuple(dimension_with(variables[i], picks[i], on.get(i), lang, default) for i in kept)
    stub = sum(1 for i in kept if variables[i].placement == "stub")
    return table_cube(table, lang, dims, stub, np.empty(0))


def table_cube(
    table: DataTable,
    lang: str,
    dimensions: tuple[Dimension, ...],
    stub: int,
    values: NDArray[np.float64],
    known_symbols: KnownSymbols | None = None,
) -> Cube:
    """A cube of ``table`` in ``lang`` with these dimensions (the first ``stub`` of them in the
    stub) and cells: its title, source, units, notes and the rest from the table's row, the one
    place where a stored table's fields become a cube's (a mirrored table's come from its remote's
    answer, :func:`pxbridge.remotes.bridge.remote_cube`). ``lang`` is a language the table is
    answered in (:func:`answer_language`)."""
    languages = table_languages(table)
    return Cube(
        table_id=table.id,
        matrix=table.matrix,
        language=lang,
        title=label(table, "title", lang),
        source=label(table, "source", lang),
        contents=label(table, "contents", lang),
        updated=table.updated,
        dimensions=dimensions,
        stub=stub,
        values=values,
        units=units(table, lang),
        symbols=dict(table.symbols),
        decimals=table.decimals,
        showdecimals=table.showdecimals,
        contact=table.contact,
        notes=tuple(_notes_in(table.notes, lang, languages[0])),
        official=table.official,
        aggregallowed=table.aggregallowed,
        subject_code=table.subject_code,
        languages=languages,
        held=held_languages(table),
        kept_as_text=dict(table.kept_as_text or {}),
        known_symbols=known_symbols,
    )


def translated(table: DataTable, cube: Cube) -> Cube:
    """``cube`` with :attr:`Cube.translations`: the same selection, placement and cells in each other
    language the table keeps labels in (:func:`held_languages`), for an answer that holds them all
    (PX output, which names its languages and writes notes in each; issue 21). A dimension that is
    not one of the table's variables' values (an aggregation's groups) keeps the cube's labels."""
    others = [lang for lang in held_languages(table) if lang != cube.language]
    if not others:
        return cube
    default = table_languages(table)[0]
    by_code = {v.code: v for v in table.variables}
    translations = []
    for lang in others:
        dims = []
        for dim in cube.dimensions:
            variable = by_code.get(dim.code)
            index = {code: i for i, code in enumerate(variable.codes)} if variable else {}
            positions = [index.get(code, -1) for code in dim.codes]
            if variable is None or -1 in positions:
                dims.append(dim)
                continue
            again = dimension(variable, positions, lang, default)
            dims.append(replace(again, role=dim.role))
        translations.append(table_cube(table, lang, tuple(dims), cube.stub, cube.values))
    return replace(cube, translations=tuple(translations))


#: Up to this many stored symbol cells, :func:`carried_symbols` works in plain Python (a few
#: microseconds), beyond it with numpy (a dozen calls, each costing more than a short loop).
FEW_SYMBOLS = 256


def carried_symbols(
    nan_at: NDArray[np.int64],
    sizes: Sequence[int],
    picks: Sequence[Sequence[int] | None],
    ordered: Sequence[int],
    cells_out: int,
) -> NDArray[np.int64] | None:
    """Where the stored symbol cells ``nan_at`` land in a selection: their sorted flat positions among
    the selected cells, laid out over the variables ``ordered`` (the answer's order; a variable not in
    it has one value picked). Each stored position's index on every variable goes through the
    inverse of its pick (not picked: left out). None when scanning the ``cells_out`` selected cells is
    the cheaper way (more symbol cells than an eighth of them) or a pick repeats a position."""
    if nan_at.size * 8 > cells_out:
        return None
    if all(p is None for p in picks) and list(ordered) == list(range(len(picks))):
        return nan_at  # the whole table, as stored
    inverses: list[dict[int, int] | range | None] = []
    for pick in picks:
        if pick is None or (isinstance(pick, range) and pick.step == 1):
            inverses.append(pick)
            continue
        output_at = dict(zip(pick, range(len(pick)), strict=True))
        if len(output_at) != len(pick):
            return None  # a position picked twice: its cells are in the answer twice
        inverses.append(output_at)
    if nan_at.size > FEW_SYMBOLS:
        return _carried_numpy(nan_at, sizes, picks, inverses, ordered)
    shape = [sizes[d] if picks[d] is None else len(picks[d] or ()) for d in range(len(sizes))]
    strides = dict.fromkeys(range(len(sizes)), 0)
    stride = 1
    for d in reversed(ordered):
        strides[d] = stride
        stride *= shape[d]
    found: list[int] = []
    dims = list(range(len(sizes) - 1, -1, -1))
    for position in nan_at.tolist():
        flat = 0
        for d in dims:
            position, i = divmod(position, sizes[d])
            inverse = inverses[d]
            if inverse is None:
                at: int | None = i
            elif isinstance(inverse, range):
                at = i - inverse.start if inverse.start <= i < inverse.stop else None
            else:
                at = inverse.get(i)
            if at is None:
                break
            flat += at * strides[d]
        else:
            found.append(flat)
    found.sort()
    return np.array(found, dtype=np.int64)


def _carried_numpy(
    nan_at: NDArray[np.int64],
    sizes: Sequence[int],
    picks: Sequence[Sequence[int] | None],
    inverses: Sequence[dict[int, int] | range | None],
    ordered: Sequence[int],
) -> NDArray[np.int64]:
    index = np.unravel_index(nan_at, tuple(sizes))
    keep = np.ones(nan_at.size, dtype=bool)
    at: list[NDArray[np.intp]] = []
    for d, pick in enumerate(picks):
        inverse = inverses[d]
        if pick is None or inverse is None:
            at.append(index[d])
            continue
        table = np.full(sizes[d], -1, dtype=np.intp)
        if isinstance(inverse, range):
            table[inverse.start : inverse.stop] = np.arange(len(inverse), dtype=np.intp)
        else:
            table[np.fromiter(inverse.keys(), dtype=np.intp, count=len(inverse))] = np.fromiter(
                inverse.values(), dtype=np.intp, count=len(inverse)
            )
        found = table[index[d]]
        keep &= found >= 0
        at.append(found)
    if not ordered:
        return np.zeros(1 if keep.any() else 0, dtype=np.int64)
    shape = tuple(sizes[d] if picks[d] is None else len(picks[d] or ()) for d in ordered)
    flat = np.ravel_multi_index(tuple(at[d][keep] for d in ordered), shape)
    return np.sort(flat).astype(np.int64)


def check_placement(
    table: DataTable, selection: Selection, stub: Sequence[str], heading: Sequence[str]
) -> None:
    """Raises the 400 problem "Illegal placment" that ``stub``/``heading`` would give for the
    variables ``selection`` keeps."""
    _placement(table, [i for i, p in enumerate(selection.picks) if p is not None], stub, heading)


def place(cube: Cube, table: DataTable, stub: Sequence[str], heading: Sequence[str]) -> Cube:
    """``cube`` (a mirrored table's cells, in the order its remote answered) in the placement asked:
    ``stub``/``heading`` as :func:`build_cube` reads them, or the table's own placement when neither
    is given. A dimension the mirror does not know leaves the remote's order as it is."""
    positions = {v.code: i for i, v in enumerate(table.variables)}
    kept = [positions.get(d.code) for d in cube.dimensions]
    if any(k is None for k in kept):
        return cube
    known = [k for k in kept if k is not None]
    order = _placement(table, known, stub, heading)
    dims, values = list(cube.dimensions), cube.values
    if order != list(range(len(dims))):
        values = cells.permute(np.asarray(values), [len(d.codes) for d in dims], order)
        dims = [dims[i] for i in order]
    stub_count = _stub_count(table, [known[i] for i in order], stub, heading)
    return replace(cube, dimensions=tuple(dims), values=values, stub=stub_count)


def _resolve_names(table: DataTable, kept: Sequence[int], names: Sequence[str]) -> list[int]:
    """Positions in ``kept`` of the named variables."""
    codes = {table.variables[i].code.lower(): n for n, i in enumerate(kept)}
    time = next((n for n, i in enumerate(kept) if table.variables[i].role == "time"), None)
    found = []
    for name in names:
        at = codes.get(name.lower())
        if at is None and name.lower() == "time":
            at = time
        if at is None or at in found:
            raise problem(400, "Illegal placment", "sel.placement", name=name)
        found.append(at)
    return found


def _placement(
    table: DataTable, kept: Sequence[int], stub: Sequence[str], heading: Sequence[str]
) -> list[int]:
    if not stub and not heading:
        stubs = [n for n, i in enumerate(kept) if table.variables[i].placement == "stub"]
        return stubs + [n for n in range(len(kept)) if n not in stubs]
    rows, columns = _resolve_names(table, kept, stub), _resolve_names(table, kept, heading)
    if set(rows) & set(columns):
        raise problem(400, "Illegal placment", "sel.placement_both")
    rest = [n for n in range(len(kept)) if n not in rows and n not in columns]
    if stub and heading and rest:
        raise problem(400, "Illegal placment", "sel.placement_partial")
    return rows + rest + columns if stub else rest + columns


def _stub_count(
    table: DataTable, ordered: Sequence[int], stub: Sequence[str], heading: Sequence[str]
) -> int:
    if not stub and not heading:
        return sum(1 for i in ordered if table.variables[i].placement == "stub")
    if stub:
        return len(ordered) - len(heading) if heading else len(stub)
    return len(ordered) - len(heading)
