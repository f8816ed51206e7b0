"""Do concurrent writers on the embedded SQLite database all get through, and how long do they wait?

Issue 16: on SQLite, 36 of 150 PATCHes from 6 threads failed at once with 500 "database is locked", and
during a 1,500-row schedule import every write of another producer failed. This script runs the same
load against a real ``portal serve --workers 2`` (gunicorn, 4 threads a worker: two processes and eight
threads contend for one SQLite file) on loopback:

* 6 writer threads, 2 for each of 3 producers (ssb, nav, fhi), each on its producer's statistic: a
  ``PATCH /api/v1/statistics/<slug>`` (every other one with ``If-Match`` from the last answer, so 412s
  are expected and fine) and, every fourth step, a ``GET`` of it with the same token;
* 1 importer thread posting a 1,500-row schedule (``POST /api/v1/releases/schedule``) for a fourth
  producer, again and again;
* 1 anonymous reader (``GET /api/v1/statistics?producer=ssb``).

Before the load, on the idle server: the floor (below), and the same anonymous read while another
connection holds the write lock, against the read alone: a reading request must not wait for a writer.

Goal: no 5xx at all. Reported: every answer by status and kind, the median and p95 of each kind, and
as the floor the same PATCH alone on an idle server (same run). Durations depend on the machine; only
the ratio to the floor means anything.

Run: ``python bench/sqlite_writers.py`` (1 to 2 minutes; ``--seconds 10`` for a quick look, which writes
no results file unless ``--out`` is given; ``--rows 0`` runs no importer; the server takes ``PORTAL_*``
settings from the environment, e.g. ``PORTAL_DATABASE_BUSY_TIMEOUT=90``). Prints one JSON line; writes
``bench/results/<date>-<host>-sqlite_writers.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving import served  # noqa: E402

from portal.accounts.service import create_token  # noqa: E402
from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.access import CLI_ACTOR  # noqa: E402
from portal.kernel.config import DEFAULTS  # noqa: E402
from portal.kernel.db import Database, make_engine  # noqa: E402
from portal.programme.models import Producer, Statistic  # noqa: E402
from portal.programme.service import find_producer  # noqa: E402

WRITERS = ("ssb", "nav", "fhi")
IMPORTER = "nve"
SEED = 16


def build(instance: Path) -> dict[str, Any]:
    """A migrated, seeded SQLite database in ``instance``; a token and a statistic for each producer."""
    instance.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{instance / 'portal.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database(url)
    now = datetime.now(UTC)
    plan: dict[str, Any] = {}
    with db.session() as session:
        seed.seed_programme(session, now)
        seed.seed_demo_accounts(session, now)
    for slug in (*WRITERS, IMPORTER):
        with db.session() as session:
            producer = find_producer(session, slug)
            statistic = session.scalar(
                select(Statistic.slug)
                .join(Producer, Statistic.producer_id == Producer.id)
                .where(Producer.slug == slug)
                .order_by(Statistic.slug)
                .limit(1)
            )
            token = create_token(session, CLI_ACTOR, producer=producer, name="bench", now=now)
        plan[slug] = {"statistic": statistic, "token": token.secret}
    db.dispose()
    return plan


def schedule(statistic: str, rows: int, round_: int) -> list[dict[str, Any]]:
    """``rows`` confirmed releases four months ahead and more (on time, so no justification needed)."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=125)
    body = []
    for number in range(rows):
        at = start + timedelta(days=round_ * 7, minutes=number)
        body.append(
            {
                "statistic": statistic,
                "title_nb": f"Benk {round_}.{number}",
                "title_en": f"Bench {round_}.{number}",
                "kind": "new-figures",
                "period_start": "2027-01-01",
                "period_end": "2027-01-31",
                "period_label_nb": "januar 2027",
                "period_label_en": "January 2027",
                "release_at": at.isoformat(),
                "precision": "exact",
                "confirmed": True,
            }
        )
    return body


#: Seconds a client waits for an answer: longer than any wait on the server, so what is measured is the
#: server's answer. A request that gets none is logged with status 0.
CLIENT_TIMEOUT = 180


