"""Uploads are read as they arrive and checked by their declared size before their cells are read
(issue 16): a PX file's DATA a block at a time into one array, a JSON-stat document's cells cut out
of it and read in chunks once ``size`` is checked. Same cells, same errors, a fraction of the memory."""

from __future__ import annotations

import io
import tracemalloc
from typing import Any

import numpy as np
import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from numpy.typing import NDArray

from portal.kernel.errors import BadRequest
from pxbridge.ingest import json_cells
from pxbridge.ingest.from_jsonstat import parse_jsonstat
from pxbridge.ingest.px import parse_px, read_px
from pxbridge.store import cells
from tests.conftest import bearer, make_token

SYMBOLS = ("..", ":", "-", "...")


def _bits(values: NDArray[np.float64]) -> list[int]:
    """The cells' bits: NaN payloads (the symbols) compared too."""
    return np.asarray(values, dtype=np.float64).view(np.uint64).tolist()


def big_px(regions: int, periods: int, seed: int = 16) -> tuple[bytes, NDArray[np.float64]]:
    """A PX file of ``regions`` × ``periods`` cells, 25 to a line, with quoted and bare symbols;
    and its cells."""
    rng = np.random.default_rng(seed)
    total = regions * periods
    numbers = np.round(rng.uniform(-5000, 90000, size=total), 1)
    expected = numbers.copy()
    tokens = [repr(float(v)) if i % 3 else str(int(v)) for i, v in enumerate(numbers.tolist())]
    for i in range(0, total, 3):
        expected[i] = float(int(numbers[i]))
    for k, position in enumerate(rng.choice(total, size=total // 97, replace=False).tolist()):
        symbol = SYMBOLS[k % len(SYMBOLS)]
        bare = k % 2 == 0 and set(symbol) == {"."}  # dots may stand unquoted
        tokens[position] = symbol if bare else f'"{symbol}"'
        expected[position] = cells.encode(symbol)
    head = "\n".join(
        [
            'CHARSET="ANSI";',
            'MATRIX="99030";',
            'TITLE="99030: Stor tabell";',
            'CONTENTS="Stor tabell";',
            'UNITS="antall";',
            'STUB="region";',
            'HEADING="tid";',
            'VALUES("region")=' + ",".join(f'"r{r}"' for r in range(regions)) + ";",
            'VALUES("tid")=' + ",".join(f'"{2000 + p}"' for p in range(periods)) + ";",
            "DATA=",
        ]
    )
    lines = [" ".join(tokens[i : i + 25]) for i in range(0, total, 25)]
    return (head + "\n" + "\n".join(lines) + "\n;\n").encode("cp1252"), expected


def test_px_data_over_many_blocks_gives_the_same_cells() -> None:
    data, expected = big_px(400, 1000)  # 400,000 cells, about 2.9 MB of DATA: three blocks
    assert len(data) > 2 * (1 << 20)
    assert _bits(read_px(io.BytesIO(data)).values) == _bits(expected)
    # Cut anywhere, the stream gives the same table.
    for size in (7, 65_537):
        assert _bits(read_px(_Trickle(data, size)).values) == _bits(expected)


class _Trickle(io.RawIOBase):
    """A stream that answers at most ``size`` bytes a read, as a socket does."""

    def __init__(self, data: bytes, size: int) -> None:
        self.inner, self.size = io.BytesIO(data), size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self.inner.read(self.size if n < 0 else min(n, self.size))


def test_px_errors_deep_in_data_name_their_line() -> None:
    data, expected = big_px(400, 1000)
    lines = data.split(b"\n")
    at = 12_000  # a line in the third block
    bad = lines[:]
    bad[at] = bad[at].replace(b" ", b" abc ", 1)
    with pytest.raises(BadRequest) as refused:
        parse_px(b"\n".join(bad))
    assert refused.value.errors[0].pointer == f"line {at + 1}"
    assert '"abc" is neither a number nor a data symbol' in refused.value.errors[0].detail
    unknown = lines[:]
    unknown[at] = unknown[at].replace(b" ", b' "x" ', 1)
    with pytest.raises(BadRequest) as refused:
        parse_px(b"\n".join(unknown))
    assert refused.value.errors[0].pointer == f"line {at + 1}"
    short = data.replace(b"\n;\n", b" 1\n;\n")
    with pytest.raises(BadRequest, match="400001 values but VALUES of STUB and HEADING give"):
        parse_px(short)
    # Without its final ';', DATA is read to the end of the file, as PxWeb reads it (issue 21).
    unterminated = parse_px(data.rstrip(b";\n"))
    assert _bits(unterminated.values) == _bits(expected)
    assert [w.text for w in unterminated.warnings if w.keyword == "DATA"] == [
        "not terminated by ';': read to the end of the file"
    ]
    with pytest.raises(BadRequest, match="text after the ';' that ends DATA"):
        parse_px(data + b"1 2 3;\n")
    assert parse_px(data + b"\r\n\x1a").values.size == 400_000


def test_an_oversized_px_table_is_refused_before_its_data_is_read() -> None:
    data, _ = big_px(400, 1000)
    stream = io.BytesIO(data)
    with pytest.raises(BadRequest) as refused:
        read_px(stream, max_cells=1000)
    assert "400000 cells is more than the limit of 1000" in refused.value.errors[0].detail
    assert stream.tell() <= (1 << 20)  # the metadata's block, not the 3 MB of DATA


def test_reading_px_costs_its_cells_and_a_block() -> None:
    data, _ = big_px(2000, 1000)  # 2 million cells: 16 MB of cells, 15 MB of text
    tracemalloc.start()
    try:
        table = read_px(io.BytesIO(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Before: the text copied three times over (DATA cut out, symbols replaced, separators
    # translated) on top of the cells, 3.8 x the cells here; now the cells and a few 1 MB blocks.
    assert peak < 2 * table.values.nbytes, peak


# --------------------------------------------------------------------------------------------
# JSON-stat


def _dataset(values: list[Any], **extra: Any) -> dict[str, Any]:
    n = len(values)
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Stor tabell",
        "id": ["region", "tid"],
        "size": [n // 100, 100],
        "dimension": {
            "region": {"category": {"index": [f"r{r}" for r in range(n // 100)]}},
            "tid": {"category": {"index": [str(2000 + t) for t in range(100)]}},
        },
        "value": values,
        "extension": {"px": {"tableid": "99031", "decimals": 1}},
        **extra,
    }


def _big_values(
    n: int, seed: int = 16, strings: bool = True
) -> tuple[list[Any], NDArray[np.float64]]:
    """``n`` values, one in 50 a null or (with ``strings``) a symbol, and the cells they give."""
    rng = np.random.default_rng(seed)
    numbers = np.round(rng.uniform(-100, 1e6, size=n), 1)
    values: list[Any] = numbers.tolist()
    expected = numbers.copy()
    for k, position in enumerate(rng.choice(n, size=n // 50, replace=False).tolist()):
        if k % 2 or not strings:
            values[position] = None
            expected[position] = cells.encode("..")
        else:
            values[position] = ":"
            expected[position] = cells.encode(":")
    return values, expected


def test_json_stat_cells_over_many_chunks_give_the_same_table() -> None:
    values, expected = _big_values(300_000)
    data = orjson.dumps(_dataset(values))
    assert len(data) > 2 * json_cells.CHUNK
    assert _bits(parse_jsonstat(data, max_cells=10**6).values) == _bits(expected)
    # Status as a list and as an object; a sparse value object; all over chunks.
    status = [None] * len(values)
    for i in range(0, len(values), 7):
        if values[i] is None:
            status[i] = "-"
            expected[i] = cells.encode("-")
    as_list = parse_jsonstat(orjson.dumps(_dataset(values, status=status)), max_cells=10**6)
    assert _bits(as_list.values) == _bits(expected)
    as_object = {str(i): s for i, s in enumerate(status) if s}
    parsed = parse_jsonstat(orjson.dumps(_dataset(values, status=as_object)), max_cells=10**6)
    assert _bits(parsed.values) == _bits(expected)
    sparse = {str(i): v for i, v in enumerate(values) if v is not None}
    parsed = parse_jsonstat(
        orjson.dumps(_dataset(values, value=sparse, status=as_object)), max_cells=10**6
    )
    assert _bits(parsed.values) == _bits(expected)
    without_status = expected.copy()
    without_status[[i for i, s in enumerate(status) if s]] = cells.encode("..")
    parsed = parse_jsonstat(orjson.dumps(_dataset(values, value=sparse)), max_cells=10**6)
    assert _bits(parsed.values) == _bits(without_status)


def test_json_stat_cells_are_found_at_the_top_level_only() -> None:
    values, expected = _big_values(20_000)
    decoys = _dataset(
        values,
        note=['"value": [1, 2, 3]'],
        extension={"px": {"tableid": "99031", "decimals": 1}, "value": [7.0] * 50_000},
    )
    decoys["dimension"]["region"]["value"] = {"label": "a nested value"}
    parsed = parse_jsonstat(orjson.dumps(decoys), max_cells=10**6)
    assert _bits(parsed.values) == _bits(expected)


def test_json_stat_errors_inside_the_cells_are_named_as_before() -> None:
    values, _ = _big_values(300_000)
    values[250_001] = True
    with pytest.raises(BadRequest) as refused:
        parse_jsonstat(orjson.dumps(_dataset(values)), max_cells=10**6)
    assert refused.value.errors[0].pointer == "/value/250001"
    short = orjson.dumps(_dataset(values[:-1] + [1.0, 2.0]))
    with pytest.raises(BadRequest, match="300001 values but size gives 300000 cells"):
        parse_jsonstat(short, max_cells=10**6)
    values[250_001] = 1.0
    bad_status = ["..", None] * 150_000
    bad_status[299_000] = "a,b"  # a comma inside a string, maybe where a chunk is cut
    with pytest.raises(BadRequest) as refused:
        parse_jsonstat(orjson.dumps(_dataset(values, status=bad_status)), max_cells=10**6)
    assert [e.pointer for e in refused.value.errors] == ["/status/299000"]
    # Invalid JSON in the cells: the document's own line and column, as orjson says them.
    broken = orjson.dumps(_dataset([1.5, 2.5] * 50)).replace(b"2.5,1.5", b"2.5,,1.5", 1)
    with pytest.raises(orjson.JSONDecodeError) as whole:
        orjson.loads(broken)
    with pytest.raises(BadRequest) as refused:
        parse_jsonstat(broken, max_cells=10**6)
    assert f"line {whole.value.lineno}, column {whole.value.colno}" in refused.value.detail
    trailing = orjson.dumps(_dataset([1.5] * 100)).replace(b"1.5]", b"1.5,]", 1)
    with pytest.raises(BadRequest, match="not valid JSON"):
        parse_jsonstat(trailing, max_cells=10**6)


def test_chunks_refuse_what_is_not_json_on_its_own() -> None:
    data = b'{"value":[1,"a,b",2]}'
    piece = json_cells.load(data)["value"]
    assert isinstance(piece, json_cells.Piece)
    assert list(json_cells.chunks(data, piece)) == [[1, "a,b", 2]]
    with pytest.raises(json_cells.Unreadable):
        list(json_cells.chunks(data, piece, size=5))  # cut inside the string
    assert [len(c) for c in json_cells.chunks(b"[1,2,3,4,5,6]", json_cells.Piece(1, 12, True), 4)]
    empty = b'{"value":[ ]}'
    assert list(json_cells.chunks(empty, json_cells.load(empty)["value"])) == [[]]


def test_an_oversized_json_stat_table_is_refused_before_its_cells_are_built() -> None:
    values, _ = _big_values(500_000, strings=False)
    data = orjson.dumps(_dataset(values))
    tracemalloc.start()
    try:
        with pytest.raises(BadRequest) as refused:
            parse_jsonstat(data, max_cells=1000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.errors[0].pointer == "/size"
    assert "500000 cells is more than the limit of 1000" in refused.value.errors[0].detail
    assert peak < 2_000_000, peak  # before: every cell a Python float first (24 MB here)
    tracemalloc.start()
    try:
        table = parse_jsonstat(data, max_cells=10**6)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * table.values.nbytes, peak  # before: about 15 x


# --------------------------------------------------------------------------------------------
# Over HTTP


class _Counting(io.BytesIO):
    """A request body that counts what is read of it."""

    taken = 0

    def read(self, n: int | None = -1) -> bytes:
        piece = super().read(n)
        self.taken += len(piece)
        return piece

    def readinto(self, buffer: Any) -> int:
        got = super().readinto(buffer)
        self.taken += got
        return got


def test_a_body_over_the_byte_limit_is_413_before_it_is_read(
    app: Flask, client: FlaskClient
) -> None:
    token = make_token(app, "ssb")
    data, _ = big_px(400, 1000)
    app.config["TABLE_UPLOAD_MAX_BYTES"] = 1 << 20
    body = _Counting(data)
    answer = client.post(
        "/api/v1/tables?statistic=folkemengde",
        input_stream=body,
        content_length=len(data),
        content_type="application/octet-stream",
        headers=bearer(token),
    )
    assert answer.status_code == 413, answer.text[:300]
    assert body.taken == 0
    chunked = _Counting(data)
    answer = client.post(
        "/api/v1/tables?statistic=folkemengde",
        input_stream=chunked,
        content_type="application/octet-stream",
        headers={**bearer(token), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert answer.status_code == 413, answer.text[:300]
    assert chunked.taken <= (1 << 20) + (1 << 16)


@pytest.mark.parametrize("kind", ["px", "json"])
def test_a_table_over_the_cell_limit_is_400_naming_its_cells(
    app: Flask, client: FlaskClient, kind: str
) -> None:
    token = make_token(app, "ssb")
    app.config["TABLE_MAX_CELLS"] = 100_000
    if kind == "px":
        data, _ = big_px(400, 1000)
    else:
        data = orjson.dumps(_dataset(_big_values(400_000)[0]))
    body = _Counting(data)
    answer = client.post(
        "/api/v1/tables?statistic=folkemengde",
        input_stream=body,
        content_length=len(data),
        content_type="application/octet-stream" if kind == "px" else "application/json",
        headers=bearer(token),
    )
    assert answer.status_code == 400, answer.text[:300]
    assert "400000 cells is more than the limit of 100000" in answer.text
    if kind == "px":
        assert body.taken <= (1 << 20)  # the metadata's block: DATA never read
