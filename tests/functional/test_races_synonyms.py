"""Issue 16, "never lose a write", for the synonym list's administration page (issue 18): twenty portal
administrators, each signed in with a session of their own, save the same synonyms through the page at
the same moment, on a real database (conftest.py's ``race_app``, not the suite's one rolled-back
connection). Nothing is lost or written twice: each term is stored once and audited once, the losers are
told the term is taken (409), and no one gets a 5xx."""

from __future__ import annotations

import re
from collections import Counter

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.http.db import get_database
from portal.search import synonyms
from portal.search.models import SearchSynonym
from tests.conftest import PORTAL_ADMIN, csrf_token, login
from tests.functional.test_races import WRITERS, audit_rows, race

PAGE = "/min-side/admin/synonymer"
#: The set every writer saves: new terms, one of them typed as a person might ("Uføre ").
SET = (("trygd", "folketrygd"), ("Uføre ", "uføretrygd"), ("pensjon", "alderspensjon"))


def _administrators(app: Flask) -> list[tuple[FlaskClient, str]]:
    """Twenty clients, each signed in as the portal administrator in a session of its own, with the
    page's CSRF token."""
    signed_in = []
    for _ in range(WRITERS):
        client = app.test_client()
        login(client, PORTAL_ADMIN)
        signed_in.append((client, csrf_token(client.get(PAGE).text)))
    return signed_in


def _stored(app: Flask, term: str) -> list[str]:
    """The expansions stored under ``term`` (one, unless a write was duplicated)."""
    with get_database(app).sessions() as session:
        return list(
            session.scalars(select(SearchSynonym.expansion).where(SearchSynonym.term == term))
        )


def test_twenty_administrators_adding_the_same_synonyms_store_each_once(race_app: Flask) -> None:
    admins = _administrators(race_app)
    for term, expansion in SET:

        def add(
            _: FlaskClient, n: int, term: str = term, expansion: str = expansion
        ) -> TestResponse:
            client, token = admins[n]
            return client.post(
                PAGE, data={"csrf_token": token, "term": term, "expansion": expansion}
            )

        answers = race(race_app, add)
        assert Counter(a.status_code for a in answers) == {303: 1, 409: WRITERS - 1}
        stored = term.strip().lower()
        # Where writes queue (SQLite) the losers see the term stored and are told so; where they
        # run at once (PostgreSQL) the unique key refuses them: either way a page in Norwegian.
        for refused in (a for a in answers if a.status_code == 409):
            assert refused.mimetype == "text/html", refused.text
            assert (
                f"«{stored}» står allerede i listen." in refused.text
                or "Noen endret dette i samme øyeblikk." in refused.text
            ), refused.text
        assert _stored(race_app, stored) == [expansion]
        assert audit_rows(race_app, "search_synonym", stored, "create") == 1


def test_twenty_administrators_changing_one_synonym_lose_no_save(race_app: Flask) -> None:
    admins = _administrators(race_app)
    page = admins[0][0].get(PAGE).text
    row = next(
        int(i) for i, t in re.findall(r'id="r(\d+)-term"[^>]*value="([^"]*)"', page) if t == "kpi"
    )
    wanted = [f"konsumprisindeks {n}" for n in range(WRITERS)]

    def change(_: FlaskClient, n: int) -> TestResponse:
        client, token = admins[n]
        data = {
            "csrf_token": token,
            "row": str(row),
            f"r{row}-term": "kpi",
            f"r{row}-expansion": wanted[n],
        }
        return client.post(PAGE, data=data)

    answers = race(race_app, change)
    assert [a.status_code for a in answers] == [303] * WRITERS
    # Every save is kept in the audit log, and the list holds the last one, once.
    assert audit_rows(race_app, "search_synonym", "kpi", "update") == WRITERS
    (stored,) = _stored(race_app, "kpi")
    assert stored in wanted
    with get_database(race_app).sessions() as session:
        assert synonyms.load(session).expand("KPI") == ["KPI", stored]
