"""Issue 23: the release minute at scale. Two portal instances (separate instance folders, as two
machines) on one PostgreSQL database and one Redis, each under ``portal serve`` (gunicorn), behind
haproxy (nginx if haproxy is missing), all on loopback. A statistic gets a release at T with a
1,000,000-cell table uploaded through one instance and embargoed until T; from T−30 s to T+60 s
closed-loop clients play visitors and programs through the balancer, while pollers ask every channel
of each instance directly every 100 ms from T−3 s until it shows the release.

    .venv/bin/python bench/release_minute.py [--clients 50,100,200] [--before 30] [--after 60]
    .venv/bin/python bench/release_minute.py --quick      # one level of 50 clients, T−10 s to T+20 s

Each load level has a release of its own (a new table at its own T). Prints a table per level and
writes ``bench/results/<date>-<host>-release_minute.json`` (``--quick``: only with ``--out``). Needs
PostgreSQL on 127.0.0.1:5432 (trust, user postgres) and Redis on 127.0.0.1:6379; skips otherwise.
Everything it starts is stopped and everything it makes is removed, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402
import requests  # noqa: E402

from bench.release_load import (  # noqa: E402
    TIMEOUT,
    Channel,
    Load,
    after,
    answered,
    atom_published,
    contains,
    first_visible,
    ical_published,
    poll,
    summary,
)
from bench.tables_whole_files import px_file  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{}"
STATISTIC = "benk-indeks"
PRODUCER = "benk"
#: Raised for the benchmark's clients (all of them come from 127.0.0.1); production keeps the defaults.
RATELIMITS = {
    "login": "10 per minute",
    "subscribe": "10 per minute",
    "api": "10000000 per minute",
    "pxapi": "10000000 per minute",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


@dataclass
class Setup:
    """What the run made; ``close`` undoes all of it."""

    folder: Path
    database: str
    redis_db: int
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]]

    def start(self, argv: list[str], env: dict[str, str], log: str) -> subprocess.Popen[bytes]:
        out = open(self.folder / log, "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.processes.append(process)
        return process

    def portal(self, *args: str, instance: str = "a") -> str:
        env = {**self.env, "PORTAL_INSTANCE_DIR": str(self.folder / instance)}
        done = subprocess.run(
            [sys.executable, "-m", "portal", *args], env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"portal {' '.join(args)}: {done.stderr or done.stdout}")
        return done.stdout

    def close(self, logs: str | None = None) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with contextlib.suppress(Exception):
            client = redis.Redis(host="127.0.0.1", port=6379, db=self.redis_db)
            client.flushdb()
            client.close()
        with contextlib.suppress(Exception):
            with psycopg.connect(
                "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
            ) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if logs:
            Path(logs).mkdir(parents=True, exist_ok=True)
            for log in self.folder.glob("*.log"):
                shutil.copy(log, Path(logs) / log.name)
        shutil.rmtree(self.folder, ignore_errors=True)


def preflight() -> str | None:
    """Why the bench cannot run here, or None."""
    try:
        psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres connect_timeout=3").close()
    except psycopg.Error as error:
        return f"PostgreSQL on 127.0.0.1:5432 (trust, user postgres) is not there: {error}"
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis on 127.0.0.1:6379 is not there: {error}"
    if not (shutil.which("haproxy") or shutil.which("nginx")):
        return "neither haproxy nor nginx is installed"
    return None


def empty_redis_db() -> int:
    """A Redis database number holding no keys (15 downwards), so flushing it touches no one else's."""
    for number in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", port=6379, db=number)
        try:
            if client.dbsize() == 0:
                return number
        finally:
            client.close()
    raise RuntimeError("no empty Redis database between 1 and 15")


