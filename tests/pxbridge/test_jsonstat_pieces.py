"""JSON-stat's two ways of writing a data answer give the same body: a selection held in memory in
one piece (one orjson call), a table served from the memory map in chunks. The symbols (``..``, ``:``)
reach ``status`` and the values ``null`` either way."""

from __future__ import annotations

import orjson
import pytest
from flask.testing import FlaskClient

from pxbridge.formats import jsonstat
from tests.pxbridge.conftest import API, REGIONS, YEARS

FULL = "valuecodes[Region]=*&valuecodes[ContentsCode]=*&valuecodes[Tid]=*"
PART = "valuecodes[Region]=03,11&valuecodes[ContentsCode]=*&valuecodes[Tid]=top(6)"


def _pieces(client: FlaskClient, table: str, query: str) -> list[bytes]:
    answer = client.get(f"{API}/tables/{table}/data?{query}", buffered=False)
    assert answer.status_code == 200
    pieces = [bytes(p) for p in answer.response]  # type: ignore[attr-defined]
    answer.close()
    return pieces


@pytest.mark.parametrize("query", [FULL, PART])
def test_one_piece_and_chunks_give_the_same_body(
    client: FlaskClient, test_table: str, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = _pieces(client, test_table, query)
    monkeypatch.setattr(jsonstat, "WHOLE", 0)  # every answer chunked
    monkeypatch.setattr(jsonstat, "CHUNK", 7)  # and in many chunks
    chunked = _pieces(client, test_table, query)
    assert len(chunked) > 3
    body = orjson.loads(b"".join(default))
    assert body == orjson.loads(b"".join(chunked))
    assert len(body["value"]) == (len(REGIONS) * 2 * len(YEARS) if query == FULL else 2 * 2 * 6)
    # The test table's symbols: ".." somewhere, ":" for Oslo (03) in 2024, which PART holds too.
    assert sorted(body["status"].values()) == (["..", ":"] if query == FULL else [":"])
    assert all(body["value"][int(p)] is None for p in body["status"])


def test_a_selection_is_one_piece_and_the_full_table_chunks(
    client: FlaskClient, test_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstat, "CHUNK", 7)
    assert len(_pieces(client, test_table, PART)) == 1  # held in memory: one orjson call
    assert len(_pieces(client, test_table, FULL)) > 3  # the memory map: chunks
