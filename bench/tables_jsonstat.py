"""What a JSON-stat 2.0 data answer costs on tables of 1,000,000 and 10,000,000 cells, against serialising the
bare value array with orjson in the same run. Goals: full table ≤ 1.25 × the floor; a selection (about 10 %
of the cells over three dimensions, ``top(n)`` on time) ≤ 1.5 × orjson of the selected values; at least
100 × faster than parsing the PX file with pyaxis and writing JSON-stat with pyjstat; peak memory of a
full-table answer < 2.5 × the raw 8 bytes a cell.

"Our path" is the core the API calls, not HTTP: the PX file (fixed seed) is parsed and stored as the upload
path does (``parse_px`` → ``store_table`` into SQLite and the cell store), the table is re-loaded with
``service.get_table``, and a request is ``resolve`` → ``CellStore.open`` and ``.symbol_positions`` →
``build_cube`` → ``jsonstat.stream``, either joined into one body (``jsonstat.render``) or consumed chunk
by chunk as the WSGI server sends it. Warm: the cell file is in the page cache and its memory map and
symbol positions in the store's cache, as in a serving process after the first request.

Run: ``python bench/tables_jsonstat.py`` (a few minutes; ``--quick`` for the 1M table and fewer rounds).
Prints one JSON line and writes it to ``bench/results/<date>-<host>-tables_jsonstat.json``.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.access import CLI_ACTOR  # noqa: E402
from portal.kernel.db import make_engine  # noqa: E402
from pxbridge import service  # noqa: E402
from pxbridge.formats import jsonstat  # noqa: E402
from pxbridge.ingest.px import parse_px  # noqa: E402
from pxbridge.ingest.storing import store_table  # noqa: E402
from pxbridge.models import DataTable  # noqa: E402
from pxbridge.query.extract import build_cube  # noqa: E402
from pxbridge.query.selection import resolve  # noqa: E402
from pxbridge.store.cell_store import CellStore  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SEED = 20261123
ROUNDS = 7
PYAXIS_ROUNDS = 3
PERIODS = 1000  # months, 1943M01 on
SYMBOL_EVERY = 10_000  # one cell in this many holds ".." or ":"
# No cell limit in the benchmark: a full 10M answer needs PXAPI_MAX_CELLS raised (default 800,000).
MAX_CELLS = 20_000_000
#: table id -> regions (× 2 contents × 1000 months)
TABLES = {"99901": 500, "99902": 5000}


# --------------------------------------------------------------------------------------------
# The PX file


def _quoted(items: list[str]) -> str:
    return ",".join(f'"{item}"' for item in items)


def periods() -> list[str]:
    return [f"{1943 + m // 12}M{m % 12 + 1:02d}" for m in range(PERIODS)]


def write_px(path: Path, table_id: str, regions: int) -> int:
    """A PX file of ``regions`` × 2 contents × 1000 months (stub region and contents, heading time), values
    from a fixed seed, one cell in SYMBOL_EVERY a quoted ".." or ":". Returns the number of cells."""
    rng = np.random.default_rng(SEED + regions)
    region_codes = [f"{i:04d}" for i in range(1, regions + 1)]
    months = periods()
    head = f"""CHARSET="ANSI";
