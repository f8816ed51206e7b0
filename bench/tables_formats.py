"""What the text exports (CSV, json-px, PX) of a 1,000,000-cell table cost, against serialising the bare
value array with orjson in the same run (the floor JSON-stat is measured against, bench/tables_jsonstat.py).

Question (issue 21): machine exports write every digit a cell carries (the float64 printed
shortest-round-trip) instead of rounding to the metric's decimals; what does that cost next to the
fixed-decimals formatting it replaced? Both are timed in the same run, round by round (a loaded
machine slows both alike): the cells as CSV lines (``format_lines``, ``exact`` or not) and as PX DATA
(``_format_exact`` against ``fixed_point`` with the metric's decimals, the previous writer).
Goal: exact ≤ 1.5 × fixed for each. The whole exports are timed too, against the orjson floor.

The cube is built in memory (no database, no HTTP): region 500 × contents 2 × month 1000, the first
contents whole numbers, the second with one to three decimals (fixed seed), one cell in 10,000 a symbol.

Run: ``python bench/tables_formats.py`` (``--quick``: 3 rounds). Prints one JSON line and writes it to
``bench/results/<date>-<host>-tables_formats.json`` (not with ``--quick``).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pxbridge.formats import (  # noqa: E402
    OutputParams,
    csv,
    fixed_point,  # noqa: E402
    format_lines,
    jsonpx,
)
from pxbridge.formats.output import render_px  # noqa: E402
from pxbridge.formats.px import _format_exact  # noqa: E402
from pxbridge.query.cube import Cube, Dimension, Unit  # noqa: E402
from pxbridge.store import cells  # noqa: E402

SEED = 20261206
REGIONS, PERIODS = 500, 1000
SYMBOL_EVERY = 10_000


def cube() -> Cube:
    """The 1M-cell cube (fixed seed)."""
    rng = np.random.default_rng(SEED)
    people = rng.integers(100, 700_000, size=(REGIONS, PERIODS)).astype(np.float64)
    digits = rng.integers(1, 4, size=(REGIONS, PERIODS))
    share = np.round(rng.uniform(0.0, 100.0, size=(REGIONS, PERIODS)) * 10.0**digits) / 10.0**digits
    values = np.stack([people, share], axis=1).reshape(-1)
    at = rng.choice(values.size, size=values.size // SYMBOL_EVERY, replace=False)
    values[at] = cells.encode("..")
    months = tuple(f"{1943 + m // 12}M{m % 12 + 1:02d}" for m in range(PERIODS))
    regions = tuple(f"{i:04d}" for i in range(1, REGIONS + 1))
    return Cube(
        table_id="99903",
        matrix="99903",
        language="nb",
        title="99903: Folkemengde og andel",
        source="Benk",
        updated=datetime(2026, 12, 6, 8, 0, tzinfo=UTC),
        dimensions=(
            Dimension("Region", "region", regions, tuple(f"Region {r}" for r in regions)),
            Dimension(
                "ContentsCode",
                "statistikkvariabel",
                ("Folkemengde", "Andel"),
                ("Folkemengde", "Andel (prosent)"),
                role="metric",
            ),
            Dimension("Tid", "måned", months, months, role="time", time_scale="M"),
        ),
        stub=2,
        values=values,
        units={"Folkemengde": Unit("personer", 0), "Andel": Unit("prosent", 1)},
        decimals=3,
        languages=("nb",),
    )


def timed(fn: Callable[[], object], rounds: int) -> dict[str, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
    }


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, dict[str, float]]:
    """Each round runs every function once, so drift on a busy machine hits all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - start) * 1000)
    out = {}
    for name, taken in samples.items():
        taken.sort()
        out[name] = {
            "median_ms": round(statistics.median(taken), 1),
            "p95_ms": round(taken[min(len(taken) - 1, int(0.95 * len(taken)))], 1),
        }
    return out


def exact_against_fixed(built: Cube, rounds: int) -> dict[str, object]:
    """The cells formatted exactly and with the metric's decimals, interleaved."""
    matrix = built.values.reshape(REGIONS * 2, PERIODS)
    per_row = np.tile(np.array([0, 1], dtype=np.int64), REGIONS)
    per_cell = np.repeat(per_row, PERIODS)
    last = (np.arange(1, built.values.size + 1) % PERIODS) == 0

    def lines(exact: bool) -> object:
        return format_lines(
            matrix,
            row_decimals=per_row,
            col_decimals=None,
            decimals=0,
            sep=",",
            symbol_markup=str,
            exact=exact,
        )

    found = interleaved(
        {
            "csv_lines_fixed": lambda: lines(False),
            "csv_lines_exact": lambda: lines(True),
            "px_data_fixed": lambda: fixed_point(built.values, per_cell, last),
            "px_data_exact": lambda: _format_exact(built.values, PERIODS),
        },
        rounds,
    )
    return {
        **found,
        "csv_exact_over_fixed": round(
            found["csv_lines_exact"]["median_ms"] / found["csv_lines_fixed"]["median_ms"], 2
        ),
        "px_exact_over_fixed": round(
            found["px_data_exact"]["median_ms"] / found["px_data_fixed"]["median_ms"], 2
        ),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    rounds = 3 if quick else 9
    built = cube()
    params = OutputParams()
    floor = timed(lambda: orjson.dumps(built.values, option=orjson.OPT_SERIALIZE_NUMPY), rounds)
    measured = {
        "csv": timed(lambda: csv.render(built, params), rounds),
        "json-px": timed(lambda: jsonpx.render(built, params), rounds),
        "px": timed(lambda: render_px(built), rounds),
    }
    line = {
        "bench": "tables_formats",
        "cells": int(built.values.size),
        "floor_orjson": floor,
        **measured,
        "csv_over_floor": round(measured["csv"]["median_ms"] / floor["median_ms"], 2),
        **exact_against_fixed(built, rounds),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
            "numpy": np.__version__,
        },
        "rounds": rounds,
    }
    text = json.dumps(line)
    print(text)
    if not quick:
        out = ROOT / "bench" / "results"
        day = datetime.now(UTC).date().isoformat()
        (out / f"{day}-{platform.node()}-tables_formats.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
