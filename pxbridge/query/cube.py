"""A selection from a table in one language, ready for a serialiser: what every output format receives.

The core builds a :class:`Cube` from a table and a selection; the formats (JSON-stat 2, CSV, XLSX, PX, HTML,
json-px, parquet) turn it into bytes and never look at the database or the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from pxbridge.store import cells


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str  # in the answer's language
    codes: tuple[str, ...]  # the selected value codes, in output order
    labels: tuple[str, ...]  # their texts in the answer's language, parallel to codes
    role: str | None = None  # "time", "metric", "geo" or None
    elimination: bool = False
    show: str = "value"  # "code", "value" or "code_value" (PX PRESTEXT)
    time_scale: str | None = None  # "A", "H", "Q", "M", "W" for the time dimension
    notes: tuple[str, ...] = ()
    value_notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: PX PRECISION of the selected values that have one, by value code (on any variable).
    precision: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    base: str  # e.g. "personer", "kroner"
    decimals: int


@dataclass(frozen=True)
class KnownSymbols:
    of: NDArray[np.float64]  # the values array the positions are of
    positions: NDArray[np.int64]  # sorted flat positions of its symbol (NaN) cells


@dataclass(frozen=True)
class Cube:
    table_id: str
    matrix: str
    language: str  # the language of the labels: "nb", "en", or the table's own ("sv", "fi" …)
    title: str
    source: str
    updated: datetime | None  # aware, UTC
    dimensions: tuple[Dimension, ...]  # in output order: the stub first, then the heading
    stub: (
        int  # how many leading dimensions form the stub (rows); the rest are the heading (columns)
    )
    values: NDArray[
        np.float64
    ]  # flat, row-major over ``dimensions`` (last fastest); symbols in NaNs
    units: Mapping[str, Unit]  # metric value code -> unit; key "" when the table has no metric
    symbols: Mapping[str, str] = field(default_factory=dict)  # stored symbol -> text shown
    decimals: int = 0  # PX DECIMALS; what people are shown is each unit's ``decimals``
    showdecimals: int | None = None  # PX SHOWDECIMALS, when the table said
    contents: str = ""  # PX CONTENTS, "" when the table has none of its own (the title stands in)
    contact: str = ""
    notes: tuple[str, ...] = ()
    official: bool = True
    aggregallowed: bool = True  # PX AGGREGALLOWED: whether the cells may be summed
    subject_code: str = ""
    languages: tuple[str, ...] = ("nb",)  # the table's languages, its own first
    held: tuple[str, ...] = ()  # the languages the table keeps labels in, its own first
    #: Optional keywords the file gave in a form nothing can use, by statement name, as it had them
    #: (:attr:`pxbridge.models.DataTable.kept_as_text`), for PX output.
    kept_as_text: Mapping[str, str] = field(default_factory=dict)
    #: The same cube in the table's other held languages, when the answer holds them all (PX output,
    #: :func:`pxbridge.query.extract.translated`); empty otherwise.
    translations: tuple[Cube, ...] = field(default=(), compare=False, repr=False)
    #: The flat positions of the symbol cells in ``values``, sorted, when the builder knew them
    #: (from the cell store, :func:`pxbridge.query.extract.build_cube`), with the array they are of.
    known_symbols: KnownSymbols | None = field(default=None, compare=False, repr=False)

    def symbol_cells(self) -> tuple[NDArray[np.int64], list[str]]:
        """The positions in ``values`` of the cells holding symbols, and those symbols
        (:func:`pxbridge.store.cells.symbol_cells`): from ``known_symbols`` when they are of these very
        values (a cube copied with other values scans them)."""
        known = self.known_symbols
        if known is not None and known.of is self.values:
            return cells.symbol_cells(self.values, known.positions)
        return cells.symbol_cells(self.values)

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(d.codes) for d in self.dimensions)

    def unit_of(self, metric_code: str | None) -> Unit:
        """The unit of a metric value, or the table's only unit."""
        if metric_code is not None and metric_code in self.units:
            return self.units[metric_code]
        return next(iter(self.units.values()), Unit("", self.decimals))

    def metric_index(self) -> int | None:
        """Position of the metric (contents) dimension in ``dimensions``, if any."""
        return next((i for i, d in enumerate(self.dimensions) if d.role == "metric"), None)

    def labelled_units(self) -> tuple[tuple[str, str], ...]:
        """Each contents value's unit as people read it: (the value's label, or "" without a metric;
        the unit), for the values in the cube that have one."""
        metric = self.metric_index()
        if metric is None:
            unit = self.units.get("")
            return (("", unit.base),) if unit is not None and unit.base else ()
        dimension = self.dimensions[metric]
        return tuple(
            (text, self.units[code].base)
            for code, text in zip(dimension.codes, dimension.labels, strict=True)
            if code in self.units and self.units[code].base
        )
