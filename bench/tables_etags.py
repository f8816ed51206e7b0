"""What a conditional request for unchanged table data costs against the full answer (issue 22): a
harvester sends the ETag it was given in ``If-None-Match``; the answer should be a 304 that reads no
cell, so checking a table for a change costs next to nothing beside downloading it again.

Over HTTP in process (Flask's test client, the whole body read), on a table of 600,000 cells (region
500 × contents 2 × month 600, fixed seed, parsed and stored as an upload is, in SQLite and the cell
store in a temporary folder): PxWebApi 2.0's json-stat2 and csv of the whole table and the classic API's
json-stat2 by POST, each answered in full and then as a 304 to its own ETag, round by round (a loaded
machine slows both alike). Floor: ``/healthz`` in the same run (one ``SELECT 1``). Goal: a 304 ≤ 0.1 ×
the full answer (median), and within a few times the floor (a table lookup and one code-list query).

Run: ``python bench/tables_etags.py`` (``--quick``: a smaller table, fewer rounds). Prints one JSON
line and writes it to ``bench/results/<date>-<host>-tables_etags.json`` (not with ``--quick``).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.tables_whole_files import TABLE, stored_table_app  # noqa: E402
from bench.tables_whole_files import summary as whole_files_summary  # noqa: E402


def summary(times: list[float]) -> dict[str, float]:
    return whole_files_summary(times, digits=3)


def main() -> None:
    quick = "--quick" in sys.argv
    regions, months = (50, 100) if quick else (500, 600)
    rounds = 5 if quick else 11
    with tempfile.TemporaryDirectory() as folder:
        app, cells = stored_table_app(folder, regions, months)
        client = app.test_client()
        codes = "&".join(f"valuecodes[{v}]=*" for v in ("Region", "ContentsCode", "Tid"))
        classic = {
            "query": [{"code": "Region", "selection": {"filter": "all", "values": ["*"]}}],
            "response": {"format": "json-stat2"},
        }
        asks: dict[str, Callable[[dict[str, str]], Any]] = {
            f"pxwebapi_{fmt}": (
                lambda headers, fmt=fmt: client.get(
                    f"/api/pxwebapi/v2/tables/{TABLE}/data?lang=no&outputFormat={fmt}&{codes}",
                    headers=headers,
                )
            )
            for fmt in ("json-stat2", "csv")
        }
        asks["classic_json-stat2"] = lambda headers: client.post(
            f"/api/v0/no/table/{TABLE}", json=classic, headers=headers
        )

        def floor() -> None:
            with client.get("/healthz") as answer:
                assert answer.status_code == 200

        results: dict[str, dict[str, Any]] = {}
        floor_times: list[float] = []
        for name, ask in asks.items():
            with ask({}) as first:
                assert first.status_code == 200, first.status_code
                tag, size = first.headers["ETag"], len(first.get_data())
            full, unchanged = [], []
            for _ in range(rounds):
                started = time.perf_counter()
                with ask({}) as answer:
                    assert answer.status_code == 200
                    answer.get_data()
                full.append(time.perf_counter() - started)
                started = time.perf_counter()
                with ask({"If-None-Match": tag}) as answer:
                    assert answer.status_code == 304, answer.status_code
                    answer.get_data()
                unchanged.append(time.perf_counter() - started)
                started = time.perf_counter()
                floor()
                floor_times.append(time.perf_counter() - started)
            results[name] = {
                "bytes": size,
                "full": summary(full),
                "not_modified": summary(unchanged),
                "ratio_median": round(statistics.median(unchanged) / statistics.median(full), 4),
            }
    line = {
        "bench": "tables_etags",
        "date": datetime.now(UTC).date().isoformat(),
        "cells": cells,
        "rounds": rounds,
        "answers": results,
        "floor_healthz": summary(floor_times),
        "goal": "not_modified <= 0.1 x full (median)",
        "machine": {
            "host": platform.node(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    text = json.dumps(line)
    print(text)
    if not quick:
        out = ROOT / "bench" / "results" / f"{line['date']}-{platform.node()}-tables_etags.json"
        out.write_text(text + "\n")


if __name__ == "__main__":
    main()
