"""Peak memory of uploading a 20-million-cell table, against the raw 8 bytes a cell (160 MB).

Issue 16: a 150 MB JSON-stat body took a worker from 284 to 2,227 MiB before it was refused, because
the whole body was parsed into Python objects before the cell count was checked. Goal: an upload's
peak stays under 3 × the table's raw size.

The PX file (10,000 regions × 2 contents × 1,000 months, values from a fixed seed, one cell in 10,000
a quoted ``".."`` or ``":"``) is generated in a child process, then uploaded in a fresh child process
through the real path: ``POST /api/v1/tables`` on the app (Flask's test client, the file handed over as
the request's input stream, as a WSGI server hands over the socket), so the view, the parser, the cell
store and the SQLite commit all run. The same table as a JSON-stat 2.0 body is measured the same way
(a single document: its bytes are held while it is read).

Memory: the child resets the kernel's peak-RSS mark (``/proc/self/clear_refs`` ← 5) once the app is
built and the token made, and reports ``VmHWM`` after the upload minus ``VmRSS`` before it (the
upload's own peak), and ``ru_maxrss`` (the process's peak, its imports included). The parent imports
nothing heavy, so ``ru_maxrss`` — which a child inherits from the process it was forked from — is the
child's own.

Run: ``python bench/upload_memory.py`` (about 2 minutes; ``--cells 2000000`` for a quick look, which
writes no results file unless ``--out`` is given). Prints one JSON line; writes
``bench/results/<date>-<host>-upload_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261206
PERIODS = 1000
SYMBOL_EVERY = 10_000
GOAL = 3.0


# --------------------------------------------------------------------------------------------
# The files (in a child, so the parent stays small)


def _quoted(items: list[str]) -> str:
    return ",".join(f'"{item}"' for item in items)


def write_files(folder: Path, cells: int) -> dict[str, int]:
    """``table.px`` and ``table.json`` of ``cells`` cells (regions × 2 × 1000 months) in ``folder``."""
    import numpy as np
    import orjson

    regions = cells // (2 * PERIODS)
    rng = np.random.default_rng(SEED)
    codes = [f"{i:05d}" for i in range(1, regions + 1)]
    months = [f"{1943 + m // 12}M{m % 12 + 1:02d}" for m in range(PERIODS)]
    people = rng.integers(100, 700_000, size=(regions, PERIODS))
    area = np.round(rng.uniform(1.0, 9000.0, size=(regions, PERIODS)), 1)
    total = regions * 2 * PERIODS
    symbols = np.sort(rng.choice(total, size=total // SYMBOL_EVERY, replace=False))
    head = f"""CHARSET="ANSI";
