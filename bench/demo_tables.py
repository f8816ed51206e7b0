"""What seeding the demo's real tables costs: ``pxbridge.demo.seed_tables`` into a fresh, migrated SQLite
database with the demo programme, the way ``portal seed --demo`` and ``portal serve --demo`` do it (the
tests that seed the demo tables call the same function).

Each round starts from an empty database and cell store. Reported: the median and the slowest round in
milliseconds, the number of tables and cells stored, and the bytes of the files read. Floor, measured in
the same run: parsing the same files without storing them (``parse_demo_table`` for each table).

Run: ``python bench/demo_tables.py`` (``--rounds N``, default 5). Prints one JSON line and writes it to
``bench/results/<date>-<host>-demo_tables.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.db import make_engine  # noqa: E402
from pxbridge import demo  # noqa: E402
from pxbridge.models import DataTable  # noqa: E402
from pxbridge.store.cell_store import CellStore  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def parse_only() -> float:
    start = time.perf_counter()
    for table in demo.TABLES:
        demo.parse_demo_table(table)
    return time.perf_counter() - start


def one_round() -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
        migrate.upgrade(engine)
        with Session(engine) as session:
            seed.seed_programme(session, NOW)
            session.commit()
            store = CellStore(folder / "tables")
            start = time.perf_counter()
            added = demo.seed_tables(session, store, NOW)
            session.commit()
            elapsed = time.perf_counter() - start
            cells = sum(
                int(store.open(t.id, t.store_revision).size)
                for t in session.scalars(select(DataTable))
                if t.store_revision is not None
            )
            assert added == session.scalar(select(func.count()).select_from(DataTable))
        engine.dispose()
    return elapsed, added, cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = resources.files("pxbridge").joinpath("data")
    read = sum(len(folder.joinpath(name).read_bytes()) for name in demo.demo_files())
    times = []
    floors = []
    tables = cells = 0
    for _ in range(args.rounds):
        floors.append(parse_only() * 1000)
        elapsed, tables, cells = one_round()
        times.append(elapsed * 1000)
    result = {
        "bench": "demo_tables",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "python": platform.python_version(),
        "rounds": args.rounds,
        "tables": tables,
        "cells": cells,
        "bytes_read": read,
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "floor_parse_median_ms": round(statistics.median(floors), 1),
        "ratio": round(statistics.median(times) / statistics.median(floors), 1),
    }
    line = json.dumps(result)
    print(line)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    (out / f"{stamp}-{platform.node()}-demo_tables.json").write_text(line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
