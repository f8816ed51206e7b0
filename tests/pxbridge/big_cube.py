"""The million-cell cube the export test (tests/pxbridge/test_formats.py) writes whole and
bench/tables_million_cells.py times, built in memory from a fixed seed (no database, no HTTP)."""

from __future__ import annotations

import numpy as np

from pxbridge.query.cube import Cube, Dimension, Unit
from pxbridge.store import cells

SEED = 7


def million_cell_cube(seed: int = SEED) -> Cube:
    """Region 1000 × contents 2 × year 500 (stub region), values from ``seed`` with one decimal, 5,000
    cells the symbol ":"."""
    rng = np.random.default_rng(seed)
    values = np.round(rng.random(1_000_000) * 1e6, 1)
    values[rng.choice(values.size, 5000, replace=False)] = cells.encode(":")
    region = Dimension(
        "Region",
        "region",
        tuple(f"R{i:04d}" for i in range(1000)),
        tuple(f"Region {i}" for i in range(1000)),
        role="geo",
    )
    contents = Dimension(
        "ContentsCode", "statistikkvariabel", ("A", "B"), ("a", "b"), role="metric"
    )
    years = tuple(str(1525 + i) for i in range(500))
    tid = Dimension("Tid", "år", years, years, role="time", time_scale="A")
    return Cube(
        table_id="big",
        matrix="BIG",
        language="nb",
        title="Big",
        source="S",
        updated=None,
        dimensions=(region, contents, tid),
        stub=1,
        values=values,
        units={"A": Unit("kr", 0), "B": Unit("kr", 1)},
        symbols={":": ":"},
    )
