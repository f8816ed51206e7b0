"""How much a filtered, paged statistics list costs, as a ratio over fetching the same 50 rows in raw SQL.

Builds the demo programme plus 2,000 extra statistics (fixed seed) in a fresh database, then times
`list_statistics` (page of 50, with and without filters) and the floor in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.db import Database  # noqa: E402
from portal.programme import service  # noqa: E402
from portal.programme.models import Frequency, Producer, Statistic, SubjectArea  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROUNDS = 200


def build(db: Database) -> None:
    migrate.upgrade(db.engine)
    rng = random.Random(20261123)
    with db.session() as s:
        seed.seed_programme(s, NOW)
        producers = list(s.scalars(select(Producer)))
        areas = list(s.scalars(select(SubjectArea)))
        for i in range(2000):
            s.add(
                Statistic(
                    slug=f"bench-{i:05d}",
                    producer=rng.choice(producers),
                    name_nb=f"Benkmerke {i}",
                    name_en=f"Benchmark {i}",
                    description_nb="",
                    description_en="",
                    frequency=rng.choice(list(Frequency)).value,
                    is_official=True,
                    created_at=NOW,
                    updated_at=NOW,
                    subject_areas=rng.sample(areas, 2),
                )
            )


def timed(fn) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("PORTAL_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        db = Database(url)
        build(db)
        with db.sessions() as s:
            raw = text("SELECT * FROM statistic ORDER BY name_nb, id LIMIT 50")
            floor = timed(lambda: s.execute(raw).all())
            plain = timed(lambda: service.list_statistics(s, service.StatisticQuery(per_page=50)))
            filtered = timed(
                lambda: service.list_statistics(
                    s,
                    service.StatisticQuery(
                        producer="ssb", subject_area="befolkning", text="bench", per_page=50
                    ),
                )
            )
        db.dispose()
    floor_s, plain_s, filtered_s = summary(floor), summary(plain), summary(filtered)
    print(
        json.dumps(
            {
                "bench": "programme_statistics",
                "database": url.split(":")[0],
                "rounds": ROUNDS,
                "floor": floor_s,
                "list_page_50": plain_s,
                "list_filtered": filtered_s,
                "ratio_median": round(plain_s["median_ms"] / floor_s["median_ms"], 1),
                "ratio_filtered_median": round(filtered_s["median_ms"] / floor_s["median_ms"], 1),
                "machine": {
                    "python": platform.python_version(),
                    "cpu": platform.machine(),
                    "cores": os.cpu_count(),
                    "host": platform.node(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