AXIS-VERSION="2010";
CODEPAGE="utf-8";
LANGUAGE="no";
CREATION-DATE="20261123 08:00";
DECIMALS=1;
SHOWDECIMALS=1;
MATRIX="{table_id}";
SUBJECT-CODE="be";
SUBJECT-AREA="Befolkning";
TITLE="{table_id}: Folkemengde og areal, etter region, statistikkvariabel og måned";
CONTENTS="{table_id}: Folkemengde og areal,";
STUB="region","statistikkvariabel";
HEADING="måned";
CONTVARIABLE="statistikkvariabel";
VARIABLECODE("region")="Region";
VALUES("region")={_quoted([f"Region {c}" for c in region_codes])};
VARIABLECODE("statistikkvariabel")="ContentsCode";
VALUES("statistikkvariabel")="Folkemengde","Areal (km²)";
VARIABLECODE("måned")="Tid";
VALUES("måned")={_quoted(months)};
TIMEVAL("måned")=TLIST(M1),{_quoted(months)};
CODES("region")={_quoted(region_codes)};
CODES("statistikkvariabel")="Folkemengde","Areal";
CODES("måned")={_quoted(months)};
ELIMINATION("region")=YES;
PRECISION("statistikkvariabel","Areal (km²)")=1;
UNITS("Folkemengde")="personer";
UNITS("Areal (km²)")="km²";
LAST-UPDATED("Folkemengde")="20261123 08:00";
LAST-UPDATED("Areal (km²)")="20261123 08:00";
SOURCE="Statistisk sentralbyrå";
CONTACT="Benk Merke, Statistisk sentralbyrå# +47 00 00 00 00#benk@ssb.no##";
DATASYMBOL1="..";
DATASYMBOL3=":";
TABLEID="{table_id}";
VARIABLE-TYPE("region")="V";
VARIABLE-TYPE("måned")="T";
DATA=
"""
    rows = regions * 2
    cells = rows * PERIODS
    people = rng.integers(100, 700_000, size=(regions, PERIODS))
    area = np.round(rng.uniform(1.0, 9000.0, size=(regions, PERIODS)), 1)
    symbols = set(rng.choice(cells, size=cells // SYMBOL_EVERY, replace=False).tolist())
    by_row: dict[int, list[int]] = {}
    for position in symbols:
        by_row.setdefault(position // PERIODS, []).append(position % PERIODS)
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for row in range(rows):
            source = people[row // 2] if row % 2 == 0 else area[row // 2]
            tokens = list(map(str, source.tolist()))
            for n, column in enumerate(sorted(by_row.get(row, []))):
                tokens[column] = '":"' if n % 2 else '".."'
            out.write(" ".join(tokens))
            out.write("\n")
        out.write(";\n")
    return cells


# --------------------------------------------------------------------------------------------
# Timing


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Each round runs every function once, so drift on a noisy machine hits all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name] += timed(fn, 1)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """Median and p95 (nearest rank: with 7 samples the p95 is the slowest)."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(len(ordered) * 0.95)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }


def ratio(a: dict[str, float], b: dict[str, float], key: str = "median_ms") -> float:
    return round(a[key] / b[key], 2)


# --------------------------------------------------------------------------------------------
# Our path


FULL = {"Region": ["*"], "ContentsCode": ["*"], "Tid": ["*"]}