CODEPAGE="utf-8";
LANGUAGE="no";
CREATION-DATE="20261206 08:00";
DECIMALS=1;
MATRIX="99950";
SUBJECT-CODE="be";
TITLE="99950: Folkemengde og areal, etter region, statistikkvariabel og måned";
CONTENTS="Folkemengde og areal";
STUB="region","statistikkvariabel";
HEADING="måned";
CONTVARIABLE="statistikkvariabel";
VARIABLECODE("region")="Region";
VALUES("region")={_quoted([f"Region {c}" for c in codes])};
VARIABLECODE("statistikkvariabel")="ContentsCode";
VALUES("statistikkvariabel")="Folkemengde","Areal";
VARIABLECODE("måned")="Tid";
VALUES("måned")={_quoted(months)};
TIMEVAL("måned")=TLIST(M1),{_quoted(months)};
CODES("region")={_quoted(codes)};
PRECISION("statistikkvariabel","Areal")=1;
UNITS("Folkemengde")="personer";
UNITS("Areal")="km²";
SOURCE="Statistisk sentralbyrå";
TABLEID="99950";
DATA=
"""
    by_row: dict[int, list[int]] = {}
    for position in symbols.tolist():
        by_row.setdefault(position // PERIODS, []).append(position % PERIODS)
    px, js = folder / "table.px", folder / "table.json"
    with open(px, "w", encoding="utf-8") as out, open(js, "wb") as body:
        out.write(head)
        dimension = {
            "Region": {"label": "region", "category": {"index": codes}},
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {"index": ["Folkemengde", "Areal"]},
            },
            "Tid": {"label": "måned", "category": {"index": months}},
        }
        meta = orjson.dumps(
            {
                "class": "dataset",
                "version": "2.0",
                "label": "99950: Folkemengde og areal",
                "id": ["Region", "ContentsCode", "Tid"],
                "size": [regions, 2, PERIODS],
                "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
                "dimension": dimension,
                "extension": {"px": {"tableid": "99951", "decimals": 1}},
            }
        )
        body.write(meta[:-1] + b',"value":[')
        for row in range(regions * 2):
            source = people[row // 2] if row % 2 == 0 else area[row // 2]
            tokens = list(map(str, source.tolist()))
            for n, column in enumerate(by_row.get(row, [])):
                tokens[column] = '":"' if n % 2 else '".."'
            out.write(" ".join(tokens))
            out.write("\n")
            line = ",".join(tokens).replace('":"', "null").replace('".."', "null")
            body.write((b"," if row else b"") + line.encode())
        out.write(";\n")
        body.write(b"]}")
    return {"px_bytes": px.stat().st_size, "json_bytes": js.stat().st_size, "cells": total}


# --------------------------------------------------------------------------------------------
# The upload (in a fresh child per measurement)


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def upload_child(folder: str, kind: str) -> None:
    import gc
    import resource

    sys.path.insert(0, str(ROOT))
    from portal.accounts.service import create_token
    from portal.app import create_app
    from portal.demo import seed
    from portal.http.db import get_database
    from portal.kernel import migrate
    from portal.kernel.access import CLI_ACTOR
    from portal.kernel.clock import FixedClock
    from portal.kernel.db import make_engine
    from portal.programme.service import find_producer

    now = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    base = Path(folder)
    url = f"sqlite:///{base / kind}.sqlite3"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": str(base / f"instance-{kind}"),
            "SECRET_KEY": "bench",
            "CLOCK": FixedClock(now),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with get_database(app).session() as session:
        seed.seed_programme(session, now)
    with get_database(app).session() as session:
        token = create_token(
            session, CLI_ACTOR, producer=find_producer(session, "ssb"), name="bench", now=now
        )
    client = app.test_client()
    path = base / ("table.px" if kind == "px" else "table.json")
    size = path.stat().st_size
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        baseline, method = _status_bytes("VmRSS"), "clear_refs"
    except OSError:
        baseline, method = _status_bytes("VmHWM"), "peak_so_far"
    started = time.perf_counter()
    with open(path, "rb") as body:
        response = client.post(
            "/api/v1/tables?statistic=folkemengde",
            input_stream=body,
            content_length=size,
            content_type="application/json" if kind == "json" else "application/octet-stream",
            headers={"Authorization": f"Bearer {token.secret}"},
        )
    seconds = time.perf_counter() - started
    peak = _status_bytes("VmHWM")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "status": response.status_code,
                "answer": response.get_json(),
                "seconds": round(seconds, 2),
                "baseline_bytes": baseline,
                "peak_over_baseline_bytes": peak - baseline,
                "ru_maxrss_bytes": maxrss,
                "method": method,
            }
        )
    )


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    found: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return found


def measure(folder: Path, kind: str, cells: int, body_bytes: int) -> dict[str, Any]:
    found = _child("--child", str(folder), kind)
    raw = cells * 8
    mb = 1e6
    return {
        "status": found["status"],
        "seconds": found["seconds"],
        "body_mb": round(body_bytes / mb, 1),
        "raw_mb": round(raw / mb, 1),
        "baseline_mb": round(found["baseline_bytes"] / mb, 1),
        "peak_over_baseline_mb": round(found["peak_over_baseline_bytes"] / mb, 1),
        "over_raw": round(found["peak_over_baseline_bytes"] / raw, 2),
        "ru_maxrss_mb": round(found["ru_maxrss_bytes"] / mb, 1),
        "ru_maxrss_over_raw": round(found["ru_maxrss_bytes"] / raw, 2),
        "method": found["method"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=20_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sizes = _child("--files", str(folder), str(args.cells))
        results = {
            kind: measure(folder, kind, sizes["cells"], sizes[f"{kind}_bytes"])
            for kind in ("px", "json")
        }
    report = {
        "bench": "upload_memory",
        "cells": sizes["cells"],
        "shape": [sizes["cells"] // (2 * PERIODS), 2, PERIODS],
        "symbol_cells": f"1 in {SYMBOL_EVERY}",
        "floor": "8 bytes a cell (float64)",
        "px": results["px"],
        "jsonstat": results["json"],
        "goal": f"upload peak over baseline < {GOAL} x raw",
        "met": all(r["over_raw"] < GOAL for r in results.values()),
        "total_s": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
        },
    }
    line = json.dumps(report)
    print(line)
    out = args.out
    if out is None and args.cells == 20_000_000:
        day = datetime.now(UTC).date().isoformat()
        out = ROOT / "bench" / "results" / f"{day}-{platform.node()}-upload_memory.json"
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(line + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--files":
        print(json.dumps(write_files(Path(sys.argv[2]), int(sys.argv[3]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "--child":
        upload_child(sys.argv[2], sys.argv[3])
    else:
        main()
