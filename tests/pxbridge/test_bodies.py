"""PxWebApi 2.0's POST bodies as pydantic models (pxbridge/api/bodies.py): upstream's quirks, and the
first fault of a body answered with the same 400 problem the hand-written checks gave."""

from __future__ import annotations

from typing import Any

import pytest

from portal.kernel.errors import PortalError
from pxbridge.api.bodies import parse_saved_query, parse_selection

FORMATS = ("json-stat2", "csv", "px")


def test_a_selection_keeps_upstreams_quirks() -> None:
    body = {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["0301"], "codeList": "vs_Fylker"},
            {"variableCode": "Tid", "valueCodes": 0, "codelist": "", "unknown": 1},
            {"variableCode": "Region", "valueCodes": ["1103"]},
        ],
        "placement": {"stub": None, "heading": ["Tid"]},
        "response": "ignored",
    }
    assert parse_selection(body) == (
        {"Region": ["0301", "1103"], "Tid": []},
        [],
        ["Tid"],
        {"Region": "vs_Fylker"},
    )
    assert parse_selection({"selection": 0, "placement": ""}) == ({}, [], [], {})


@pytest.mark.parametrize(
    ("body", "title", "detail"),
    [
        ([], "Parameter error", "The body must be a VariablesSelection object"),
        ({"selection": {"a": 1}}, "Parameter error", "selection must be a list"),
        ({"selection": [1]}, "Parameter error", "Each selection needs a variableCode"),
        (
            {"selection": [{"valueCodes": 1}]},
            "Parameter error",
            "Each selection needs a variableCode",
        ),
        (
            {"selection": [{"variableCode": "a", "valueCodes": ["x", 1]}, 5]},
            "Parameter error",
            "valueCodes must be a list of strings",
        ),
        ({"selection": [{"variableCode": "a", "codelist": 5}]}, "Non-existent codelist", None),
        ({"placement": [1]}, "Parameter error", "placement must be an object"),
        ({"placement": {"stub": "Region"}}, "Illegal placment", None),
        ({"placement": {"heading": [2]}}, "Illegal placment", None),
    ],
)
def test_the_first_fault_of_a_selection(body: Any, title: str, detail: str | None) -> None:
    with pytest.raises(PortalError) as caught:
        parse_selection(body)
    assert (caught.value.status, caught.value.title, caught.value.detail) == (
        400,
        title,
        detail or title,
    )


@pytest.mark.parametrize(
    ("body", "title", "detail"),
    [
        ("x", "Parameter error", "The body must be a SavedQuery object"),
        ({"tableId": ""}, "Parameter error", "tableId is required"),
        ({"tableId": "1", "language": 5}, "Unsupported language", "Unsupported language 5"),
        # "de" would be a language id, which the table may have (saved_queries checks); this is none.
        (
            {"tableId": "1", "language": "deutsch", "outputFormat": "xml"},
            "Unsupported language",
            None,
        ),
        ({"tableId": "1", "outputFormat": 5}, "Unsupported output format", None),
        (
            {"tableId": "1", "outputFormatParams": "x", "selection": 1},
            "Parameter error",
            "outputFormatParams must be a list of strings",
        ),
        ({"tableId": "1", "selection": [1]}, "Parameter error", None),
    ],
)
def test_the_first_fault_of_a_saved_query(body: Any, title: str, detail: str | None) -> None:
    with pytest.raises(PortalError) as caught:
        parse_saved_query(body, FORMATS)
    assert (caught.value.status, caught.value.title) == (400, title)
    if detail is not None:
        assert caught.value.detail == detail


def test_a_saved_query_reads_its_defaults() -> None:
    query, parsed = parse_saved_query({"tableId": "99001", "outputFormat": "CSV"}, FORMATS)
    assert (query.table_id, query.language, query.output_format) == ("99001", "no", "csv")
    assert (query.output_format_params, parsed) == ([], ({}, [], [], {}))
