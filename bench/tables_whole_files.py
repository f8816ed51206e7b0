"""What a whole-table file costs the first time (built: the cube cut, rendered, hashed and written) and
every time after (served from the instance folder by ``send_file``), on a table of 600,000 cells; and,
for comparison, the same whole table as PxWebApi 2.0 renders it on every request (``valuecodes[*]=*``).
Floor, in the same run: the same built file through Flask's ``send_file`` on a bare route of the same
app (no table lookup, no revision check). Goal: a cached serve ≤ 3 × the floor, so what the revision
and visibility checks add is small beside moving the bytes; a first build is paid once per revision.

Over HTTP in process (Flask's test client, the whole body read), as a harvester downloads it: the table
is generated from a fixed seed, parsed and stored as an upload is (``parse_px`` → ``store_table`` into
SQLite and the cell store in a temporary folder). A first build is timed by removing the built file
before each round (the cell file's memory map stays warm, as in a serving process).

Run: ``python bench/tables_whole_files.py`` (a minute or two; ``--quick`` for 60,000 cells and fewer
rounds). Prints one JSON line and writes it to ``bench/results/<date>-<host>-tables_whole_files.json``.
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

import numpy as np
from flask import Flask, send_file

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.app import create_app  # noqa: E402
from portal.demo import seed  # noqa: E402
from portal.http.db import get_database  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.access import CLI_ACTOR  # noqa: E402
from portal.kernel.clock import FixedClock  # noqa: E402
from portal.kernel.db import make_engine  # noqa: E402
from pxbridge.blueprint import get_store  # noqa: E402
from pxbridge.ingest.px import parse_px  # noqa: E402
from pxbridge.ingest.storing import commit_table, store_table  # noqa: E402
from pxbridge.store import whole  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SEED = 20261206
TABLE = "99950"
FORMATS = ("csv", "parquet", "px", "json-stat2", "xlsx")


def _quoted(items: list[str]) -> str:
    return ",".join(f'"{item}"' for item in items)


def px_file(regions: int, months: int) -> bytes:
    """A table of ``regions`` × 2 contents × ``months`` months, values from a fixed seed."""
    rng = np.random.default_rng(SEED)
    codes = [f"{i:04d}" for i in range(1, regions + 1)]
    periods = [f"{2000 + m // 12}M{m % 12 + 1:02d}" for m in range(months)]
    head = f"""CHARSET="ANSI";
AXIS-VERSION="2010";
CODEPAGE="utf-8";
LANGUAGE="no";
DECIMALS=1;
MATRIX="{TABLE}";
SUBJECT-CODE="be";
SUBJECT-AREA="Befolkning";
TITLE="{TABLE}: Folkemengde og areal, etter region, statistikkvariabel og måned";
CONTENTS="Folkemengde og areal";
UNITS="personer";
STUB="region","statistikkvariabel";
HEADING="måned";
CONTVARIABLE="statistikkvariabel";
VARIABLECODE("region")="Region";
VALUES("region")={_quoted([f"Region {c}" for c in codes])};
VARIABLECODE("statistikkvariabel")="ContentsCode";
VALUES("statistikkvariabel")="Folkemengde","Areal";
VARIABLECODE("måned")="Tid";
VALUES("måned")={_quoted(periods)};
TIMEVAL("måned")=TLIST(M1),{_quoted(periods)};
CODES("region")={_quoted(codes)};
CODES("statistikkvariabel")="Folkemengde","Areal";
CODES("måned")={_quoted(periods)};
UNITS("Folkemengde")="personer";
UNITS("Areal")="km²";
LAST-UPDATED("Folkemengde")="20261123 08:00";
LAST-UPDATED("Areal")="20261123 08:00";
SOURCE="Statistisk sentralbyrå";
DATA=
"""
    people = rng.integers(100, 700_000, size=(regions, months))
    area = np.round(rng.uniform(1.0, 9000.0, size=(regions, months)), 1)
    lines = []
    for region in range(regions):
        lines.append(" ".join(map(str, people[region].tolist())))
        lines.append(" ".join(map(str, area[region].tolist())))
    return (head + "\n".join(lines) + ";\n").encode("utf-8")


def stored_table_app(folder: str, regions: int, months: int) -> tuple[Flask, int]:
    """An app on a fresh SQLite database in ``folder`` with the programme seeded and :data:`TABLE`
    (``regions`` × 2 × ``months`` cells from :func:`px_file`) parsed and stored as an upload is; the
    app and the table's cell count. Shared by the benches that serve that table."""
    url = f"sqlite:///{folder}/portal.sqlite3"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_DIR": f"{folder}/instance",
            "SECRET_KEY": "bench",
            "CLOCK": FixedClock(NOW),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "PXAPI_MAX_CELLS": 2 * regions * months,
        }
    )
    with app.app_context(), get_database(app).sessions() as session:
        seed.seed_programme(session, NOW)
        session.commit()
        table, replaced = store_table(
            session,
            CLI_ACTOR,
            get_store(app),
            parse_px(px_file(regions, months)),
            statistic_slug="folkemengde",
            now=NOW,
        )
        commit_table(session, get_store(app), table, replaced)
        return app, table.cells


