"""Issue 16, "never lose a write": writers of the same version at once, on a real database.

For each versioned object, twenty writers who read the same version send their write at the same moment
(real threads lined up by a barrier, each with its own test client): exactly one succeeds, every other one
gets a 409 problem (or 412 where the version travels in If-Match and the loser read after the winner
committed), none gets a 5xx, nothing is silently overwritten, and the audit log holds one row. Ten lists
created at once all succeed, with ids from the database.

The suite's usual ``app`` fixture runs every session on one connection inside a rolled-back transaction,
which serialises everything; so these tests run on ``race_app`` (conftest.py), an app on a fresh database.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from metadata.sims.models import DocumentationVersion
from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.programme.models import Statistic
from pxbridge.models import DataTable
from tests.conftest import START, bearer, make_token

WRITERS = 20
#: The most one race may take (the barrier, twenty requests); under two seconds in practice.
DEADLINE = 20.0
PX = (Path(__file__).resolve().parents[2] / "pxbridge" / "data" / "tab4_fewcells.px").read_bytes()
CODES = b"code,parentCode,level,name\n01,,1,Ein\n02,,1,To\n"


@pytest.fixture(scope="module")
def ssb(race_app: Flask) -> dict[str, str]:
    return bearer(make_token(race_app, "ssb", name="racing"))


def race(
    app: Flask, write: Callable[[FlaskClient, int], TestResponse], writers: int = WRITERS
) -> list[TestResponse]:
    """Run ``write(client, n)`` for n in 0..writers-1 on as many threads at once, each with its own
    client; the answers in order of n. Fails if any thread is still running at the deadline."""
    barrier = threading.Barrier(writers)
    answers: list[TestResponse | None] = [None] * writers
    failures: list[BaseException] = []

    def run(n: int) -> None:
        client = app.test_client()
        try:
            barrier.wait(timeout=DEADLINE)
            answers[n] = write(client, n)
        except BaseException as exc:  # noqa: BLE001  (reported below, in the test's thread)
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(writers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"a writer still runs after {DEADLINE} s"
    assert not failures, failures
    return [a for a in answers if a is not None]


def one_winner(
    answers: list[TestResponse], success: int, losers: frozenset[int] = frozenset({409})
) -> int:
    """Assert exactly one ``success`` and only ``losers`` besides (never a 5xx); the winner's n."""
    statuses = Counter(a.status_code for a in answers)
    assert statuses[success] == 1, statuses
    assert set(statuses) - {success} <= losers, statuses
    for answer in answers:
        if answer.status_code != success:
            assert answer.mimetype == "application/problem+json", answer.text
    return next(n for n, a in enumerate(answers) if a.status_code == success)


def audit_rows(app: Flask, entity: str, entity_id: str, action: str) -> int:
    with get_database(app).sessions() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.entity == entity,
                    AuditEntry.entity_id == entity_id,
                    AuditEntry.action == action,
                )
            )
            or 0
        )


# Releases


def _announce(client: FlaskClient, headers: dict[str, str], title: str, **changes: Any) -> Any:
    body = {
        "statistic": "kpi",
        "title_nb": title,
        "title_en": title,
        "kind": "new-figures",
        "period_start": "2027-01-01",
        "period_end": "2027-03-31",
        "period_label_nb": "1. kvartal 2027",
        "period_label_en": "Q1 2027",
        "release_at": (START + timedelta(days=200)).isoformat(),
        "precision": "exact",
        "confirmed": True,
        **changes,
    }
    response = client.post("/api/v1/releases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json


def test_twenty_edits_of_one_release_version(race_app: Flask, ssb: dict[str, str]) -> None:
    release = _announce(race_app.test_client(), ssb, "Kappløp om teksten")
    rid, version = release["id"], release["version"]
    answers = race(
        race_app,
        lambda c, n: c.patch(
            f"/api/v1/releases/{rid}",
            json={"version": version, "title_nb": f"Skriver {n}"},
            headers=ssb,
        ),
    )
    winner = one_winner(answers, 200)
    stored = race_app.test_client().get(f"/api/v1/releases/{rid}").json
    assert stored["title_nb"] == f"Skriver {winner}"
    assert stored["version"] == version + 1
    assert audit_rows(race_app, "release", str(rid), "update") == 1


def test_twenty_cancellations_of_one_release(race_app: Flask, ssb: dict[str, str]) -> None:
    release = _announce(race_app.test_client(), ssb, "Kappløp om avlysningen")
    rid, version = release["id"], release["version"]
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/releases/{rid}/cancel",
            json={"version": version, "reason": "other", "reason_text": f"Grunn {n}"},
            headers=ssb,
        ),
    )
    one_winner(answers, 200)
    assert audit_rows(race_app, "release", str(rid), "cancel") == 1


