"""What does serving the release minute's pages and lists from the cache gain (issue 23)?

One `portal serve --demo` (2 workers, SQLite, rate limits off) on loopback, measured by wrk (200
connections, 2 threads) on each of home, calendar, a statistic page, a release page, a table page and
`/api/v1/releases`, and on `/healthz` (one ``SELECT 1``: the floor), first with ``PAGE_CACHE`` off
(every request rendered) and then on (rendered once, served from the process's memory cache). The
machine is shared, so each figure is given as a ratio to the trivial endpoint of the same run.

Run: ``python bench/pages_cache.py [--seconds 10] [--connections 200]``; prints one JSON line and
writes it to ``bench/results/<date>-<host>-pages_cache.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import served  # noqa: E402

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    """Requests per second, p99 latency (ms) and non-2xx/3xx answers of ``url`` under wrk."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    return {
        "rps": rate,
        "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan"),
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "timeouts": float(errors.group(1)) if errors else 0.0,
    }


def paths(base: str) -> dict[str, str]:
    """The pages to measure, their ids found in the served demo."""
    releases = requests.get(base + "/api/v1/releases?status=published", timeout=30).json()
    tables = requests.get(base + "/api/pxwebapi/v2/tables?lang=no", timeout=30).json()
    release = releases["items"][0]
    return {
        "trivial": "/healthz",
        "home": "/",
        "calendar": "/kalender",
        "statistic": f"/statistikk/{release['statistic']['slug']}",
        "release": f"/kalender/{release['id']}",
        "table": f"/tabeller/{tables['tables'][0]['id']}",
        "api_releases": "/api/v1/releases",
    }


def settle(base: str) -> None:
    """Wait until the requests wrk left queued are done: `/healthz` answers within half a second."""
    for _ in range(120):
        started = time.perf_counter()
        requests.get(base + "/healthz", timeout=120).raise_for_status()
        if time.perf_counter() - started < 0.5:
            return
        time.sleep(1)


def run(instance: str, cache: bool, seconds: int, connections: int) -> dict[str, dict[str, float]]:
    env = {"PORTAL_PAGE_CACHE": "true" if cache else "false"}
    with served(instance, workers=2, demo=True, env=env) as base:
        found = paths(base)
        results = {}
        for name, path in found.items():
            settle(base)
            requests.get(base + path, timeout=120).raise_for_status()  # warm (and fill)
            results[name] = wrk(base + path, seconds, connections) | {"path": path}  # type: ignore[dict-item]
            print(cache, name, results[name], file=sys.stderr, flush=True)
        trivial = results["trivial"]["rps"]
        for figures in results.values():
            figures["ratio"] = round(figures["rps"] / trivial, 3)
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        before = run(folder, False, args.seconds, args.connections)
        after = run(folder, True, args.seconds, args.connections)
    line = {
        "bench": "pages_cache",
        "connections": args.connections,
        "seconds": args.seconds,
        "uncached": before,
        "cached": after,
        "machine": f"{platform.node()} {platform.machine()} {platform.python_version()}",
    }
    print(json.dumps(line))
    results = Path(__file__).resolve().parent / "results"
    (
        results / f"{datetime.now(UTC).date().isoformat()}-{platform.node()}-pages_cache.json"
    ).write_text(json.dumps(line, indent=1) + "\n")


if __name__ == "__main__":
    main()
