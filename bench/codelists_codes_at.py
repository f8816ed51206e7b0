"""Throughput of Klass `codesAt` on the municipality classification (131, 357 codes), against a trivial
endpoint (/healthz) in the same gunicorn server, as a ratio. Goal: at least 0.5."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving import rate, served  # noqa: E402

from metadata.codelists.demo import seed_code_lists  # noqa: E402
from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.db import Database  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/portal.sqlite3")
        migrate.upgrade(db.engine)
        with db.session() as s:
            seed.seed_programme(s, NOW)
            seed_code_lists(s, NOW)
        db.dispose()
        with served(folder) as base:
            session = requests.Session()
            cases = {
                "trivial": base + "/healthz",
                "codesAt": base + "/api/klass/v1/classifications/131/codesAt?date=2024-06-01",
                "codesAt_csv": base
                + "/api/klass/v1/classifications/131/codesAt.csv?date=2024-06-01",
            }
            assert len(session.get(cases["codesAt"]).json()["codes"]) == 357
            results: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(3):
                for name, url in cases.items():
                    results[name].append(rate(session, url, 2))
    med = {k: round(statistics.median(v), 1) for k, v in results.items()}
    print(
        json.dumps(
            {
                "bench": "codelists_codes_at",
                "codes": 357,
                "requests_per_s": med,
                "codesAt_over_trivial": round(med["codesAt"] / med["trivial"], 2),
                "codesAt_csv_over_trivial": round(med["codesAt_csv"] / med["trivial"], 2),
                "machine": {
                    "python": platform.python_version(),
                    "cores": os.cpu_count(),
                    "host": platform.node(),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