class Log:
    """Every answer as (kind, status, milliseconds), from all threads."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float]] = []
        self.lock = threading.Lock()

    def ask(
        self, kind: str, http: requests.Session, method: str, url: str, **kwargs: Any
    ) -> requests.Response | None:
        started = time.perf_counter()
        try:
            answer = http.request(method, url, timeout=CLIENT_TIMEOUT, **kwargs)
        except requests.RequestException:
            answer = None
        with self.lock:
            status = answer.status_code if answer is not None else 0
            self.rows.append((kind, status, (time.perf_counter() - started) * 1000))
        return answer


def writer(base: str, plan: dict[str, str], number: int, deadline: float, log: Log) -> None:
    rng = random.Random(SEED + number)
    url = f"{base}/api/v1/statistics/{plan['statistic']}"
    auth = {"Authorization": f"Bearer {plan['token']}"}
    etag: str | None = None
    step = 0
    with requests.Session() as http:
        while time.perf_counter() < deadline:
            step += 1
            if step % 4 == 0:
                answer = log.ask("get_token", http, "GET", url, headers=auth)
            else:
                headers = dict(auth)
                if etag and step % 2:
                    headers["If-Match"] = etag
                body = {"description_en": f"Bench writer {number}, step {step}, {rng.random():.6f}"}
                answer = log.ask("patch", http, "PATCH", url, json=body, headers=headers)
            if answer is not None:
                etag = answer.headers.get("ETag", etag)


def importer(base: str, plan: dict[str, str], rows: int, deadline: float, log: Log) -> None:
    auth = {"Authorization": f"Bearer {plan['token']}"}
    round_ = 0
    with requests.Session() as http:
        while time.perf_counter() < deadline:
            body = schedule(plan["statistic"], rows, round_)
            url = f"{base}/api/v1/releases/schedule"
            log.ask("import", http, "POST", url, json=body, headers=auth)
            round_ += 1


def reader(base: str, deadline: float, log: Log) -> None:
    with requests.Session() as http:
        while time.perf_counter() < deadline:
            log.ask("read", http, "GET", f"{base}/api/v1/statistics?producer=ssb")


def summary(times: list[float]) -> dict[str, float]:
    if not times:
        return {}
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def floor(base: str, plan: dict[str, str], rounds: int) -> dict[str, float]:
    """The same PATCH, one at a time on the idle server (after as many warm-up rounds)."""
    url = f"{base}/api/v1/statistics/{plan['statistic']}"
    auth = {"Authorization": f"Bearer {plan['token']}"}
    times = []
    with requests.Session() as http:
        for number in range(2 * rounds):
            started = time.perf_counter()
            answer = http.patch(url, json={"description_en": f"floor {number}"}, headers=auth)
            assert answer.status_code == 200, answer.text
            if number >= rounds:
                times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def reads_under_a_held_lock(base: str, database: Path, rounds: int) -> dict[str, Any]:
    """Anonymous reads on the idle server, then while another connection holds the write lock: in WAL
    mode a reading request (deferred BEGIN) must not wait for it."""
    url = f"{base}/api/v1/statistics?producer=ssb"

    def timed(http: requests.Session) -> list[float]:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            answer = http.get(url, timeout=60)
            assert answer.status_code == 200, answer.status_code
            times.append((time.perf_counter() - started) * 1000)
        return times

    with requests.Session() as http:
        timed(http)
        idle = timed(http)
        holder = sqlite3.connect(database, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE calendar_revision SET revision = revision + 1")
            held = timed(http)
            holder.execute("ROLLBACK")
        finally:
            holder.close()
    return {"idle": summary(idle), "write_lock_held": summary(held)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--rows", type=int, default=1500, help="rows in each schedule import (0: no importer)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--out", help="results file (default: bench/results/<date>-<host>-…)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        plans = build(instance)
        with served(str(instance), workers=args.workers) as base:
            floor_figures = floor(base, plans["ssb"], 30)
            reads = reads_under_a_held_lock(base, instance / "portal.sqlite3", 30)
            log = Log()
            deadline = time.perf_counter() + args.seconds
            threads = [
                threading.Thread(
                    target=writer, args=(base, plans[WRITERS[n % 3]], n, deadline, log)
                )
                for n in range(6)
            ]
            if args.rows:
                threads.append(
                    threading.Thread(
                        target=importer, args=(base, plans[IMPORTER], args.rows, deadline, log)
                    )
                )
            threads.append(threading.Thread(target=reader, args=(base, deadline, log)))
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 2 * CLIENT_TIMEOUT)
            elapsed = time.perf_counter() - started
            hung = sum(thread.is_alive() for thread in threads)
    kinds = sorted({kind for kind, _, _ in log.rows})
    by_kind = {
        kind: {
            "count": sum(1 for k, _, _ in log.rows if k == kind),
            "by_status": dict(sorted(Counter(str(s) for k, s, _ in log.rows if k == kind).items())),
            **summary([ms for k, _, ms in log.rows if k == kind]),
        }
        for kind in kinds
    }
    patch_median = by_kind.get("patch", {}).get("median_ms", 0.0)
    report = {
        "bench": "sqlite_writers",
        "seconds": args.seconds,
        "elapsed_s": round(elapsed, 1),
        "threads_hung": hung,
        "writers": 6,
        "import_rows": args.rows,
        "gunicorn_workers": args.workers,
        "answers": by_kind,
        "five_xx": sum(1 for _, s, _ in log.rows if s >= 500),
        "no_answer": sum(1 for _, s, _ in log.rows if s == 0),
        "floor": {"what": "the same PATCH alone on the idle server", **floor_figures},
        "reads_without_load": reads,
        "patch_median_over_floor": round(patch_median / floor_figures["median_ms"], 1),
        "goal": "no 5xx, every request answered",
        "busy_timeout_s": float(
            os.environ.get("PORTAL_DATABASE_BUSY_TIMEOUT", DEFAULTS["DATABASE_BUSY_TIMEOUT"])
        ),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
        },
    }
    line = json.dumps(report)
    print(line)
    if args.out or args.seconds >= 30:
        path = (
            Path(args.out)
            if args.out
            else ROOT
            / "bench"
            / "results"
            / f"{datetime.now(UTC).date().isoformat()}-{platform.node()}-sqlite_writers.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(line + "\n")


if __name__ == "__main__":
    main()
