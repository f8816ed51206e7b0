"""How long does the portal take to answer when a remote PxWeb misbehaves, and how long does /healthz take
while 12 requests wait on a remote that hangs? (issue 16)

The scenarios of tests/pxbridge/test_remote_faults.py, timed: a remote on loopback that hangs, trickles
a byte every 0.5 s (after its headers, or from the status line on), answers junk, JSON of the wrong
shape, or 500 (tests/pxbridge/faulty_remote.py), behind a real `portal serve --workers 1` (gunicorn, 4
threads) with REMOTE_TIMEOUT_SECONDS=2. The floors: /healthz on the idle server, and `requests` with
the same 2 s as its timeout, one try, straight at the remote (what the bridge did before, three times).
The bridge's own client (``HttpRemote.tables``, what ``portal remotes sync`` calls) is timed against the
same deadline without a portal around it.

Run: `python bench/remote_faults.py` (about 4 minutes); `--quick`: one round, no results file.
Prints one JSON line and writes it to ``bench/results/<date>-<host>-remote_faults.json``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pxbridge.remotes.bridge import HttpRemote  # noqa: E402
from pxbridge.remotes.interfaces import RemoteFailure  # noqa: E402
from tests.pxbridge.faulty_remote import (  # noqa: E402
    DATA,
    FaultyRemote,
    faulty_remote,
    prepare_instance,
    served_portal,
)

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DEADLINE = 2.0
TRICKLE_EVERY = 0.5
TRICKLE_BYTES = 20  # `requests` alone needs 20 × 0.5 s = 10 s for the body
FAULTS = ("hang", "trickle", "trickle-headers", "junk", "shape", "error")
YEARS = ("2022", "2023", "2024")


def summary(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[-1] if len(ms) < 20 else statistics.quantiles(ms, n=20)[18]
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(p95, 1), "n": len(ms)}


def timed_get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    answer = requests.get(url, timeout=120)
    return answer.status_code, time.perf_counter() - started


def config(**extra: object) -> dict[str, str]:
    base: dict[str, object] = {
        "REMOTE_TIMEOUT_SECONDS": DEADLINE,
        "REMOTE_MAX_IN_FLIGHT": 2,
        "REMOTE_QUEUE_SECONDS": 0.2,
        "REMOTE_BREAKER_FAILURES": 100_000,
    }
    return {k: str(v) for k, v in {**base, **extra}.items()}


def faults(folder: Path, remote: FaultyRemote, rounds: int) -> dict[str, Any]:
    """One data request a round per fault (breaker off), and the idle /healthz floor."""
    with served_portal(folder, config()) as base:
        remote.mode = "ok"
        healthz = [timed_get(f"{base}/healthz")[1] for _ in range(50)]
        first = timed_get(base + DATA.format(year="2024"))
        results: dict[str, Any] = {
            "healthz_idle": summary(healthz),
            "ok_first_request": {"status": first[0], **summary([first[1]])},
        }
        for mode in FAULTS:
            remote.mode = mode
            seen, times = Counter[int](), []
            for i in range(rounds):
                # Never the year of ok_first_request, which the portal has cached.
                status, took = timed_get(base + DATA.format(year=YEARS[i % 2]))
                seen[status] += 1
                times.append(took)
            results[mode] = {"statuses": dict(seen), **summary(times)}
    return results


def requests_alone(remote: FaultyRemote, rounds: int) -> dict[str, Any]:
    """`requests` with DEADLINE as its timeout, one try, straight at the remote: the old client."""
    results: dict[str, Any] = {}
    for mode in ("hang", "trickle"):
        remote.mode = mode
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                requests.post(f"{remote.root}/tables/77001/data", json={}, timeout=DEADLINE)
            except requests.RequestException:
                pass
            times.append(time.perf_counter() - started)
        results[mode] = summary(times)
    return results


def bridge_client_alone(remote: FaultyRemote, rounds: int) -> dict[str, Any]:
    """The bridge's own client (``HttpRemote``, as ``portal remotes sync`` uses it, default retries)
    listing the remote's tables, no portal around it: the call ends by DEADLINE whatever the fault,
    its retries included (tests/pxbridge/test_remote.py checks the 504 comes before the remote
    answers; this is how long it takes)."""
    results: dict[str, Any] = {}
    for mode in ("hang", "trickle", "error"):
        remote.mode = mode
        seen, times = Counter[int](), []
        for _ in range(rounds):
            started = time.perf_counter()
            try:
                HttpRemote(remote.root, "no", timeout=DEADLINE).tables()
            except RemoteFailure as failure:
                seen[failure.status] += 1
            else:
                seen[200] += 1
            times.append(time.perf_counter() - started)
        took = summary(times)
        results[mode] = {
            "statuses": dict(seen),
            **took,
            "median_over_deadline": round(took["median_ms"] / 1000 / DEADLINE, 3),
        }
    return results


def breaker(folder: Path, remote: FaultyRemote) -> dict[str, Any]:
    """The answer while the breaker is open (3 failures opened it), against /healthz."""
    with served_portal(
        folder, config(REMOTE_BREAKER_FAILURES=3, REMOTE_BREAKER_SECONDS=600)
    ) as base:
        remote.mode = "error"
        opening = [timed_get(base + DATA.format(year="2022"))[0] for _ in range(3)]
        asked = len(remote.hits)
        answers = [timed_get(base + DATA.format(year="2022")) for _ in range(30)]
        healthz = [timed_get(f"{base}/healthz")[1] for _ in range(30)]
        return {
            "opening_statuses": opening,
            "open_statuses": dict(Counter(status for status, _ in answers)),
            "remote_asked_while_open": len(remote.hits) - asked,
            "open_answer": summary([took for _, took in answers]),
            "healthz": summary(healthz),
        }


def twelve_waiting(folder: Path, remote: FaultyRemote, cap: int, rounds: int) -> dict[str, Any]:
    """12 clients at once on the hanging remote, and /healthz once the remote holds one of them."""
    health, everything, statuses, most = [], [], Counter[int](), 0
    with served_portal(folder, config(REMOTE_MAX_IN_FLIGHT=cap)) as base:
        for _ in range(rounds):
            remote.mode = "hang"
            remote.reset_counts()
            got: list[int] = []
            lock = threading.Lock()

            def ask(year: str, got: list[int] = got, lock: threading.Lock = lock) -> None:
                status, _ = timed_get(base + DATA.format(year=year))
                with lock:
                    got.append(status)

            started = time.perf_counter()
            clients = [
                threading.Thread(target=ask, args=(YEARS[i % 3],), daemon=True) for i in range(12)
            ]
            for thread in clients:
                thread.start()
            for _ in range(1000):
                if remote.in_flight:
                    break
                time.sleep(0.01)
            status, took = timed_get(f"{base}/healthz")
            assert status == 200
            health.append(took)
            for thread in clients:
                thread.join(timeout=120)
            everything.append(time.perf_counter() - started)
            statuses.update(got)
            most = max(most, remote.most_in_flight)
            remote.mode = "ok"
            while remote.in_flight:  # the held connections drain before the next round
                time.sleep(0.05)
    return {
        "REMOTE_MAX_IN_FLIGHT": cap,
        "healthz": summary(health),
        "all_12_answered": summary(everything),
        "statuses": dict(statuses),
        "most_at_remote_at_once": most,
    }


def main(quick: bool) -> None:
    rounds = 1 if quick else 5
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as name,
        faulty_remote(trickle_every=TRICKLE_EVERY, trickle_bytes=TRICKLE_BYTES) as remote,
    ):
        folder = Path(name)
        prepare_instance(folder, remote.root, NOW)
        report: dict[str, Any] = {
            "bench": "remote_faults",
            "deadline_s": DEADLINE,
            "trickle": f"a byte every {TRICKLE_EVERY} s, {TRICKLE_BYTES}-byte body",
            "rounds": rounds,
            "served": "portal serve --workers 1 (gunicorn gthread, 4 threads), SQLite",
            "faults": faults(folder, remote, rounds),
            "requests_alone_one_try": requests_alone(remote, 1 if quick else 2),
            "bridge_client_alone": bridge_client_alone(remote, rounds),
            "breaker_open": breaker(folder, remote),
            "twelve_waiting_on_a_hanging_remote": [
                twelve_waiting(folder, remote, cap, 1 if quick else 3) for cap in (2, 12)
            ],
        }
    report["total_s"] = round(time.perf_counter() - started, 1)
    report["machine"] = {
        "python": platform.python_version(),
        "cpu": platform.machine(),
        "cores": os.cpu_count(),
        "host": platform.node(),
        "requests": requests.__version__,
    }
    line = json.dumps(report)
    print(line)
    if not quick:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        day = datetime.now(UTC).date().isoformat()
        (out / f"{day}-{platform.node()}-remote_faults.json").write_text(line + "\n")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