def selection_request(regions: int) -> dict[str, list[str]]:
    """About 10 % of the cells: half the regions listed by code (a fixed random half), one of the two
    contents, the latest 400 of 1000 months."""
    rng = np.random.default_rng(SEED)
    chosen = sorted(rng.choice(regions, size=regions // 2, replace=False).tolist())
    return {
        "Region": [f"{i + 1:04d}" for i in chosen],
        "ContentsCode": ["Folkemengde"],
        "Tid": ["top(400)"],
    }


def answer(table: DataTable, store: CellStore, requested: dict[str, list[str]]) -> Iterator[bytes]:
    """The request path the API runs for a json-stat2 data answer (pxwebapi.select_cube + output.render)."""
    selection = resolve(table.variables, requested, max_cells=MAX_CELLS)
    assert table.store_revision is not None
    stored = store.open(table.id, table.store_revision)
    nan_at = store.symbol_positions(table.id, table.store_revision)
    cube = build_cube(table, stored, selection, "nb", nan_at=nan_at)
    return jsonstat.stream(cube)


def joined(table: DataTable, store: CellStore, requested: dict[str, list[str]]) -> bytes:
    return b"".join(answer(table, store, requested))


def streamed(table: DataTable, store: CellStore, requested: dict[str, list[str]]) -> int:
    """Consume the chunks one at a time, as the WSGI server writes them out; keeps none."""
    size = 0
    for chunk in answer(table, store, requested):
        size += len(chunk)
    return size


def orjson_floor(values: np.ndarray) -> bytes:
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)


# --------------------------------------------------------------------------------------------
# "What a Python user does today": pyaxis + pyjstat


def pyaxis_pyjstat(path: Path) -> str:
    """Parse with pyaxis, make the DATA column numeric (pyaxis leaves strings; ".." is NaN, ":" becomes
    NaN here) and write JSON-stat 2.0 with pyjstat 2.4's Dataset.read(dataframe).write()."""
    import warnings

    import pandas as pd  # type: ignore[import-untyped]
    from pyaxis import pyaxis  # type: ignore[import-untyped]
    from pyjstat import pyjstat  # type: ignore[import-untyped]

    parsed = pyaxis.parse(str(path), encoding="utf-8")
    frame = parsed["DATA"]
    frame["DATA"] = pd.to_numeric(frame["DATA"], errors="coerce")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # to_json_stat's DeprecationWarning
        dataset = pyjstat.Dataset.read(frame, value="DATA", source="Statistisk sentralbyrå")
        body: str = dataset.write()
    return body


# --------------------------------------------------------------------------------------------
# Peak memory, in a child process


def _status_bytes(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak RSS) of this process from /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def memory_child(folder: str, table_id: str, variant: str) -> None:
    """Peak memory of one full-table answer in this (fresh) process.

    Method: after loading the table row (and importing everything), the kernel's peak-RSS mark of this
    address space is reset to the current RSS by writing "5" to /proc/self/clear_refs (Linux ≥ 4.0); the
    baseline is ``VmRSS`` then. The answer is produced; the peak is ``VmHWM`` afterwards. Peak minus
    baseline is what the request added. RSS counts the memory-mapped cell file's pages once touched
    (file-backed, even if already in the page cache), so reading the 8 bytes a cell counts as 1 × the raw
    size; tracemalloc would miss them. Not ``ru_maxrss``: it keeps the peak of the process image before
    exec, i.e. of the forked benchmark parent, and clear_refs does not reset it. Where clear_refs cannot
    be written, the baseline is ``VmHWM`` before the request (the peak so far), which can only understate
    the increase if setup peaked higher.
    """
    engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
    store = CellStore(Path(folder) / "tables")
    with Session(engine) as session:
        table = service.get_table(session, table_id, NOW)
        gc.collect()
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            baseline, method = _status_bytes("VmRSS"), "clear_refs"
        except OSError:
            baseline, method = _status_bytes("VmHWM"), "peak_so_far"
        if variant == "joined":
            body = joined(table, store, FULL)
            size = len(body)
        else:
            size = streamed(table, store, FULL)
        peak = _status_bytes("VmHWM")
    print(
        json.dumps(
            {"peak_over_baseline_bytes": peak - baseline, "body_bytes": size, "method": method}
        )
    )


def memory(folder: str, table_id: str, variant: str, cells: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--memory", folder, table_id, variant],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    raw = cells * 8
    return {
        "peak_mb": round(found["peak_over_baseline_bytes"] / 1e6, 1),
        "raw_mb": round(raw / 1e6, 1),
        "over_raw": round(found["peak_over_baseline_bytes"] / raw, 2),
        "body_mb": round(found["body_bytes"] / 1e6, 1),
        "method": found["method"],
    }


# --------------------------------------------------------------------------------------------


def bench_table(
    folder: Path, session: Session, store: CellStore, table_id: str, regions: int, rounds: int
) -> dict[str, Any]:
    table = service.get_table(session, table_id, NOW)
    cells = int(table.cells)
    assert table.store_revision is not None
    stored = store.open(table.id, table.store_revision)
    nan_at = store.symbol_positions(table.id, table.store_revision)
    values = np.array(stored)  # the same float64 cells, in memory, for the floor
    result: dict[str, Any] = {"cells": cells, "shape": [regions, 2, PERIODS]}

    # 1. The full table.
    body = joined(table, store, FULL)
    assert orjson.loads(body)["size"] == [regions, 2, PERIODS]
    full = interleaved(
        {
            "floor": lambda: orjson_floor(values),
            "joined": lambda: joined(table, store, FULL),
            "streamed": lambda: streamed(table, store, FULL),
        },
        rounds,
    )
    f = {k: summary(v) for k, v in full.items()}
    result["full"] = {
        "floor_orjson": f["floor"],
        "jsonstat_joined": f["joined"],
        "jsonstat_streamed": f["streamed"],
        "ratio_median": ratio(f["joined"], f["floor"]),
        "ratio_p95": ratio(f["joined"], f["floor"], "p95_ms"),
        "streamed_ratio_median": ratio(f["streamed"], f["floor"]),
        "body_mb": round(len(body) / 1e6, 1),
        "floor_mb": round(len(orjson_floor(values)) / 1e6, 1),
        "goal": 1.25,
    }
    del body

    # 2. A selection of about 10 %.
    requested = selection_request(regions)
    selection = resolve(table.variables, requested, max_cells=MAX_CELLS)
    cube = build_cube(table, stored, selection, "nb", nan_at=nan_at)
    picked = np.array(cube.values)
    part = interleaved(
        {
            "floor": lambda: orjson_floor(picked),
            "joined": lambda: joined(table, store, requested),
            "streamed": lambda: streamed(table, store, requested),
        },
        rounds,
    )
    s = {k: summary(v) for k, v in part.items()}
    # Where the time goes: each stage alone, from its inputs.
    stages = {
        "resolve": summary(
            timed(lambda: resolve(table.variables, requested, max_cells=MAX_CELLS), rounds)
        ),
        "build_cube": summary(
            timed(lambda: build_cube(table, stored, selection, "nb", nan_at=nan_at), rounds)
        ),
        "serialise": summary(timed(lambda: jsonstat.render(cube), rounds)),
    }
    result["selection"] = {
        "request": {
            "Region": f"{len(requested['Region'])} of {regions} codes listed",
            "ContentsCode": requested["ContentsCode"],
            "Tid": requested["Tid"],
        },
        "cells": int(picked.size),
        "share": round(picked.size / cells, 3),
        "floor_orjson": s["floor"],
        "jsonstat_joined": s["joined"],
        "jsonstat_streamed": s["streamed"],
        "ratio_median": ratio(s["joined"], s["floor"]),
        "ratio_p95": ratio(s["joined"], s["floor"], "p95_ms"),
        "streamed_ratio_median": ratio(s["streamed"], s["floor"]),
        "stages": stages,
        "goal": 1.5,
    }
    # The same share by expressions only (a range of regions): no per-code lookups in resolve.
    by_range = {
        "Region": [f"range(0001,{regions // 2:04d})"],
        "ContentsCode": ["Folkemengde"],
        "Tid": ["top(400)"],
    }
    ranged = np.array(
        build_cube(
            table, stored, resolve(table.variables, by_range, max_cells=MAX_CELLS), "nb"
        ).values
    )
    assert ranged.size == picked.size
    r = {
        k: summary(v)
        for k, v in interleaved(
            {
                "floor": lambda: orjson_floor(ranged),
                "joined": lambda: joined(table, store, by_range),
            },
            rounds,
        ).items()
    }
    result["selection_by_range"] = {
        "request": by_range,
        "cells": int(ranged.size),
        "floor_orjson": r["floor"],
        "jsonstat_joined": r["joined"],
        "ratio_median": ratio(r["joined"], r["floor"]),
        "ratio_p95": ratio(r["joined"], r["floor"], "p95_ms"),
        "goal": 1.5,
    }
    result["get_table"] = summary(timed(lambda: service.get_table(session, table_id, NOW), rounds))

    # 4. Peak memory of the full-table answer, each variant in a fresh child process.
    result["memory_full"] = {
        "streamed": memory(str(folder), table_id, "streamed", cells),
        "joined": memory(str(folder), table_id, "joined", cells),
        "goal": 2.5,
    }
    return result


def main(quick: bool = False) -> None:
    rounds = 3 if quick else ROUNDS
    tables = {k: v for k, v in TABLES.items() if not quick or v == 500}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
        migrate.upgrade(engine)
        store = CellStore(folder / "tables")
        paths: dict[str, Path] = {}
        ingest: dict[str, dict[str, float]] = {}
        with Session(engine) as session:
            seed.seed_programme(session, NOW)
            session.commit()
            for table_id, regions in tables.items():
                path = folder / f"{table_id}.px"
                write_px(path, table_id, regions)
                paths[table_id] = path
                start = time.perf_counter()
                parsed = parse_px(path.read_bytes())
                parse_s = time.perf_counter() - start
                store_table(
                    session, CLI_ACTOR, store, parsed, statistic_slug="folkemengde", now=NOW
                )
                session.commit()
                ingest[table_id] = {
                    "px_mb": round(path.stat().st_size / 1e6, 1),
                    "parse_px_ms": round(parse_s * 1000, 1),
                    "parse_and_store_ms": round((time.perf_counter() - start) * 1000, 1),
                }
                del parsed

        results: dict[str, Any] = {}
        with Session(engine) as session:
            for table_id, regions in tables.items():
                cells = regions * 2 * PERIODS
                label = f"{cells // 1_000_000}M"
                results[label] = {
                    "table": table_id,
                    **bench_table(folder, session, store, table_id, regions, rounds),
                    "ingest": ingest[table_id],
                }

            # 3. pyaxis + pyjstat, on the 1M table only (on 10M pyaxis alone takes minutes).
            small = next(k for k, v in tables.items() if v == 500)
            table = service.get_table(session, small, NOW)
            ours_full = results["1M"]["full"]["jsonstat_joined"]
            ours_with_parse = summary(
                timed(
                    lambda: jsonstat.render(
                        build_cube(
                            table,
                            parse_px(paths[small].read_bytes()).values,
                            resolve(table.variables, FULL, max_cells=MAX_CELLS),
                            "nb",
                        )
                    ),
                    rounds,
                )
            )
            theirs = summary(
                timed(lambda: pyaxis_pyjstat(paths[small]), 1 if quick else PYAXIS_ROUNDS)
            )
        engine.dispose()

    import pandas
    import pyaxis
    import pyjstat

    pyaxis_version = getattr(pyaxis, "__version__", None)
    if pyaxis_version is None:
        from importlib.metadata import version

        pyaxis_version = version("pyaxis")
    report = {
        "bench": "tables_jsonstat",
        "rounds": rounds,
        "symbol_cells": f"1 in {SYMBOL_EVERY} ('..' and ':')",
        "tables": results,
        "pyaxis_pyjstat": {
            "note": "1M table only: pyaxis parse + pd.to_numeric + pyjstat Dataset.read(df).write() "
            f"(JSON-stat 2.0), {1 if quick else PYAXIS_ROUNDS} rounds",
            "theirs": theirs,
            "ours_full_request": ours_full,
            "ours_parse_px_and_render": ours_with_parse,
            "times_slower_than_ours": round(theirs["median_ms"] / ours_full["median_ms"], 1),
            "times_slower_than_ours_with_parse": round(
                theirs["median_ms"] / ours_with_parse["median_ms"], 1
            ),
            "goal": 100,
        },
        "total_s": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
            "numpy": np.__version__,
            "orjson": orjson.__version__,
            "pandas": pandas.__version__,
            "pyaxis": pyaxis_version,
            "pyjstat": getattr(pyjstat, "__version__", "2.4"),
        },
    }
    line = json.dumps(report)
    print(line)
    if not quick:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        day = datetime.now(UTC).date().isoformat()
        (out / f"{day}-{platform.node()}-tables_jsonstat.json").write_text(line + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--memory":
        memory_child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main(quick="--quick" in sys.argv[1:])
