"""Small classifications with the shape of Klass's municipalities and counties, for the API tests.
(Test data, not demo data: the demo loads the real lists.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import klass.config
import pytest
from flask import Flask
from klass.requests.sections import sections_list
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from metadata.codelists.importing import ClassificationIn, ItemIn, VersionIn, load
from portal.programme.models import Producer

MUNICIPALITIES, COUNTIES = 100131, 100104


def load_test_lists(session: Session, now: datetime) -> None:
    ssb = session.scalar(select(Producer.id).where(Producer.slug == "ssb"))
    assert ssb is not None
    load(
        session,
        ClassificationIn(
            id=COUNTIES,
            family=(3, "Befolkning", "Population"),
            producer_id=ssb,
            kind="CLASSIFICATION",
            name_nb="Testfylker",
            name_en="Test counties",
            description_nb="Fylker for tester.",
            description_en="Counties for tests.",
            versions=[
                VersionIn(
                    200001,
                    date(2020, 1, 1),
                    date(2024, 1, 1),
                    [ItemIn("03", "Oslo"), ItemIn("30", "Viken")],
                ),
                VersionIn(
                    200002,
                    date(2024, 1, 1),
                    None,
                    [ItemIn("03", "Oslo"), ItemIn("31", "Østfold"), ItemIn("32", "Akershus")],
                ),
            ],
            tables=[(300001, 200001, 200002, [("03", "03"), ("30", "31"), ("30", "32")])],
        ),
        now,
    )
    load(
        session,
        ClassificationIn(
            id=MUNICIPALITIES,
            family=(3, "Befolkning", "Population"),
            producer_id=ssb,
            kind="CLASSIFICATION",
            name_nb="Standard for testkommuneinndeling",
            name_en="Classification of test municipalities",
            description_nb="Kommuner for tester.",
            description_en="Municipalities for tests.",
            versions=[
                VersionIn(
                    200011,
                    date(2020, 1, 1),
                    date(2024, 1, 1),
                    [
                        ItemIn("0301", "Oslo", name_en="Oslo"),
                        ItemIn("3001", "Halden"),
                        ItemIn("3002", "Moss"),
                        ItemIn("3004", "Fredrikstad"),
                    ],
                ),
                VersionIn(
                    200012,
                    date(2024, 1, 1),
                    None,
                    [
                        ItemIn("0301", "Oslo", name_en="Oslo"),
                        ItemIn("3101", "Halden"),
                        ItemIn("3103", "Moss"),
                        ItemIn("3107", "Fredrikstad"),
                    ],
                ),
            ],
            tables=[
                (300011, 200011, 200012, [("3001", "3101"), ("3002", "3103"), ("3004", "3107")]),
                (
                    300012,
                    200012,
                    200002,
                    [("0301", "03"), ("3101", "31"), ("3103", "31"), ("3107", "31")],
                ),
                (
                    300013,
                    200011,
                    200001,
                    [("0301", "03"), ("3001", "30"), ("3002", "30"), ("3004", "30")],
                ),
            ],
        ),
        now,
    )


@contextmanager
def klass_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve ``app`` on a real socket and point the real Klass client at it; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/api/klass/v1/"
    monkeypatch.setattr(klass.config, "BASE_URL", base)
    sections_list.cache_clear()
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)
        sections_list.cache_clear()
