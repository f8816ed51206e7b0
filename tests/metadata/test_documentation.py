""" "Om statistikken": the scheme, versions, completeness, review at release, exchange, scoping,
sanitising and concurrent edits, through the service, the API and the pages."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from metadata.sims import review, scheme, service
from metadata.sims.models import DocumentationVersion
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from release_calendar import service as calendar
from tests.conftest import NAV_EDITOR, SSB_EDITOR, bearer, csrf_token, login, make_token
from tests.release_calendar.factories import actor_for, announcement, oslo

DOCS = "/api/v1/statistics/kpi/documentation"


def test_scheme_holds_sims_2_from_s1_to_s19_with_parents() -> None:
    concepts = scheme.concepts()
    codes = [c.code for c in concepts]
    assert len(concepts) == 99 and sum(c.qpi for c in concepts) == 16
    assert [c.code for c in concepts if c.parent is None] == [f"S.{i}" for i in range(1, 20)]
    known = scheme.by_code()
    for concept in concepts:
        if concept.parent:
            assert concept.code.startswith(concept.parent + "."), concept.code
            assert codes.index(concept.parent) < codes.index(concept.code)
    assert known["S.13.3.3.1"].sdmx_id == "A4" and known["S.13.3.3.1"].parent == "S.13.3.3"
    assert known["S.3.1"].sdmx_id == "DATA_DESCR" and known["S.19"].sdmx_id == "COMMENT_DSET"
    assert {c.code for c in concepts if c.presentational} == {
        "S.1",
        "S.2",
        "S.3",
        "S.6",
        "S.7",
        "S.8",
        "S.10",
        "S.11",
        "S.12",
        "S.13",
        "S.14",
        "S.15",
        "S.17",
        "S.18",
    }
    fields = [f for s in scheme.sections() for f in s.fields]
    assert all(f.sims and all(not known[c].presentational for c in f.sims) for f in fields)
    errors = next(f for f in fields if f.key == "errorSources")
    assert errors.required and {"S.13.1", "S.13.2", "S.13.3"} <= set(errors.sims)
    assert {"S.13.1", "S.13.2", "S.13.3"} <= set(scheme.required_codes())


def _put(client: FlaskClient, token, concepts: dict, version: int | None = None, merge=False):
    body: dict = {"concepts": concepts, "merge": merge}
    if version is not None:
        body["draft_version"] = version
    return client.put(f"{DOCS}/draft", json=body, headers=bearer(token))


def test_versions_are_immutable_and_diffable(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    token = make_token(app, "ssb")
    assert (
        _put(
            client, token, {"S.3.1": {"nb": "KPI måler prisutviklingen.", "en": "The CPI."}}
        ).status_code
        == 200
    )
    assert client.get(DOCS).json["number"] is None  # a draft is not public
    first = client.post(f"{DOCS}/publish", json={"change_note": "Første"}, headers=bearer(token))
    assert first.status_code == 201 and first.json["number"] == 1
    clock.advance(timedelta(days=1))
    _put(
        client,
        token,
        {
            "S.3.1": {"nb": "KPI måler prisutviklingen for konsumvarer."},
            "S.13.2": {"not_relevant": True},
        },
        merge=True,
    )
    assert (
        client.post(f"{DOCS}/publish", json={"change_note": "Endret."}, headers=bearer(token)).json[
            "number"
        ]
        == 2
    )
    public = client.get(DOCS).json
    assert public["number"] == 2 and public["concepts"]["S.13.2"]["not_relevant"] is True
    assert (
        client.get(f"{DOCS}?version=1").json["concepts"]["S.3.1"]["nb"]
        == "KPI måler prisutviklingen."
    )
    changes = client.get(f"{DOCS}/diff?from=1&to=2").json["changes"]
    assert [c["code"] for c in changes] == ["S.3.1", "S.13.2"]
    assert changes[1]["before"] is None and changes[1]["sdmx_id"] == "SAMPLING_ERR"
    assert [v["number"] for v in client.get(f"{DOCS}/versions").json["items"]] == [2, 1]
    again = client.post(f"{DOCS}/publish", json={"change_note": "Igjen."}, headers=bearer(token))
    assert again.status_code == 409  # nothing changed since version 2
    with get_database(app).sessions() as s:
        with pytest.raises(DBAPIError, match="immutable"):
            s.execute(update(DocumentationVersion).values(change_note="forged"))
        s.rollback()
    page = client.get("/statistikk/kpi/om-statistikken/endringer?from=1&to=2")
    assert page.status_code == 200 and "S.13.2" in page.text


def test_completeness_counts_filled_not_relevant_and_missing() -> None:
    required = scheme.required_codes()
    entries = {
        required[0]: service.Entry(nb="Tekst"),
        required[1]: service.Entry(not_relevant=True),
        required[2]: service.Entry(en="English only"),
    }
    done = service.completeness(entries)
    assert (done.filled, done.not_relevant, done.english) == (1, 1, 1)
    assert done.required == len(required) and required[2] in done.missing
    assert done.score == round(200 / len(required), 1)
    full = service.completeness({code: service.Entry(nb="x", en="y") for code in required})
    assert full.score == 100.0 and full.english == len(required)


def test_json_export_round_trips_through_import(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    concepts = {
        code: {"nb": f"Tekst for {code}\n\n* punkt", "en": f"Text {code}"}
        for code in scheme.required_codes()[:10]
    }
    concepts["S.19"] = {"nn": "Nynorsk merknad", "not_relevant": False}
    concepts["S.16"] = {"not_relevant": True}
    _put(client, token, concepts)
    client.post(f"{DOCS}/publish", json={"change_note": "Endret."}, headers=bearer(token))
    exported = client.get(DOCS).json
    # Import the export into another statistic, publish, export again: nothing lost.
    other = "/api/v1/statistics/aku/documentation"
    assert client.put(f"{other}/draft", json=exported, headers=bearer(token)).status_code == 200
    client.post(f"{other}/publish", json={"change_note": "Endret."}, headers=bearer(token))
    assert client.get(other).json["concepts"] == exported["concepts"]
    sdmx = client.get(f"{DOCS}/sdmx-json").json
    attributes = sdmx["data"]["metadataSets"][0]["attributes"]
    assert [a["id"] for a in attributes][:2] == ["CONTACT", "STAT_PRES"]
    stat_pres = next(a for a in attributes if a["id"] == "STAT_PRES")
    assert any(child["id"] == "DATA_DESCR" for child in stat_pres["attributes"])


def test_bad_imports_are_refused_whole(client: FlaskClient, app: Flask) -> None:
    token = make_token(app, "ssb")
    bad = {
        "S.3.1": {"nb": "ok"},
        "S.99": {"nb": "x"},
        "S.3": {"nb": "container"},
        "S.2.3": {"nb": "computed"},
        "S.4": {"nb": 5},
        "S.5": {"colour": "red"},
    }
    response = _put(client, token, bad)
    assert response.status_code == 400
    assert {e["pointer"] for e in response.json["errors"]} == {
        "/concepts/S.99",
        "/concepts/S.3",
        "/concepts/S.2.3",
        "/concepts/S.4",
        "/concepts/S.5",
    }
    assert client.get(f"{DOCS}/draft", headers=bearer(token)).json["draft_version"] == 0


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_rendered_page_has_no_script_handlers_or_dangerous_links(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    evil = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[a](javascript:alert(3)) [b](data:text/html;base64,PHNjcmlwdD4=) "
        '<a href="javascript:alert(4)" onclick="alert(5)">c</a> [ok](https://www.ssb.no)'
    )
    _put(client, token, {"S.3.1": {"nb": evil, "en": evil}})
    client.post(f"{DOCS}/publish", json={"change_note": "Endret."}, headers=bearer(token))
    for path in ("/statistikk/kpi/om-statistikken", "/en/statistics/kpi/about"):
        parser = _Elements()
        parser.feed(client.get(path).get_data(as_text=True))
        assert not [t for t, _ in parser.tags if t in {"script", "img", "iframe", "object"}]
        for _, attrs in parser.tags:
            assert not [k for k in attrs if k.startswith("on")]
            for key in ("href", "src"):
                value = (attrs.get(key) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:")), value
        assert any(a.get("href") == "https://www.ssb.no" for _, a in parser.tags)


def test_writes_are_scoped_on_api_and_pages(client: FlaskClient, app: Flask, clock) -> None:
    assert client.put(f"{DOCS}/draft", json={"concepts": {}}).status_code == 401
    assert client.post(f"{DOCS}/publish", json={}).status_code == 401
    nav = make_token(app, "nav")
    assert _put(client, nav, {"S.3.1": {"nb": "kapret"}}).status_code == 403
    assert client.post(f"{DOCS}/publish", json={}, headers=bearer(nav)).status_code == 403
    assert client.get(f"{DOCS}/draft", headers=bearer(nav)).status_code == 403
    with get_database(app).sessions() as s:
        release = calendar.announce(
            s, actor_for(s, "ssb"), announcement(oslo(2027, 3, 10, 8, 0)), clock.now()
        )
        s.commit()
    path = f"/api/v1/releases/{release.id}/documentation-review"
    assert client.post(path).status_code == 401
    assert client.post(path, headers=bearer(nav)).status_code == 403
    anonymous = csrf_token(client.get("/logg-inn").text)
    for page in (
        "/min-side/statistikk/kpi/dokumentasjon",
        "/min-side/statistikk/kpi/dokumentasjon/publiser",
        f"/min-side/dokumentasjon/gjennomgatt/{release.id}",
    ):
        assert client.post(page, data={"csrf_token": anonymous}).status_code == 401
    login(client, NAV_EDITOR)
    token = csrf_token(client.get("/min-side").text)
    for page in (
        "/min-side/statistikk/kpi/dokumentasjon",
        "/min-side/statistikk/kpi/dokumentasjon/publiser",
        f"/min-side/dokumentasjon/gjennomgatt/{release.id}",
    ):
        assert (
            client.post(
                page, data={"csrf_token": token, "draft_version": "0", "S.3.1__nb": "kapret"}
            ).status_code
            == 403
        )
    assert client.get(DOCS).json["number"] is None


def test_concurrent_edits_second_writer_gets_409_and_keeps_text(
    client: FlaskClient, app: Flask
) -> None:
    login(client, SSB_EDITOR)
    page = client.get("/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner")
    assert page.status_code == 200 and "S.3.4" in page.text
    form = {"csrf_token": csrf_token(page.text), "draft_version": "0", "S.3.4__nb": "Første"}
    assert (
        client.post(
            "/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner", data=form
        ).status_code
        == 303
    )
    second = client.post(
        "/min-side/statistikk/kpi/dokumentasjon?seksjon=definisjoner",
        data={**form, "S.3.4__nb": "Andre skribents tekst"},
    )
    assert second.status_code == 409 and "Andre skribents tekst" in second.text
    token = make_token(app, "ssb")
    assert _put(client, token, {"S.3.1": {"nb": "x"}}, version=0).status_code == 409


def test_documentation_published_with_a_release_waits_for_its_time(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    token = make_token(app, "ssb")
    at = oslo(2027, 3, 10, 8, 0)
    with get_database(app).sessions() as s:
        release = calendar.announce(s, actor_for(s, "ssb"), announcement(at), clock.now())
        s.commit()
    _put(client, token, {"S.3.1": {"nb": "Ny metode fra mars."}})
    response = client.post(
        f"{DOCS}/publish",
        json={"change_note": "Med publiseringen.", "with_release": release.id},
        headers=bearer(token),
    )
    assert response.status_code == 201
    clock.set(at - timedelta(seconds=1))
    assert client.get(DOCS).json["number"] is None
    assert "Ny metode fra mars." not in client.get("/statistikk/kpi/om-statistikken").text
    clock.set(at)
    assert client.get(DOCS).json["concepts"]["S.3.1"]["nb"] == "Ny metode fra mars."
    release_page = client.get(f"/kalender/{release.id}").get_data(as_text=True)
    assert "Versjon 1" in release_page


def test_documentation_follows_its_release_when_it_moves_or_is_cancelled(
    client: FlaskClient, app: Flask, clock: FixedClock
) -> None:
    """Postponing a release postpones the documentation published with it; a cancelled release takes
    it along (never out). Otherwise it would appear at the old time, before the figures it describes."""
    from release_calendar.rules import Precision, Reason

    token = make_token(app, "ssb")
    at, later = oslo(2027, 3, 10, 8, 0), oslo(2027, 3, 17, 8, 0)
    with get_database(app).sessions() as s:
        release = calendar.announce(s, actor_for(s, "ssb"), announcement(at), clock.now())
        s.commit()
        release_id = release.id
    _put(client, token, {"S.3.1": {"nb": "Ny metode fra mars."}})
    published = client.post(
        f"{DOCS}/publish",
        json={"change_note": "Med publiseringen.", "with_release": release_id},
        headers=bearer(token),
    )
    assert published.status_code == 201, published.json
    with get_database(app).sessions() as s:
        change = calendar.DateChange(later, Precision.EXACT, Reason.LATE_DATA, "Sene data.")
        calendar.reschedule(
            s, actor_for(s, "ssb"), release_id, change, expected_version=None, now=clock.now()
        )
        s.commit()
    clock.set(at + timedelta(minutes=1))
    assert client.get(DOCS).json["number"] is None
    clock.set(later)
    assert client.get(DOCS).json["number"] == 1
    # a second version with a second release, which is then cancelled
    clock.set(oslo(2027, 3, 20, 8, 0))
    with get_database(app).sessions() as s:
        second = calendar.announce(
            s, actor_for(s, "ssb"), announcement(oslo(2027, 7, 10, 8, 0)), clock.now()
        )
        s.commit()
        second_id = second.id
    _put(client, token, {"S.3.1": {"nb": "Metode fra juni."}}, version=0)
    assert (
        client.post(
            f"{DOCS}/publish",
            json={"change_note": "Med publiseringen.", "with_release": second_id},
            headers=bearer(token),
        )
    ).status_code == 201
    with get_database(app).sessions() as s:
        calendar.cancel(
            s,
            actor_for(s, "ssb"),
            second_id,
            Reason.CAPACITY,
            "Mangler kapasitet.",
            expected_version=None,
            now=clock.now(),
        )
        s.commit()
    clock.set(oslo(2027, 7, 11, 8, 0))
    assert client.get(DOCS).json["number"] == 1
    versions = client.get(f"{DOCS}/versions").json
    assert [v["number"] for v in versions["items"]] == [1]
    assert versions["items"][0]["visible_from"] == "2027-03-17T07:00:00Z"  # 08:00 in Oslo


def test_review_at_each_release_is_recorded_and_counted(app: Flask, clock: FixedClock) -> None:
    with get_database(app).sessions() as s:
        ssb = actor_for(s, "ssb")
        first = calendar.announce(s, ssb, announcement(oslo(2027, 3, 10, 8, 0)), clock.now())
        second = calendar.announce(s, ssb, announcement(oslo(2027, 4, 10, 8, 0)), clock.now())
        s.flush()
        items = {i.release_id: i for i in review.upcoming(s, None, clock.now())}
        assert not items[first.id].reviewed and not items[second.id].reviewed
        review.confirm_reviewed(s, ssb, first.id, clock.now())
        assert review.is_reviewed(s, first, clock.now())
        clock.set(oslo(2027, 3, 20, 8, 0))  # the first is out; the second needs a fresh review
        assert not review.is_reviewed(s, second, clock.now())
        service.save_draft(
            s,
            ssb,
            "kpi",
            {"S.3.1": service.Entry(nb="Oppdatert.")},
            expected_version=None,
            now=clock.now(),
        )
        service.publish(
            s,
            ssb,
            "kpi",
            change_note="Oppdatert.",
            with_release=None,
            expected_version=None,
            now=clock.now(),
        )
        assert review.is_reviewed(s, second, clock.now())  # a new version counts as reviewed
        clock.set(oslo(2027, 5, 1, 8, 0))
        reviewed, total = review.reviewed_share(s, clock.now())
        assert (reviewed, total) == (2, 2)
        from portal.kernel.errors import Conflict

        with pytest.raises(Conflict):
            review.confirm_reviewed(s, ssb, first.id, clock.now())
        s.rollback()


def test_bulk_import_saves_drafts_for_many_statistics_or_none(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    good = {
        "statistics": {
            "kpi": {"concepts": {"S.3.1": {"nb": "KPI."}}},
            "aku": {"concepts": {"S.3.1": {"nb": "AKU."}, "S.13.2": {"nb": "Utvalg."}}},
        }
    }
    bad = {
        "statistics": {
            "kpi": {"concepts": {"S.3.1": {"nb": "Endret"}}},
            "nope": {"concepts": {}},
            "aku": {"concepts": {"S.77": {"nb": "x"}}},
        }
    }
    response = client.post("/api/v1/documentation/import", json=bad, headers=bearer(token))
    assert response.status_code == 400
    assert {e["pointer"] for e in response.json["errors"]} == {"/nope", "/aku/concepts/S.77"}
    assert client.get(f"{DOCS}/draft", headers=bearer(token)).json["draft_version"] == 0
    saved = client.post("/api/v1/documentation/import", json=good, headers=bearer(token)).json
    assert sorted(saved["drafts"]) == ["aku", "kpi"]
    draft = client.get("/api/v1/statistics/aku/documentation/draft", headers=bearer(token)).json
    assert draft["concepts"]["S.13.2"]["nb"] == "Utvalg."
    nav = make_token(app, "nav")
    assert (
        client.post("/api/v1/documentation/import", json=good, headers=bearer(nav)).status_code
        == 403
    )
    assert client.post("/api/v1/documentation/import", json=good).status_code == 401


def test_the_reviewed_share_counts_as_each_release_is_judged(app: Flask, clock: FixedClock) -> None:
    """The share on the administrator's overview (three queries) agrees with judging each published
    release at its own time, over the demo's releases and documentation, with some reviews confirmed."""
    from sqlalchemy import select

    from metadata.sims.demo import seed_documentation
    from metadata.sims.models import DocumentationReview
    from portal.kernel.access import released_filter
    from release_calendar.demo import seed_releases
    from release_calendar.models import Release

    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        seed_documentation(s, clock.now())
        out = list(
            s.scalars(
                select(Release).where(
                    released_filter(Release.state, Release.release_at, clock.now())
                )
            )
        )
        for release in out[::7]:  # some confirmed "reviewed, no change"
            s.add(
                DocumentationReview(
                    statistic_id=release.statistic_id,
                    release_id=release.id,
                    version_number=None,
                    reviewed_at=release.release_at - timedelta(days=1),
                    reviewed_by="test",
                )
            )
        s.flush()
        expected = sum(1 for r in out if review.is_reviewed(s, r, r.release_at))
        assert len(out) > 20 and 0 < expected < len(out)
        assert review.reviewed_share(s, clock.now()) == (expected, len(out))
        s.rollback()