# Statistics


def test_twenty_edits_of_one_statistic_version(race_app: Flask, ssb: dict[str, str]) -> None:
    client = race_app.test_client()
    etag = client.get("/api/v1/statistics/kpi").headers["ETag"]
    answers = race(
        race_app,
        lambda c, n: c.patch(
            "/api/v1/statistics/kpi",
            json={"description_en": f"Writer {n}"},
            headers={**ssb, "If-Match": etag},
        ),
    )
    # If-Match read after the winner committed is a precondition that failed (412); lost at the
    # conditional UPDATE it is a conflict (409). Either way nothing is overwritten.
    winner = one_winner(answers, 200, frozenset({409, 412}))
    assert client.get("/api/v1/statistics/kpi").json["description_en"] == f"Writer {winner}"
    assert audit_rows(race_app, "statistic", "kpi", "update") == 1


def test_twenty_creations_of_one_statistic(race_app: Flask, ssb: dict[str, str]) -> None:
    answers = race(
        race_app,
        lambda c, n: c.post(
            "/api/v1/statistics",
            json={
                "slug": "kapplop",
                "producer": "ssb",
                "name_nb": f"Kappløp {n}",
                "name_en": f"Race {n}",
                "frequency": "annual",
                "subject_areas": ["befolkning"],
            },
            headers=ssb,
        ),
    )
    one_winner(answers, 201)
    assert audit_rows(race_app, "statistic", "kapplop", "create") == 1


# "Om statistikken": drafts and versions


def _save(client: FlaskClient, headers: dict[str, str], slug: str, version: int, text: str) -> Any:
    return client.put(
        f"/api/v1/statistics/{slug}/documentation/draft",
        json={"draft_version": version, "concepts": {"S.1.1": {"nb": text}}},
        headers=headers,
    )


def test_twenty_first_saves_of_one_draft(race_app: Flask, ssb: dict[str, str]) -> None:
    slug = "beftett"
    answers = race(race_app, lambda c, n: _save(c, ssb, slug, 0, f"Første utkast {n}"))
    winner = one_winner(answers, 200)
    draft = race_app.test_client().get(
        f"/api/v1/statistics/{slug}/documentation/draft", headers=ssb
    )
    assert draft.json["concepts"]["S.1.1"]["nb"] == f"Første utkast {winner}"
    assert audit_rows(race_app, "documentation", slug, "save-draft") == 1


def test_twenty_saves_of_one_draft_version(race_app: Flask, ssb: dict[str, str]) -> None:
    slug = "sykefratot"
    first = _save(race_app.test_client(), ssb, slug, 0, "Utgangspunkt")
    assert first.status_code == 200, first.text
    version = first.json["draft_version"]
    answers = race(race_app, lambda c, n: _save(c, ssb, slug, version, f"Utkast {n}"))
    winner = one_winner(answers, 200)
    draft = race_app.test_client().get(
        f"/api/v1/statistics/{slug}/documentation/draft", headers=ssb
    )
    assert draft.json["concepts"]["S.1.1"]["nb"] == f"Utkast {winner}"
    assert draft.json["draft_version"] == version + 1
    assert audit_rows(race_app, "documentation", slug, "save-draft") == 2


def test_twenty_publications_of_one_draft(race_app: Flask, ssb: dict[str, str]) -> None:
    slug = "laks"
    saved = _save(race_app.test_client(), ssb, slug, 0, "Til publisering")
    assert saved.status_code == 200, saved.text
    version = saved.json["draft_version"]
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/statistics/{slug}/documentation/publish",
            json={"draft_version": version, "change_note": f"Publisert av {n}"},
            headers=ssb,
        ),
    )
    one_winner(answers, 201)
    assert audit_rows(race_app, "documentation", slug, "publish") == 1
    with get_database(race_app).sessions() as session:
        numbers = session.scalars(
            select(DocumentationVersion.number)
            .join(Statistic, Statistic.id == DocumentationVersion.statistic_id)
            .where(Statistic.slug == slug)
        ).all()
    assert numbers == [1]


# Code lists, their versions, variants and correspondence tables


def _code_list(client: FlaskClient, headers: dict[str, str], name: str) -> int:
    response = client.post(
        "/api/v1/code-lists",
        json={"producer": "ssb", "name_nb": name, "name_en": name},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json["id"])


def _version(
    client: FlaskClient, headers: dict[str, str], list_id: int, start: str, *, publish: bool
) -> int:
    response = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from={start}",
        data=CODES,
        content_type="text/csv",
        headers=headers,
    )
    assert response.status_code == 201, response.text
    version_id = int(response.json["id"])
    if publish:
        published = client.post(
            f"/api/v1/code-lists/{list_id}/versions/{version_id}/publish", headers=headers
        )
        assert published.status_code == 200, published.text
    return version_id