def timed(action: Callable[[], Any], rounds: int) -> list[float]:
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        found.append(time.perf_counter() - started)
    return found


def summary(times: list[float], digits: int = 2) -> dict[str, float]:
    """Median and 95th percentile of ``times`` (seconds) in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(times) * 1000, digits),
        "p95_ms": round(p95 * 1000, digits),
    }


def main() -> None:
    quick = "--quick" in sys.argv
    regions, months = (100, 300) if quick else (500, 600)
    rounds = 3 if quick else 7
    with tempfile.TemporaryDirectory() as folder:
        app, cells = stored_table_app(folder, regions, months)
        floor_path: list[Path] = []

        def bare() -> Any:
            # the floor: send_file of the built file, nothing else (registered before any request)
            return send_file(floor_path[0], conditional=True, max_age=0)

        app.add_url_rule("/bench-floor", "bench_floor", bare)
        client = app.test_client()
        files: whole.WholeFiles = app.extensions["pxbridge.whole_files"]
        results: dict[str, Any] = {}
        for fmt in FORMATS:
            location = client.get(f"/tabeller/{TABLE}/filer/siste.{fmt}").headers["Location"]

            def fetch(location: str = location) -> int:
                with client.get(location) as answer:
                    assert answer.status_code == 200, answer.status_code
                    return len(answer.get_data())

            def first(fetch: Callable[[], int] = fetch) -> int:
                files.discard_others(TABLE, None)
                return fetch()

            built = timed(first, max(2, rounds // 2) if fmt == "xlsx" else rounds)
            size = fetch()
            cached = timed(fetch, rounds * 3)
            path = next(p for p in files.root.joinpath(TABLE).iterdir() if f".{fmt}." in p.name)

            floor_path[:] = [path]

            def trivial() -> int:
                with client.get("/bench-floor") as answer:
                    assert answer.status_code == 200, answer.status_code
                    return len(answer.get_data())

            floor = timed(trivial, rounds * 3)
            results[fmt] = {
                "bytes": size,
                "first_build": summary(built),
                "cached_serve": summary(cached),
                "floor_send_file": summary(floor),
                "cached_over_floor": round(statistics.median(cached) / statistics.median(floor), 2),
                "build_over_cached": round(statistics.median(built) / statistics.median(cached), 1),
            }
        codes = "&".join(f"valuecodes[{v}]=*" for v in ("Region", "ContentsCode", "Tid"))
        for fmt in ("csv", "parquet"):
            api = f"/api/pxwebapi/v2/tables/{TABLE}/data?lang=no&outputFormat={fmt}&{codes}"

            def ask(api: str = api) -> int:
                with client.get(api) as answer:
                    assert answer.status_code == 200, answer.status_code
                    return len(answer.get_data())

            results[fmt]["api_every_request"] = summary(timed(ask, rounds))
    line = {
        "bench": "tables_whole_files",
        "date": datetime.now(UTC).date().isoformat(),
        "cells": cells,
        "rounds": rounds,
        "formats": results,
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
        out = (
            ROOT / "bench" / "results" / f"{line['date']}-{platform.node()}-tables_whole_files.json"
        )
        out.write_text(text + "\n")


if __name__ == "__main__":
    main()
