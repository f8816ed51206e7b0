"""A selection the table page refuses is told in the page's language: every kind of bad selection (an
unknown value, a bad selection expression, a mandatory variable left empty, too many cells, a bad "latest
periods" or "from period", a code list that cannot sum the contents) gives the Norwegian page a 400 with
the form and a Norwegian sentence, no PxWebApi wording, JSON pointer or parameter syntax, while the
PxWebApi answers keep their English details word for word."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.kernel.errors import PortalError
from portal.kernel.i18n import MESSAGES
from pxbridge.query.selection import resolve
from tests.conftest import bearer, make_token
from tests.pxbridge import conftest as px
from tests.pxbridge.conftest import API
from tests.pxbridge.test_codelists import AGG, AGGREGATION, put

#: PxWebApi's English that must never reach a Norwegian page, matched as whole words.
ENGLISH = (
    "Non-existent",
    "Illegal",
    "placment",
    "mandantory",
    "Missing",
    "selection",
    "variable",
    "Too many",
    "cells",
    "of at most",
    "Codelist",
    "adds values up",
    "cannot",
    "choose",
    "valueset",
    "must",
    "Write",
    "whole number",
    "Parameter error",
    "Bad Request",
    "Forbidden",
)
#: Parameter syntax and JSON pointers: how the API is asked, not what a person chose.
SYNTAX = re.compile(r"valueCodes\[|valuecodes\[|codelist\[|\[VAR\]|STOCKFA|(?<![\w/])/[A-Za-z_]+/")

BASE = "/tabeller/99001"
#: Each kind of refusal: the page's arguments and the Norwegian sentence it must show.
REFUSALS = {
    "an unknown value": (
        "v-Region=99&all-ContentsCode=1&all-Tid=1",
        "Tabellen har ingen verdi «99» for region.",
    ),
    "an expression that selects nothing sensible": (
        "all-Region=1&all-ContentsCode=1&v-Tid=top(0)",
        "«top(0)» er ikke et gyldig utvalg av verdier for år.",
    ),
    "a malformed wildcard": (
        "all-Region=1&all-ContentsCode=1&v-Tid=*2*0*",
        "«*2*0*» er ikke et gyldig utvalg av verdier for år.",
    ),
    "an unknown expression": (
        "all-Region=1&all-ContentsCode=1&v-Tid=range(2020)",
        "«range(2020)» er ikke et gyldig utvalg av verdier for år.",
    ),
    "a mandatory variable left empty": (
        "v-Region=03&all-Tid=1",
        "Velg minst én verdi for statistikkvariabel. Den kan ikke stå tom.",
    ),
    "latest periods that are not a number": (
        "all-Region=1&all-ContentsCode=1&latest-Tid=tolv",
        "Skriv et helt tall fra 1 til",
    ),
    "more latest periods than the table has": (
        "all-Region=1&all-ContentsCode=1&latest-Tid=999",
        "Skriv et helt tall fra 1 til",
    ),
    "a from period the table does not have": (
        "all-Region=1&all-ContentsCode=1&from-Tid=1800",
        "Velg perioden fra listen.",
    ),
}


def _refusal(page: str) -> str:
    """The refusal as a person reads it: the alert's text, tags and entities gone."""
    found = re.search(r'<div class="alert error" role="alert">(.*?)</div>', page, re.S)
    assert found, "no refusal on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _norwegian(page: str) -> str:
    said = _refusal(page)
    assert said.startswith("Utvalget kan ikke vises:"), said
    english = [w for w in ENGLISH if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", said)]
    assert not english, (said, english)
    assert not SYNTAX.search(said), said
    # The form is still there to put the selection right.
    assert '<form method="get" class="variables">' in page and 'data-variable="Tid"' in page
    return said


@pytest.mark.parametrize("kind", REFUSALS)
def test_each_refused_selection_is_told_in_norwegian(
    client: FlaskClient, test_table: str, kind: str
) -> None:
    query, expected = REFUSALS[kind]
    page = client.get(f"{BASE}?{query}")
    assert page.status_code == 400, kind
    assert expected in _norwegian(page.text), kind


def test_too_many_cells_is_a_400_page_in_norwegian_and_a_403_in_the_api(
    app: Flask, client: FlaskClient, test_table: str
) -> None:
    app.config["PXAPI_MAX_CELLS"] = 10
    page = client.get(f"{BASE}?all-Region=1&all-ContentsCode=1&all-Tid=1")
    assert page.status_code == 400
    cells = len(px.REGIONS) * 2 * len(px.YEARS)
    assert (
        f"Utvalget har {cells} celler, men ett utvalg kan ha høyst 10. Velg færre verdier."
        in _norwegian(page.text)
    )
    english = client.get("/en/tables/99001?all-Region=1&all-ContentsCode=1&all-Tid=1")
    assert english.status_code == 400
    assert f"Too many cells selected: {cells} of at most 10" in _refusal(english.text)
    answer = client.get(
        f"{API}/tables/99001/data?valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
    )
    assert answer.status_code == 403
    assert answer.json["detail"] == f"Too many cells selected: {cells} of at most 10"


@dataclass(frozen=True)
class _Variable:
    code: str
    codes: list[str]
    elimination: bool = False
    role: str | None = None
    label_nb: str = "kommune"


def test_large_numbers_read_as_norwegian() -> None:
    many = _Variable("Region", [f"{n:04d}" for n in range(2500)])
    with pytest.raises(PortalError) as refused:
        resolve([many], {"Region": ["*"]}, max_cells=1000)
    assert refused.value.status == 403
    assert refused.value.detail == "Too many cells selected: 2500 of at most 1000"
    assert refused.value.message("nb") == (
        "Utvalget har 2\u00a0500 celler, men ett utvalg kan ha høyst 1\u00a0000. Velg færre verdier."
    )
    with pytest.raises(PortalError) as refused:
        resolve([many], {"Region": ["9999"]}, max_cells=1000)
    assert refused.value.message("nb") == "Tabellen har ingen verdi «9999» for kommune."
    assert refused.value.detail == "Non-existent value 9999"


def test_a_code_list_that_cannot_sum_the_contents(
    app: Flask, client: FlaskClient, test_table: str
) -> None:
    token = make_token(app, "ssb", "code lists")
    assert put(client, token, test_table, AGG, AGGREGATION).status_code == 201
    # Andel is in per cent: a sum of shares means nothing.
    query = f"cl-Region={AGG}&v-ContentsCode=Andel&all-Tid=1"
    page = client.get(f"{BASE}?{query}")
    assert page.status_code == 400
    assert (
        f"Kodelisten «{AGG}» legger sammen verdier, men Andel er målt i prosent og kan ikke "
        "summeres." in _norwegian(page.text)
    )
    answer = client.get(
        f"{API}/tables/99001/data?codelist[Region]={AGG}&valuecodes[Region]=*"
        "&valuecodes[ContentsCode]=Andel&valuecodes[Tid]=*"
    )
    assert answer.status_code == 400
    assert answer.json["detail"] == (
        f"Codelist {AGG} adds values up, but Andel is measured in prosent and cannot be summed: "
        "choose other contents, or a valueset"
    )
    # An average by the file's own word (STOCKFA=A) is refused the same way.
    data = px.px_table("99011").replace(
        b'MATRIX="99011";', b'MATRIX="99011";\nSTOCKFA("Folkemengde")=A;'
    )
    uploaded = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=data,
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert uploaded.status_code == 201, uploaded.text
    assert put(client, token, "99011", AGG, AGGREGATION).status_code in (200, 201)
    page = client.get(f"/tabeller/99011?cl-Region={AGG}&v-ContentsCode=Folkemengde&all-Tid=1")
    assert page.status_code == 400
    assert "men Folkemengde er et gjennomsnitt og kan ikke summeres" in _norwegian(page.text)


def test_the_api_keeps_its_english_details(client: FlaskClient, test_table: str) -> None:
    """The catalogue's English is PxWebApi's detail, word for word (its spelling included)."""
    asked = {
        "valuecodes[Region]=99&valuecodes[ContentsCode]=*&valuecodes[Tid]=*": (
            "Non-existent value 99"
        ),
        "valuecodes[Tid]=top(0)&valuecodes[ContentsCode]=*": "Illegal selection expression top(0)",
        "valuecodes[Region]=03": "Missing selection for mandantory variable ContentsCode",
        "valuecodes[Nope]=1": "Non-existent variable Nope",
        "valuecodes[ContentsCode]=*&valuecodes[Tid]=*&stub=Nope": "Illegal placment: Nope",
        "valuecodes=1": "valuecodes must name a variable: valuecodes[VAR]",
        "lang=xx": "Unsupported language xx",
        "outputFormat=docx": "Unsupported output format docx",
    }
    for query, detail in asked.items():
        answer = client.get(f"{API}/tables/99001/data?{query}")
        assert answer.status_code == 400, query
        assert answer.json["detail"] == detail, query
    body = client.post(f"{API}/tables/99001/data", json={"selection": "all"})
    assert body.json["detail"] == "selection must be a list"


def test_every_refusal_has_norwegian_words() -> None:
    """Each ``sel.`` text has both languages, and the Norwegian one none of PxWebApi's English."""
    keys = [k for k in MESSAGES if k.startswith("sel.")]
    assert len(keys) > 30
    page_keys = [
        k
        for k in keys
        if k
        not in {
            # Refusals only the API gives: they name its parameters and bodies.
            "sel.valuecodes_key",
            "sel.codelist_key",
            "sel.body_selection",
            "sel.placement_object",
            "sel.selection_list",
            "sel.value_codes_list",
            "sel.variable_code",
            "sel.table_id",
            "sel.format_params",
            "sel.body_saved_query",
            "sel.whole_number",
        }
    ]
    for key in page_keys:
        nb, en = MESSAGES[key]
        assert nb and en and nb != en, key
        nb = re.sub(r"\{\w+\}", "…", nb)  # the placeholders' names are not shown
        assert not [w for w in ENGLISH if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", nb)], key
        assert not SYNTAX.search(nb), key
