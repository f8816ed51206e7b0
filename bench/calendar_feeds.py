"""The release calendar's feeds with 20,000 releases.

1. Full generation: the iCal feed of all 20,000 releases and the Atom feed, built from the database
   (query, visibility, serialisation), median of a few runs, against the floor of loading the same
   releases without serialising them.
2. Incremental rebuild (issue 23): the iCal and Atom feeds of all 20,000 releases (``history=all``) built
   from per-release fragments with an empty cache (a full build, as every worker did after every write
   before), against the rebuild after one release changed (one fragment rendered, the rest from the
   cache), each with the gzip and ETag a served feed gets; the goal is a ratio under 0.1. Set
   ``PORTAL_BENCH_REDIS_URL`` to keep the fragments in that Redis instead of process memory.
3. Warm serving over real HTTP: the cached Atom and iCal feeds (conditional-GET-free full responses)
   against a trivial endpoint (/healthz, one SELECT 1) in the same gunicorn server, as requests per
   second; the goal is a ratio of at least 0.5.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from serving import rate, served  # noqa: E402

from portal.demo import seed  # noqa: E402
from portal.kernel import migrate  # noqa: E402
from portal.kernel.cache import Cache, MemoryCache, RedisCache  # noqa: E402
from portal.kernel.db import Database  # noqa: E402
from portal.programme.models import Statistic  # noqa: E402
from release_calendar import feed_build, feeds, listing  # noqa: E402
from release_calendar.models import Release, ReleaseChange  # noqa: E402
from release_calendar.rules import Action, Kind, Precision, State  # noqa: E402
from release_calendar.service import bump_revision  # noqa: E402

RELEASES = 20_000
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def build(db: Database) -> None:
    migrate.upgrade(db.engine)
    rng = random.Random(20000)
    with db.session() as s:
        seed.seed_programme(s, NOW)
        stats = list(s.scalars(select(Statistic)))
        for i in range(RELEASES):
            at = NOW + timedelta(days=rng.randint(-300, 400), hours=rng.choice([0, 5]))
            confirmed = rng.random() < 0.8
            release = Release(
                statistic=rng.choice(stats),
                title_nb=f"Publisering {i}",
                title_en=f"Release {i}",
                kind=Kind.NEW_FIGURES.value,
                period_start=date(2026, 1, 1),
                period_end=date(2026, 1, 31),
                period_label_nb="januar 2026",
                period_label_en="January 2026",
                release_at=at,
                precision=(Precision.EXACT if confirmed else Precision.MONTH).value,
                state=(State.CONFIRMED if confirmed else State.PROVISIONAL).value,
                first_confirmed_at=at - timedelta(days=120) if confirmed else None,
                first_confirmed_release_at=at if confirmed else None,
                contents_nb="Tabeller.",
                contents_en="Tables.",
                release_note_nb="Tallene er publisert.",
                release_note_en="Published.",
                created_at=at - timedelta(days=200),
                updated_at=at - timedelta(days=120),
            )
            release.changes.append(
                ReleaseChange(
                    at=at - timedelta(days=200),
                    action=Action.ANNOUNCED.value,
                    new_release_at=at,
                    new_precision=release.precision,
                )
            )
            s.add(release)
        bump_revision(s, NOW)


def median_ms(fn, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def generation(db: Database) -> dict[str, object]:
    query = listing.ReleaseQuery()

    def url(view: listing.ReleaseView) -> str:
        return f"https://statistikkportalen.no/kalender/{view.id}"

    with db.sessions() as s:

        def load() -> list[listing.ReleaseView]:
            s.expire_all()
            return listing.all_releases(s, query, NOW, 100_000)

        views = load()
        assert len(views) == RELEASES
        floor = median_ms(load, 3)
        ical = median_ms(
            lambda: feeds.ical(
                load(), lang="nb", url_for_release=url, feed_url="https://x/feeds/releases.ics"
            ),
            3,
        )
        atom = median_ms(
            lambda: feeds.releases_feed(
                load(),
                lang="nb",
                url_for_release=url,
                self_url="https://x/a",
                home_url="https://x/",
                now=NOW,
                kind="atom",
            ),
            3,
        )
        size = len(feeds.ical(views, lang="nb", url_for_release=url, feed_url="https://x"))
    return {
        "load_releases": floor,
        "ical_full": ical,
        "atom_full": atom,
        "ical_bytes": size,
        "ical_over_load": round(ical["median_ms"] / floor["median_ms"], 2),
    }


def _cache() -> Cache:
    url = os.environ.get("PORTAL_BENCH_REDIS_URL")
    return RedisCache(url, prefix=f"bench:{uuid.uuid4().hex}:") if url else MemoryCache()


def _pack(body: bytes) -> bytes:
    """What views._cached_feed adds to every build: the ETag and the compressed body."""
    return hashlib.sha256(body).hexdigest()[:32].encode() + gzip.compress(body, 6, mtime=0)


def _rebuild(db: Database, kind: str, edits: range) -> dict[str, object]:
    wanted = feed_build.FeedRequest(
        kind=kind,
        lang="nb",
        query=listing.ReleaseQuery(),
        limit=100_000,
        self_url=f"https://statistikkportalen.no/feeds/releases.{kind}?history=all",
        home_url="https://statistikkportalen.no/kalender",
        release_url=lambda n: f"https://statistikkportalen.no/kalender/{n}",
        site="https://statistikkportalen.no/",
    )

    def full() -> None:
        with db.sessions() as s:
            _pack(feed_build.build_feed(s, _cache(), wanted, NOW))

    cold = median_ms(full, 3)
    cache = _cache()
    with db.sessions() as s:
        first = feed_build.build_feed(s, cache, wanted, NOW)  # fills the fragments
    samples = []
    for n in edits:
        with db.sessions() as s:
            release = s.get(Release, n)
            assert release is not None
            release.title_nb = f"Publisering {n} rettet"
            release.updated_at = NOW + timedelta(seconds=n)
            bump_revision(s, NOW)
            s.commit()
        start = time.perf_counter()
        with db.sessions() as s:
            body = feed_build.build_feed(s, cache, wanted, NOW)
            _pack(body)
        samples.append(time.perf_counter() - start)
        assert f"Publisering {n} rettet".encode() in body.replace(b"\r\n ", b"")
    with db.sessions() as s:
        # The rebuild gives the bytes of a full build.
        again = feed_build.build_feed(s, cache, wanted, NOW)
        assert again == feed_build.build_feed(s, _cache(), wanted, NOW) != first
    rebuild = {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }
    return {
        "full_build": cold,
        "rebuild_after_one_change": rebuild,
        "ratio": round(rebuild["median_ms"] / cold["median_ms"], 3),
    }


def incremental(db: Database) -> dict[str, object]:
    where = "redis" if os.environ.get("PORTAL_BENCH_REDIS_URL") else "memory"
    return {
        "fragments_in": where,
        "ics": _rebuild(db, "ics", range(7, 42, 7)),
        "atom": _rebuild(db, "atom", range(11, 66, 11)),
    }


def serving(folder: str) -> dict[str, object]:
    with served(folder) as base:
        session = requests.Session()
        cold_start = time.perf_counter()
        session.get(base + "/feeds/releases.atom?from=2025-01-01", timeout=300).raise_for_status()
        session.get(base + "/feeds/releases.ics?from=2025-01-01", timeout=300).raise_for_status()
        cold = round(time.perf_counter() - cold_start, 2)
        atom = base + "/feeds/releases.atom?from=2025-01-01"
        ics = base + "/feeds/releases.ics?from=2025-01-01"
        gz = {"Accept-Encoding": "gzip"}
        plain = {"Accept-Encoding": "identity"}
        ics_etag = session.get(ics, headers=gz).headers["ETag"]
        cases = {
            "trivial": (base + "/healthz", plain, 200),
            "atom_gzip": (atom, gz, 200),
            "ics_gzip": (ics, gz, 200),
            "ics_identity": (ics, plain, 200),
            "ics_not_modified": (ics, {**gz, "If-None-Match": ics_etag}, 304),
        }
        results: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(3):  # interleaved rounds, so drift in machine load hits every case alike
            for name, (url, headers, expect) in cases.items():
                results[name].append(rate(session, url, 2, headers, expect))
        med = {k: round(statistics.median(v), 1) for k, v in results.items()}
        sizes = {
            "ics_identity_bytes": len(session.get(ics, headers=plain).content),
            "ics_gzip_bytes": len(session.get(ics, headers=gz, stream=True).raw.read()),
        }
        ratios = {
            f"{k}_over_trivial": round(v / med["trivial"], 2)
            for k, v in med.items()
            if k != "trivial"
        }
        return {"cold_atom_and_ics_s": cold, "requests_per_s": med, **sizes, **ratios}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/portal.sqlite3")
        build(db)
        only_incremental = "--incremental" in sys.argv
        result: dict[str, object] = {"bench": "calendar_feeds", "releases": RELEASES}
        if not only_incremental:
            result.update(generation(db))
        result["incremental"] = incremental(db)
        db.dispose()
        if not only_incremental:
            result["serving"] = serving(folder)
    result["machine"] = {
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "host": platform.node(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
