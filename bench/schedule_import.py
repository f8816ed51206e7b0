"""How many rows a second does a schedule import announce, on SQLite? Goal: at least 500 rows/s for a
file of 5,000 rows (issue 16: it took 35 ms a row, and held the database's one write lock all along).

A round is ``POST /api/v1/releases/schedule`` (CSV, 5,000 valid rows for Statistics Norway's
statistics, fixed seed, every release at least five months ahead, exact and confirmed) on the app
(Flask's test client, in process), against a fresh copy of a migrated SQLite database holding the
programme and a token: parsing, checking, writing, committing and answering, all that the endpoint
does. Reported too: the time until the commit has ended (the database part; the write lock is held only
in it), and until the search index has every release (a bulk import's index update runs after the
answer, in the background, since 2026-12-06). Floor, in the
same run: the same 5,000 releases inserted with one ``executemany`` by the sqlite3 module, in one
transaction.

Run: ``python bench/schedule_import.py`` (about a minute; ``--rows 500 --rounds 1`` for a quick look,
which writes no results file unless ``--out`` is given). Prints one JSON line; writes
``bench/results/<date>-<host>-schedule_import.json``. ``--profile`` prints the cProfile of one round.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from portal.accounts.service import create_token  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.demo import seed  # noqa: E402
from portal.http.db import get_database  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.access import CLI_ACTOR  # noqa: E402
from portal.kernel.clock import FixedClock  # noqa: E402
from portal.kernel.db import Database, make_engine  # noqa: E402
from portal.programme.models import Producer, Statistic  # noqa: E402
from portal.programme.service import find_producer  # noqa: E402
from portal.search.changes import wait_for_background_updates  # noqa: E402
from release_calendar.schedule import CSV_COLUMNS  # noqa: E402

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
SEED = 16
GOAL = 500.0


def build_csv(slugs: list[str], rows: int) -> str:
    """``rows`` valid schedule rows over ``slugs``: monthly figures, each released at 08:00 on a
    weekday five months or more ahead."""
    rng = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    first = date(2027, 5, 3)
    for n in range(rows):
        slug = slugs[n % len(slugs)]
        month = n // len(slugs)
        start = date(2026 + month // 12, month % 12 + 1, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        day = first + timedelta(days=rng.randrange(0, 5 * 365))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        label = f"{start:%Y-%m}"
        writer.writerow(
            [
                slug,
                f"{slug}: tal for {label}",
                f"{slug}: figures for {label}",
                "new-figures",
                start.isoformat(),
                end.isoformat(),
                label,
                label,
                f"{day.isoformat()} 08:00",
                "exact",
                "true",
                "",
                "",
                "",
            ]
        )
    return out.getvalue()


def template(folder: Path) -> tuple[Path, str, list[str]]:
    """A migrated SQLite file with the programme and a token of Statistics Norway: its path, the
    token's secret and SSB's statistics."""
    path = folder / "template.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database(url)
    with db.session() as session:
        seed.seed_programme(session, NOW)
    with db.session() as session:
        ssb = find_producer(session, "ssb")
        token = create_token(session, CLI_ACTOR, producer=ssb, name="bench", now=NOW)
        slugs = list(
            session.scalars(
                select(Statistic.slug)
                .join(Producer, Producer.id == Statistic.producer_id)
                .where(Producer.slug == "ssb")
                .order_by(Statistic.slug)
            )
        )
    db.dispose()
    return path, token.secret, slugs


def one_round(
    folder: Path, base: Path, secret: str, body: bytes, n: int, profile: bool
) -> tuple[float, float, float]:
    """Seconds of the whole request, up to the end of its commit, and until the search index has the
    releases too (a bulk import's index update runs after the answer, in the background)."""
    path = folder / f"round-{n}.sqlite3"
    shutil.copy(base, path)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "INSTANCE_DIR": str(folder / f"instance-{n}"),
            "SECRET_KEY": "bench",
            "CLOCK": FixedClock(NOW),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    committed: list[float] = []

    def on_commit(session: Session) -> None:
        committed.append(time.perf_counter())

    # First of the after-commit listeners: before the search index's update runs.
    event.listen(Session, "after_commit", on_commit, insert=True)

    def post() -> Any:
        return client.post(
            "/api/v1/releases/schedule",
            data=body,
            content_type="text/csv",
            headers={"Authorization": f"Bearer {secret}"},
        )

    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        answer = profiler.runcall(post)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        answer = post()
    seconds = time.perf_counter() - started
    wait_for_background_updates(app)
    searchable = time.perf_counter() - started
    event.remove(Session, "after_commit", on_commit)
    assert answer.status_code == 201, answer.get_data(as_text=True)[:500]
    get_database(app).dispose()
    return seconds, committed[-1] - started, searchable


def floor_round(folder: Path, base: Path, text: str, n: int) -> float:
    """The same releases by one executemany of the sqlite3 module, in one transaction."""
    path = folder / f"floor-{n}.sqlite3"
    shutil.copy(base, path)
    connection = sqlite3.connect(path, isolation_level=None)
    ids = dict(connection.execute("SELECT slug, id FROM statistic"))
    rows = [
        (
            ids[r["statistic"]],
            r["title_nb"],
            r["title_en"],
            r["kind"],
            r["period_start"],
            r["period_end"],
            r["period_label_nb"],
            r["period_label_en"],
            r["release_at"],
            r["precision"],
            "confirmed",
            NOW.isoformat(),
            NOW.isoformat(),
        )
        for r in csv.DictReader(io.StringIO(text))
    ]
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO release (statistic_id, title_nb, title_en, kind, period_start, period_end, "
        "period_label_nb, period_label_en, release_at, precision, state, created_at, updated_at, "
        "contents_nb, contents_en, release_note_nb, release_note_en, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', '', 1)",
        rows,
    )
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base, secret, slugs = template(folder)
        text = build_csv(slugs, args.rows)
        body = text.encode()
        ours, to_commit, found, floor = [], [], [], []
        for n in range(args.rounds):
            whole, written, indexed = one_round(
                folder, base, secret, body, n, args.profile and n == 0
            )
            ours.append(whole)
            to_commit.append(written)
            found.append(indexed)
            floor.append(floor_round(folder, base, text, n))
    rate = [args.rows / s for s in ours]
    report = {
        "bench": "schedule_import",
        "rows": args.rows,
        "rounds": args.rounds,
        "statistics": len(slugs),
        "import_s": {
            "median": round(statistics.median(ours), 3),
            "max": round(max(ours), 3),
            "all": [round(s, 3) for s in ours],
        },
        "rows_per_s": {"median": round(statistics.median(rate), 1), "min": round(min(rate), 1)},
        "ms_per_row": round(1000 * statistics.median(ours) / args.rows, 2),
        "until_committed_s": {
            "median": round(statistics.median(to_commit), 3),
            "all": [round(s, 3) for s in to_commit],
            "rows_per_s": round(args.rows / statistics.median(to_commit), 1),
        },
        "answer_after_commit_s": round(
            statistics.median(w - c for w, c in zip(ours, to_commit, strict=True)), 3
        ),
        # The search index's update runs after the answer (in the background) for a bulk import.
        "until_searchable_s": {
            "median": round(statistics.median(found), 3),
            "rows_per_s": round(args.rows / statistics.median(found), 1),
        },
        "floor_executemany_s": round(statistics.median(floor), 4),
        "ratio_to_floor": round(statistics.median(ours) / statistics.median(floor), 1),
        "goal_rows_per_s": GOAL,
        "met": statistics.median(rate) >= GOAL,
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
    if out is None and args.rows == 5000 and args.rounds >= 3:
        day = datetime.now(UTC).date().isoformat()
        out = ROOT / "bench" / "results" / f"{day}-{platform.node()}-schedule_import.json"
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(line + "\n")


if __name__ == "__main__":
    main()
