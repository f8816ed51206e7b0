"""The demo documentation: complete for six statistics of different producers, partial for others."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from metadata.sims import service
from metadata.sims.demo import seed_documentation
from portal.http.db import get_database
from portal.kernel.clock import FixedClock


def test_demo_documentation_spreads_completeness(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        added = seed_documentation(s, clock.now())
        s.commit()
        assert added >= 16 and seed_documentation(s, clock.now()) == 0
        scores = {}
        for slug in (
            "kpi",
            "aku",
            "nav-helt-ledige",
            "fhi-dodsarsaker",
            "fiskeridir-akvakultur",
            "nve-magasinstatistikk",
            "konkurs",
            "met-vaeret-i-norge",
        ):
            record = service.published(s, slug, clock.now())
            scores[slug] = service.completeness(record.entries).score
    complete = [slug for slug, score in scores.items() if score == 100.0]
    assert len(complete) == 6
    assert 0 < scores["konkurs"] < 100 and 0 < scores["met-vaeret-i-norge"] < 100
    assert client.get("/api/v1/statistics/kpi/documentation").json["number"] == 2
    assert (
        len(client.get("/api/v1/statistics/kpi/documentation/diff?from=1&to=2").json["changes"])
        == 1
    )


def test_a_concept_behind_two_fields_is_shown_once(app: Flask, client: FlaskClient, clock) -> None:
    with get_database(app).sessions() as s:
        seed_documentation(s, clock.now())
        s.commit()
    page = client.get("/statistikk/kpi/om-statistikken").get_data(as_text=True)
    text = client.get("/api/v1/statistics/kpi/documentation").json["concepts"]["S.3.1"]["nb"]
    first_sentence = text.split(".")[0]
    assert page.count(first_sentence) == 1
