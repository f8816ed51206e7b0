"""What the CSV and Parquet exports of a 1,000,000-cell cube cost, each against a floor measured in the
same run: the bare float64 values serialised by orjson (for CSV, text), and the same values written by
pyarrow as one Parquet column (for Parquet). The timing that ``test_million_cells_timing`` printed in
tests/pxbridge/test_formats.py (issue 17: no wall-clock figures in tests; the test keeps what it checks
of the answer).

The cube is the test's (tests/pxbridge/big_cube.py), built in memory (no database, no HTTP): region
1000 × contents 2 × year 500, stub region, values from a fixed seed with one decimal, 5,000 cells the
symbol ":". Goals: CSV ≤ 15 × its floor, Parquet ≤ 4 × its floor (median ratios; the figures in
bench/README.md).

Run: ``python bench/tables_million_cells.py`` (``--quick``: 3 rounds, no results file). Prints one JSON
line and writes it to ``bench/results/<date>-<host>-tables_million_cells.json``.
"""

from __future__ import annotations

import gc
import io
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
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pxbridge.formats import FORMATS, OutputParams  # noqa: E402
from tests.pxbridge.big_cube import SEED, million_cell_cube  # noqa: E402

ROUNDS = 7
GOALS = {"csv": 15.0, "parquet": 4.0}


def orjson_floor(values: np.ndarray) -> bytes:
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)


def parquet_floor(values: np.ndarray) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"value": values}), sink)
    return sink.getvalue()


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Each round runs every function once, so drift on a noisy machine hits all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median and p95 (nearest rank: with 7 samples the p95 is the slowest)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(len(ordered) * 0.95)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def main(quick: bool = False) -> None:
    rounds = 3 if quick else ROUNDS
    big = million_cell_cube(SEED)
    values = np.array(big.values)
    params = OutputParams()
    sizes = {
        "csv": len(FORMATS["csv"].render(big, params)),
        "parquet": len(FORMATS["parquet"].render(big, params)),
    }
    runs = interleaved(
        {
            "floor_orjson": lambda: orjson_floor(values),
            "csv": lambda: FORMATS["csv"].render(big, params),
            "floor_parquet_column": lambda: parquet_floor(values),
            "parquet": lambda: FORMATS["parquet"].render(big, params),
        },
        rounds,
    )
    s = {name: summary(samples) for name, samples in runs.items()}
    report = {
        "bench": "tables_million_cells",
        "cells": int(values.size),
        "rounds": rounds,
        **s,
        "csv_over_floor": round(s["csv"]["median_ms"] / s["floor_orjson"]["median_ms"], 2),
        "parquet_over_floor": round(
            s["parquet"]["median_ms"] / s["floor_parquet_column"]["median_ms"], 2
        ),
        "goals": GOALS,
        "body_mb": {name: round(size / 1e6, 1) for name, size in sizes.items()},
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
            "numpy": np.__version__,
            "pyarrow": pa.__version__,
            "orjson": orjson.__version__,
        },
    }
    line = json.dumps(report)
    print(line)
    if not quick:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        day = datetime.now(UTC).date().isoformat()
        (out / f"{day}-{platform.node()}-tables_million_cells.json").write_text(line + "\n")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