def test_ten_code_lists_created_at_once_all_succeed(race_app: Flask, ssb: dict[str, str]) -> None:
    created = race(
        race_app,
        lambda c, n: c.post(
            "/api/v1/code-lists",
            json={"producer": "ssb", "name_nb": f"Liste {n}", "name_en": f"List {n}"},
            headers=ssb,
        ),
        writers=10,
    )
    assert [a.status_code for a in created] == [201] * 10, [a.text for a in created]
    ids = [int(a.json["id"]) for a in created]
    assert len(set(ids)) == 10 and min(ids) >= 100_000
    versions = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/code-lists/{ids[n]}/versions?valid_from=2024-01-01",
            data=CODES,
            content_type="text/csv",
            headers=ssb,
        ),
        writers=10,
    )
    assert [a.status_code for a in versions] == [201] * 10, [a.text for a in versions]
    version_ids = {int(a.json["id"]) for a in versions}
    assert len(version_ids) == 10 and min(version_ids) >= 200_000


def test_twenty_versions_added_to_one_list_at_once(race_app: Flask, ssb: dict[str, str]) -> None:
    list_id = _code_list(race_app.test_client(), ssb, "Én versjon om gangen")
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/code-lists/{list_id}/versions?valid_from=2024-01-01",
            data=CODES,
            content_type="text/csv",
            headers=ssb,
        ),
    )
    # A loser that read the list after the winner committed is told its version overlaps (400).
    one_winner(answers, 201, frozenset({400, 409}))
    assert audit_rows(race_app, "code_list", str(list_id), "add-version") == 1


def test_twenty_publications_of_one_code_list_version(race_app: Flask, ssb: dict[str, str]) -> None:
    client = race_app.test_client()
    list_id = _code_list(client, ssb, "Publiseres én gang")
    version_id = _version(client, ssb, list_id, "2024-01-01", publish=False)
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/code-lists/{list_id}/versions/{version_id}/publish", headers=ssb
        ),
    )
    one_winner(answers, 200)
    assert audit_rows(race_app, "code_list", str(list_id), "publish-version") == 1


def test_twenty_publications_of_one_variant(race_app: Flask, ssb: dict[str, str]) -> None:
    client = race_app.test_client()
    list_id = _code_list(client, ssb, "Med variant")
    version_id = _version(client, ssb, list_id, "2024-01-01", publish=True)
    defined = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{version_id}/variants"
        "?name_nb=Gruppert&valid_from=2024-01-01",
        data=b"code,parentCode,level,name\nA,,1,Gruppe A\n01,A,2,Ein\n02,A,2,To\n",
        content_type="text/csv",
        headers=ssb,
    )
    assert defined.status_code == 201, defined.text
    variant_id = defined.json["id"]
    assert variant_id >= 200_000
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/code-lists/{list_id}/variants/{variant_id}/publish", headers=ssb
        ),
    )
    one_winner(answers, 200)
    assert audit_rows(race_app, "code_list", str(list_id), "publish-variant") == 1


def test_twenty_publications_of_one_correspondence_table(
    race_app: Flask, ssb: dict[str, str]
) -> None:
    client = race_app.test_client()
    list_id = _code_list(client, ssb, "Med korrespondanse")
    old = client.post(
        f"/api/v1/code-lists/{list_id}/versions?valid_from=2020-01-01&valid_to=2024-01-01",
        data=CODES,
        content_type="text/csv",
        headers=ssb,
    )
    assert old.status_code == 201, old.text
    new = _version(client, ssb, list_id, "2024-01-01", publish=False)
    defined = client.post(
        f"/api/v1/code-lists/{list_id}/versions/{old.json['id']}/correspondences"
        f"?target_version={new}",
        data=b"sourceCode,targetCode\n01,01\n02,02\n",
        content_type="text/csv",
        headers=ssb,
    )
    assert defined.status_code == 201, defined.text
    table_id = defined.json["id"]
    assert table_id >= 300_000
    answers = race(
        race_app,
        lambda c, n: c.post(
            f"/api/v1/code-lists/{list_id}/correspondences/{table_id}/publish", headers=ssb
        ),
    )
    one_winner(answers, 200)
    assert audit_rows(race_app, "code_list", str(list_id), "publish-correspondence") == 1


# Tables


def _px(title: str) -> bytes:
    return PX.replace(
        b'TITLE="Total air emissions PxcMetaTitleBy sector, greenhouse gas PxcMetaTitleAnd year"',
        f'TITLE="{title}"'.encode("latin-1"),
    )


