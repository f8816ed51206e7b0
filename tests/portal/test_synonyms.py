"""The synonym list (issue 18): seeded from portal/search/data/synonyms.csv, expanding queries
(``portal.search.synonyms.expand``), offering the nearest word to a query that finds nothing, and kept
by portal administrators on their page, each change audited and refused to everyone else."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.http.db import get_database
from portal.kernel.audit import AuditEntry
from portal.search import synonyms
from portal.search.synonyms import Thesaurus
from tests.conftest import PORTAL_ADMIN, SSB_ADMIN, csrf_token, login

PAGE = "/min-side/admin/synonymer"


def test_the_list_expands_whole_words_in_either_case_and_once_more() -> None:
    words = Thesaurus.of(
        [
            ("KPI", "konsumprisindeks"),
            ("BNP", "bruttonasjonalprodukt"),
            ("bruttonasjonalprodukt", "nasjonalregnskap"),
        ]
    )
    assert words.expand("kpi mars") == ["kpi mars", "konsumprisindeks mars"]
    assert words.expand("KPIX") == ["KPIX"]  # a part of a word is not the word
    assert words.expand("BNP") == ["BNP", "bruttonasjonalprodukt", "nasjonalregnskap"]
    assert words.expand("  ") == []
    assert words.closest("folketal") is None
    assert Thesaurus.of([("folketall", "befolkning")]).closest("folketal") == "befolkning"


def test_the_shipped_list_seeds_the_table(app: Flask) -> None:
    shipped = synonyms.read_source()
    assert len(shipped.terms) >= 15
    with app.app_context(), get_database(app).sessions() as s:
        assert synonyms.load(s).terms == shipped.terms
        assert synonyms.expand("folketall", s) == ["folketall", "befolkning"]
        assert synonyms.expand("AKU", s) == ["AKU", "arbeidskraftundersøkelsen"]
    assert synonyms.expand("KPI") == ["KPI", "konsumprisindeks"]  # the shipped list, no database


def _form(page: str, row: int | None = None) -> dict[str, str]:
    return {"csrf_token": csrf_token(page)} | ({"row": str(row)} if row is not None else {})


def _row_id(html: str, term: str) -> int:
    """The id of the row whose term field holds ``term``."""
    rows = re.findall(r'id="r(\d+)-term"[^>]*value="([^"]*)"', html)
    return next(int(i) for i, t in rows if t == term)


def test_an_administrator_adds_changes_and_deletes_a_synonym_audited(
    app: Flask, client: FlaskClient
) -> None:
    login(client, PORTAL_ADMIN)
    page = client.get(PAGE)
    assert page.status_code == 200 and "folketall" in page.text and "befolkning" in page.text
    assert client.get("/en/my-page/admin/synonyms").status_code == 200

    added = client.post(PAGE, data=_form(page.text) | {"term": "Trygd", "expansion": "uføretrygd"})
    assert added.status_code == 303
    page = client.get(added.headers["Location"])
    assert "Synonymet «trygd» er lagt til." in page.text
    row = _row_id(page.text, "trygd")

    changed = client.post(
        PAGE,
        data=_form(page.text, row)
        | {f"r{row}-term": "trygd", f"r{row}-expansion": "alderspensjon"},
    )
    assert changed.status_code == 303, changed.text
    with app.app_context(), get_database(app).sessions() as s:
        assert synonyms.load(s).terms["trygd"] == "alderspensjon"

    taken = client.post(PAGE, data=_form(page.text) | {"term": "KPI", "expansion": "prisindeks"})
    assert taken.status_code == 409
    assert "«kpi» står allerede i listen." in taken.text

    empty = client.post(PAGE, data=_form(page.text) | {"term": "", "expansion": "x"})
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.text

    deleted = client.post(PAGE, data=_form(page.text, row) | {"delete": "1"})
    assert deleted.status_code == 303
    assert "Synonymet er slettet." in client.get(deleted.headers["Location"]).text
    with app.app_context(), get_database(app).sessions() as s:
        assert "trygd" not in synonyms.load(s).terms
        actions = [
            (e.action, e.entity_id)
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "search_synonym")
                .order_by(AuditEntry.id)
            )
        ]
    assert actions == [("create", "trygd"), ("update", "trygd"), ("delete", "trygd")]


def test_only_portal_administrators_change_the_list(app: Flask, client: FlaskClient) -> None:
    assert client.get(PAGE).status_code == 401
    login(client, SSB_ADMIN)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client.get("/min-side").text)
    refused = client.post(PAGE, data={"csrf_token": token, "term": "x", "expansion": "y"})
    assert refused.status_code == 403
    with app.app_context(), get_database(app).sessions() as s:
        assert "x" not in synonyms.load(s).terms


def test_a_write_without_its_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    login(client, PORTAL_ADMIN)
    refused = client.post(PAGE, data={"term": "x", "expansion": "y"})
    assert refused.status_code in {400, 403}
    with app.app_context(), get_database(app).sessions() as s:
        assert "x" not in synonyms.load(s).terms