@contextlib.contextmanager
def stack(workers: int, logs: str | None) -> Iterator[tuple[Setup, dict[str, str], str, str]]:
    """The two instances and the balancer; yields (setup, instance URLs by name, balancer URL,
    producer token)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-release-"))
    database = f"bench_release_{os.getpid()}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    redis_db = empty_redis_db()
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": PG.format(database),
        "PORTAL_REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "PORTAL_SECRET_KEY": "bench-release-minute",  # one key for both machines, as in production
        "PORTAL_RATELIMITS": json.dumps(RATELIMITS),
        "PORTAL_TRUSTED_PROXIES": "1",
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    setup = Setup(folder, database, redis_db, env, [])
    try:
        setup.portal("db", "upgrade")
        setup.portal("programme", "load")
        setup.portal(
            "producer", "create", "--slug", PRODUCER, "--short-name", "BENK",
            "--name-nb", "Benkeverket", "--name-en", "The Bench Agency",
            "--website", "https://benk.example.no",
        )  # fmt: skip
        token = setup.portal(
            "token", "create", "--producer", PRODUCER, "--name", "release bench"
        ).split()[-1]
        bases: dict[str, str] = {}
        for name in ("a", "b"):
            port = free_port()
            setup.start(
                [sys.executable, "-m", "portal", "serve", "--port", str(port),
                 "--workers", str(workers)],
                {**env, "PORTAL_INSTANCE_DIR": str(folder / name)},
                f"serve-{name}.log",
            )  # fmt: skip
            bases[name] = f"http://127.0.0.1:{port}"
        for base in bases.values():
            wait_ready(base + "/healthz")
        balancer = start_balancer(setup, list(bases.values()))
        wait_ready(balancer + "/healthz")
        yield setup, bases, balancer, token
    finally:
        setup.close(logs)


def start_balancer(setup: Setup, backends: list[str]) -> str:
    port = free_port()
    servers = [b.removeprefix("http://") for b in backends]
    if shutil.which("haproxy"):
        config = setup.folder / "haproxy.cfg"
        lines = [
            "global", "  maxconn 4096",
            "defaults", "  mode http", "  option forwardfor", "  option http-keep-alive",
            "  timeout connect 5s", "  timeout client 65s", "  timeout server 65s",
            "frontend portal", f"  bind 127.0.0.1:{port}", "  default_backend machines",
            "backend machines", "  balance roundrobin",
            *(f"  server m{n} {s}" for n, s in enumerate(servers)),
        ]  # fmt: skip
        config.write_text("\n".join(lines) + "\n")
        argv = [shutil.which("haproxy") or "haproxy", "-db", "-f", str(config)]
    else:
        config = setup.folder / "nginx.conf"
        ups = "".join(f"server {s};" for s in servers)
        temp = setup.folder / "nginx"
        temp.mkdir()
        config.write_text(
            f"daemon off; pid {temp}/nginx.pid; error_log {temp}/error.log;"
            "events { worker_connections 4096; }"
            f"http {{ access_log off; client_body_temp_path {temp}; proxy_temp_path {temp};"
            f"upstream machines {{ {ups} keepalive 64; }}"
            f"server {{ listen 127.0.0.1:{port}; client_max_body_size 200m;"
            "location / { proxy_pass http://machines; proxy_http_version 1.1;"
            'proxy_set_header Connection ""; proxy_set_header Host $host;'
            "proxy_set_header X-Forwarded-For $remote_addr; proxy_read_timeout 65s; } } }"
        )
        argv = [shutil.which("nginx") or "nginx", "-c", str(config), "-p", str(temp)]
    setup.start(argv, setup.env, "balancer.log")
    return f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------------------------
# The data: a statistic, and per load level a release at its T with its million-cell table


@dataclass(frozen=True)
class Release:
    level: int
    release_id: int
    table_id: str
    at: float  # wall clock
    title: str
    note: str


def create_statistic(base: str, token: str) -> None:
    response = requests.post(
        base + "/api/v1/statistics",
        json={
            "slug": STATISTIC,
            "producer": PRODUCER,
            "name_nb": "Benkeindeksen",
            "name_en": "The bench index",
            "frequency": "monthly",
            "subject_areas": ["priser-og-prisindekser"],
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()


def announce_and_upload(base: str, token: str, n: int, at: float, px: bytes) -> Release:
    auth = {"Authorization": f"Bearer {token}"}
    title, note = f"Benkeindeksen, runde {n}", f"Benkemerke-{n}: tallene er ute."
    moment = datetime.fromtimestamp(at, UTC)
    response = requests.post(
        base + "/api/v1/releases",
        json={
            "statistic": STATISTIC,
            "title_nb": title,
            "title_en": f"The bench index, round {n}",
            "kind": "new-figures",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
            "period_label_nb": "november 2026",
            "period_label_en": "November 2026",
            "release_at": moment.isoformat(),
            "precision": "exact",
            "confirmed": True,
            "release_note_nb": note,
            "late_justification": "Ytelsestest av publiseringsminuttet.",
        },
        headers=auth,
        timeout=30,
    )
    response.raise_for_status()
    release_id = int(response.json()["id"])
    table_id = f"9923{n}"
    upload = requests.post(
        f"{base}/api/v1/tables?statistic={STATISTIC}&release={release_id}&table_id={table_id}",
        data=px,
        headers={**auth, "Content-Type": "application/octet-stream"},
        timeout=300,
    )
    upload.raise_for_status()
    return Release(n, release_id, table_id, at, title, note)


def channels(release: Release) -> list[Channel]:
    """What visitors and programs ask for at the minute, each with what shows the release."""
    tid, rid = release.table_id, release.release_id
    data = (
        f"/api/pxwebapi/v2/tables/{tid}/data?lang=no&valuecodes%5BTid%5D=top(12)"
        "&valuecodes%5BRegion%5D=*&valuecodes%5BContentsCode%5D=*&outputFormat=json-stat2"
    )
    classic = json.dumps(
        {
            "query": [
                {"code": "Region", "selection": {"filter": "all", "values": ["*"]}},
                {"code": "ContentsCode", "selection": {"filter": "all", "values": ["*"]}},
                {"code": "Tid", "selection": {"filter": "top", "values": ["12"]}},
            ],
            "response": {"format": "json-stat2"},
        }
    ).encode()
    link = f"/kalender/{rid}"
    return [
        Channel("home", "visitor", "GET", "/", after('id="latest-heading"', release.title), 20),
        Channel("calendar", "visitor", "GET", "/kalender?status=published", contains(link + '"'), 10),
        Channel("statistic", "visitor", "GET", f"/statistikk/{STATISTIC}", contains(f"/tabeller/{tid}\""), 15),
        Channel("release", "visitor", "GET", link, contains(release.note), 15),
        Channel("table", "visitor", "GET", f"/tabeller/{tid}", answered, 15, embargoed=True),
        Channel("ical", "visitor", "GET", "/feeds/releases.ics", ical_published(link), 3),
        Channel("atom", "visitor", "GET", "/feeds/releases.atom", atom_published(link), 5),
        Channel("pxapi-meta", "program", "GET", f"/api/pxwebapi/v2/tables/{tid}/metadata", answered, 5, embargoed=True),
        Channel("pxapi-data", "program", "GET", data, answered, 8, embargoed=True),
        Channel("classic", "program", "POST", f"/api/v0/no/table/{tid}", answered, 4, classic, embargoed=True),
        Channel("file-csv", "program", "GET", f"/tabeller/{tid}/filer/siste.csv", answered, 2, embargoed=True),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Running and reporting


def run_level(
    release: Release,
    clients: int,
    balancer: str,
    bases: dict[str, str],
    before: float,
    after_s: float,
    stop: threading.Event,
) -> dict[str, Any]:
    kinds = channels(release)
    start, end = release.at - before, release.at + after_s
    results: dict[tuple[str, str], list[Any]] = {}

    def poller(instance: str, channel: Channel) -> None:
        results[(instance, channel.name)] = poll(
            bases[instance], channel, release.at - 3, end, stop
        )

    pollers = [
        threading.Thread(target=poller, args=(i, c), daemon=True) for i in bases for c in kinds
    ]
    for thread in pollers:
        thread.start()
    load = Load(balancer, kinds, clients, start, end, stop)
    load_start = max(start, time.time())
    records = load.run()
    for thread in pollers:
        thread.join()
    seconds = end - load_start
    return {
        "clients": clients,
        "release_at": datetime.fromtimestamp(release.at, UTC).isoformat(),
        "load_started_s_before_t": round(release.at - load_start, 1),
        "seconds": round(seconds, 1),
        "kinds": summary(records, kinds, release.at, seconds),
        "after_t": summary(
            [r for r in records if r.sent >= release.at], kinds, release.at, end - release.at
        ),
        "visible": {
            f"{instance}:{name}": first_visible(found, release.at)
            for (instance, name), found in sorted(results.items())
        },
    }


def print_level(level: dict[str, Any], instances: list[str]) -> None:
    print(
        f"\n{level['clients']} clients, T = {level['release_at']} "
        f"(load from T−{level['load_started_s_before_t']} s, {level['seconds']} s)"
    )
    head = f"{'kind':<11}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'5xx':>6}{'early':>7}{'other':>7}  statuses"
    print(head)
    for kind, row in level["kinds"].items():
        statuses = " ".join(f"{k}:{v}" for k, v in row["statuses"].items())
        print(
            f"{kind:<11}{row['rps']:>8}{_ms(row['p50_ms'])}{_ms(row['p95_ms'])}{_ms(row['p99_ms'])}"
            f"{row['5xx']:>6}{row['early']:>7}{row['other']:>7}  {statuses}"
        )
    print("first visible after T (s), polled on each instance directly; early answers in brackets")
    names = sorted({key.split(":", 1)[1] for key in level["visible"]})
    print(f"{'channel':<11}" + "".join(f"{'instance ' + i:>26}" for i in instances))
    for name in names:
        cells = []
        for instance in instances:
            seen = level["visible"][f"{instance}:{name}"]
            after_s = seen["visible_after_s"]
            asked = seen["asked_after_s"]
            text = "never" if after_s is None else f"{after_s:.2f} (asked {asked:+.2f})"
            if seen["early"]:
                text += f" [{seen['early']} early]"
            if after_s is None:
                text += " " + ",".join(f"{k}×{v}" for k, v in seen["statuses"].items())
            cells.append(f"{text:>26}")
        print(f"{name:<11}" + "".join(cells))


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up as Ctrl-C does


def _ms(value: float | None) -> str:
    return f"{'-':>9}" if value is None else f"{value:>9.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,100,200", help="load levels, comma-separated")
    parser.add_argument("--before", type=float, default=30.0, help="seconds of load before T")
    parser.add_argument("--after", type=float, default=60.0, help="seconds of load after T")
    parser.add_argument("--trivial-seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--quick", action="store_true", help="50 clients, T−10 s to T+20 s")
    parser.add_argument("--out", help="results file (default: bench/results/…; none with --quick)")
    parser.add_argument("--logs", help="keep the servers' and the balancer's logs in this folder")
    parser.add_argument("--max-minutes", type=float, default=10.0, help="stop everything after")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.before, args.after, args.trivial_seconds = "50", 10.0, 20.0, 5.0
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if args.before < 1 or args.after < 1 or not levels:
        parser.error("--before, --after and --clients must be positive")
    why = preflight()
    if why:
        print(f"release_minute: skipped: {why}")
        return
    began = time.time()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, _interrupted)
    watchdog = threading.Timer(args.max_minutes * 60, stop.set)
    watchdog.daemon = True
    watchdog.start()
    px = px_file(500, 1000)  # region 500 × contents 2 × 1,000 months: 1,000,000 cells
    try:
        with stack(args.workers, args.logs) as (setup, bases, balancer, token):
            setup_s = time.time() - began
            create_statistic(bases["a"], token)
            # The first T leaves time for the uploads (~15 s each here), the trivial rate and the
            # load before T; each later level gets its own release after the one before.
            first = time.time() + 15 * len(levels) + args.trivial_seconds + args.before + 10
            # The clients' last requests may take up to their timeout after the load's end.
            span = args.before + args.after + TIMEOUT + 5
            releases = [
                announce_and_upload(bases["a"], token, n + 1, round(first + n * span), px)
                for n in range(len(levels))
            ]
            lead = releases[0].at - args.before - time.time()
            trivial_s = max(1.0, min(args.trivial_seconds, lead - 1))
            healthz = [Channel("healthz", "trivial", "GET", "/healthz", None)]
            t0 = time.time()
            trivial = Load(balancer, healthz, levels[0], t0, t0 + trivial_s, stop).run()
            trivial_row = summary(trivial, healthz, 0.0, trivial_s)["healthz"]
            print(
                f"release_minute: 2 instances × {args.workers} gunicorn workers on PostgreSQL "
                f"and Redis behind {'haproxy' if shutil.which('haproxy') else 'nginx'}; rate "
                f"limits raised for the bench's clients (api, pxapi: {RATELIMITS['api']}); setup "
                f"{setup_s:.0f} s; {os.cpu_count()} cores shared with other work"
            )
            print(
                f"trivial endpoint /healthz, {levels[0]} clients, {trivial_s:.0f} s: "
                f"{trivial_row['rps']} req/s, p50 {trivial_row['p50_ms']} ms, "
                f"p99 {trivial_row['p99_ms']} ms"
            )
            results = []
            for release, clients in zip(releases, levels, strict=True):
                if stop.is_set():
                    break
                level = run_level(release, clients, balancer, bases, args.before, args.after, stop)
                results.append(level)
                print_level(level, sorted(bases))
    except KeyboardInterrupt:
        stop.set()
        print("release_minute: interrupted; everything it started is stopped and removed")
        raise SystemExit(130) from None
    finally:
        stop.set()
        watchdog.cancel()
    line = {
        "bench": "release_minute",
        "date": datetime.now(UTC).date().isoformat(),
        "host": platform.node(),
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "workers_per_instance": args.workers,
        "ratelimits": RATELIMITS,
        "cells": 1_000_000,
        "before_s": args.before,
        "after_s": args.after,
        "trivial": trivial_row,
        "levels": results,
        "total_s": round(time.time() - began, 1),
        "note": "a 2-core machine shared with other work; load generator on the same machine",
    }
    print(json.dumps({k: line[k] for k in ("bench", "date", "total_s")}))
    out = args.out or (
        None
        if args.quick
        else str(ROOT / "bench" / "results" / f"{line['date']}-{line['host']}-release_minute.json")
    )
    if out:
        Path(out).write_text(json.dumps(line, indent=1, ensure_ascii=False) + "\n")
        print(f"written to {out}")


if __name__ == "__main__":
    main()