def _upload(client: FlaskClient, headers: dict[str, str], table: str, body: bytes) -> Any:
    return client.post(
        f"/api/v1/tables?statistic=beftett&table_id={table}",
        data=body,
        content_type="application/octet-stream",
        headers=headers,
    )


def test_twenty_replacements_of_one_table_version(race_app: Flask, ssb: dict[str, str]) -> None:
    first = _upload(race_app.test_client(), ssb, "race1", _px("Utgangspunkt"))
    assert first.status_code == 201, first.text
    etag = first.headers["ETag"]
    answers = race(
        race_app,
        lambda c, n: _upload(c, {**ssb, "If-Match": etag}, "race1", _px(f"Skriver {n}")),
    )
    winner = one_winner(answers, 201, frozenset({409, 412}))
    assert answers[winner].headers["ETag"] != etag
    with get_database(race_app).sessions() as session:
        table = session.get(DataTable, "race1")
        assert table is not None
        assert table.title_nb == f"Skriver {winner}"
    assert audit_rows(race_app, "table", "race1", "replace") == 1
    data = race_app.test_client().get("/api/pxwebapi/v2/tables/race1/data?lang=en")
    assert data.status_code == 200, data.text


def test_twenty_creations_of_one_table_keep_its_cells(race_app: Flask, ssb: dict[str, str]) -> None:
    """The same file twenty times at once: its cell file is shared (named by content), and the
    uploads that lose must not delete what the winner stored."""
    body = _px("Samme fil")
    answers = race(race_app, lambda c, n: _upload(c, ssb, "race2", body))
    statuses = Counter(a.status_code for a in answers)
    # Uploading an id again replaces the table, so later uploads may succeed too; none is a 5xx.
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= 1
    assert audit_rows(race_app, "table", "race2", "create") == 1
    data = race_app.test_client().get("/api/pxwebapi/v2/tables/race2/data?lang=en")
    assert data.status_code == 200, data.text


def test_the_index_is_updated_after_the_writer_gives_its_connection_back(
    race_app: Flask, ssb: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write's search update reads the database on a connection of its own; it runs once the
    request's session has returned its connection, so no writer ever holds two (twenty writers in one
    process had exhausted SQLAlchemy's pool: intermittent 500s and 503s)."""
    from portal.search.extension import get_index

    pool = get_database(race_app).engine.pool
    held: list[int] = []
    index = get_index(race_app)
    update = index.update

    def spy(docs: Any, delete: Any = ()) -> int:
        held.append(pool.checkedout())  # type: ignore[attr-defined]
        return update(docs, delete)

    monkeypatch.setattr(index, "update", spy)
    made = race_app.test_client().post(
        "/api/v1/statistics",
        json={
            "slug": "samtidig",
            "producer": "ssb",
            "name_nb": "Samtidighetsstatistikk",
            "name_en": "Concurrency statistics",
            "frequency": "annual",
            "subject_areas": ["befolkning"],
        },
        headers=ssb,
    )
    assert made.status_code == 201, made.text
    assert held == [0]  # neither the request's connection nor the reader's is out
    found = race_app.test_client().get("/api/v1/search?q=samtidighetsstatistikk").json
    assert found["hits"][0]["id"] == "statistic:samtidig"


# Alerts


def test_twenty_subscriptions_of_one_address_at_once(race_app: Flask) -> None:
    """The same address asks for the same topic's alerts twenty times at once (a double click, a
    retried form): every one of them is told to check the e-mail, as if it came first (a lost race on
    the unique keys takes the winner's row), and one subscriber with one subscription waits for
    confirmation."""
    from portal.notify.models import Subscriber, Subscription
    from tests.conftest import csrf_token

    address = "samtidig@example.no"

    def subscribe(client: FlaskClient, n: int) -> TestResponse:
        page = client.get("/varsler/ny?topic=statistic:kpi")
        assert page.status_code == 200, page.text
        return client.post(
            "/varsler/ny?topic=statistic:kpi",
            data={"csrf_token": csrf_token(page.text), "email": address, "frequency": "immediate"},
        )

    answers = race(race_app, subscribe)
    assert [a.status_code for a in answers] == [200] * WRITERS, [a.text for a in answers]
    for answer in answers:
        assert "Sjekk e-posten din" in answer.text, answer.text
    with get_database(race_app).sessions() as session:
        subscribers = session.scalars(select(Subscriber).where(Subscriber.email == address)).all()
        assert len(subscribers) == 1
        topics = session.scalars(
            select(Subscription.topic).where(Subscription.subscriber_id == subscribers[0].id)
        ).all()
        assert topics == ["statistic:kpi"]
