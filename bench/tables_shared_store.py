"""What the shared table store (issue 23) costs a machine for a 1-million-cell table (8 MB): a put (the
parts into PostgreSQL, committed, and the local cache file), a refill of an empty cache (the parts
streamed from the database into a file, hashed, renamed), and the first open in a process of a cache
file already there (hashed against its revision). Floor, in the same run: the first open of the same
file through the local-only :class:`CellStore` (a memory map, no hash). Goals: a refill under a
second, a verified first open under 50 ms (a SHA-256 of 8 MB, paid once per process and revision),
and a warm open (the cached map, checked by a ``stat``) under 0.1 ms.

Needs a migrated PostgreSQL database: ``PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://… python
bench/tables_shared_store.py`` (``--quick``: 100,000 cells). Prints one JSON line and writes it to
``bench/results/<date>-<host>-tables_shared_store.json``. The revision it stores is removed at the end.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.kernel import migrate  # noqa: E402
from portal.kernel.db import Database  # noqa: E402
from pxbridge.store.cell_store import CellStore  # noqa: E402
from pxbridge.store.shared import SharedCellStore  # noqa: E402

SEED = 20261207
KEY = "99960"


def _timed(rounds: int, run: Callable[[], object], before: Callable[[], object]) -> list[float]:
    found = []
    for _ in range(rounds):
        before()
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return found


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2),
    }


def main() -> None:
    url = os.environ.get("PORTAL_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("set PORTAL_BENCH_DATABASE_URL to a PostgreSQL database")
    quick = "--quick" in sys.argv
    cells, rounds = (100_000, 5) if quick else (1_000_000, 15)
    database = Database(url)
    migrate.upgrade(database.engine)
    values = np.random.default_rng(SEED).random(cells)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shared = SharedCellStore(root / "a", database)
        revision = shared.put(KEY, values)
        puts = _timed(rounds, lambda: shared.put(KEY, values), lambda: shared.delete(KEY, revision))
        shared.put(KEY, values)
        cache = root / "b"

        def fresh_open() -> None:
            SharedCellStore(cache, database).open(KEY, revision)

        refills = _timed(rounds, fresh_open, lambda: shutil.rmtree(cache, ignore_errors=True))
        verified = _timed(rounds, fresh_open, lambda: None)
        floor = _timed(rounds, lambda: CellStore(cache).open(KEY, revision), lambda: None)
        warm_store = SharedCellStore(cache, database)
        warm_store.open(KEY, revision)
        warm = _timed(rounds * 20, lambda: warm_store.open(KEY, revision), lambda: None)
        shared.delete(KEY, revision)
    database.dispose()
    result = {
        "bench": "tables_shared_store",
        "cells": cells,
        "put": _summary(puts),
        "refill": _summary(refills),
        "verified_first_open": _summary(verified),
        "floor_local_first_open": _summary(floor),
        "warm_open": _summary(warm),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus",
    }
    line = json.dumps(result)
    print(line)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    day = datetime.now(UTC).date().isoformat()
    (out / f"{day}-{platform.node()}-tables_shared_store.json").write_text(line + "\n")


if __name__ == "__main__":
    main()
