"""Whole tables for download (issue 21): every distribution the DCAT catalogue lists, read as a harvester
reads it (rdflib), downloads the whole table, in bytes that match the size and checksum it states; the
files have strong ETags (304 on If-None-Match) and Range support (206); a revision under embargo is 404
until its release's minute, and a replaced one is 404 from then on; a build killed midway leaves nothing
served; the statistic page's Dataset JSON-LD carries temporalCoverage and the files."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import extruct
import openpyxl
import pyarrow.parquet as pq
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS
from sqlalchemy.orm import selectinload
from werkzeug.test import TestResponse

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from pxbridge.ingest.px import parse_px
from pxbridge.models import DataTable
from pxbridge.store import whole
from pxbridge.store.cell_store import TMP_PREFIX
from tests.conftest import START, bearer, make_token
from tests.pxbridge.conftest import (  # noqa: F401  (fixtures)
    px_table,
    tables,
    test_table,
    upload_embargoed,
)
from tests.release_calendar.factories import announce_release, oslo

SPDX = "http://spdx.org/rdf/terms#"
ROOT = Path(__file__).resolve().parents[2]


def _table(app: Flask, table_id: str) -> DataTable:
    """The stored row, variables loaded, detached from its session."""
    with get_database(app).sessions() as s:
        found = s.get(DataTable, table_id, options=[selectinload(DataTable.variables)])
        assert found is not None
        s.expunge(found)
        return found


def _get(client: FlaskClient, url: str, **headers: str) -> TestResponse:
    """GET ``url`` (absolute or not) and read the body, closing the file it was served from."""
    with client.get(url.replace("http://localhost", ""), headers=headers) as response:
        response.get_data()
        return response


def _cells(fmt: str, body: bytes, table: DataTable) -> int:
    """How many cells a downloaded file holds, read back with a reader of its format."""
    stub = sum(1 for v in table.variables if v.placement == "stub")
    heading = len(table.variables) - stub
    if fmt == "json-stat2":
        found = json.loads(body)
        size = 1
        for n in found["size"]:
            size *= n
        assert len(found["value"]) == size
        return size
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        return sum(len(row) - stub for row in rows[1:])
    if fmt == "px":
        return int(parse_px(body).values.size)
    if fmt == "parquet":
        read = pq.read_table(io.BytesIO(body))
        measures = [
            n
            for n, t in zip(read.schema.names, read.schema.types, strict=True)
            if str(t) == "double" and not n.endswith("_symbol")
        ]
        return read.num_rows * len(measures)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        first_data_row = 3 + heading  # the title, a blank row, one row per heading variable
        return sum(
            1
            for row in sheet.iter_rows(min_row=first_data_row, values_only=True)
            if row[0] is not None
            for value in row[stub:]
            if value is not None
        )
    if fmt == "json-px":
        found = json.loads(body)
        return sum(len(item["values"]) for item in found["data"])
    if fmt == "html":
        return len(re.findall(rb"<td[ >]", body))
    raise AssertionError(fmt)


def test_every_distribution_in_the_catalogue_downloads_the_whole_table(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
    tables: dict[str, str],  # noqa: F811
) -> None:
    catalogue = Graph().parse(data=_get(client, "/catalog.ttl").data, format="turtle")
    datasets = list(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1 + len(tables)
    checked = 0
    for dataset in datasets:
        table_id = str(dataset).removeprefix("http://localhost/tabeller/").removesuffix("#dataset")
        table = _table(app, table_id)
        distributions = list(catalogue.objects(dataset, DCAT.distribution))
        assert len(distributions) == len(whole.KINDS)
        for distribution in distributions:
            fmt = str(distribution).rsplit("#", 1)[1]
            url = str(catalogue.value(distribution, DCAT.downloadURL))
            assert f"/tabeller/{table.id}/filer/" in url, url
            answer = _get(client, url)
            assert answer.status_code == 200, (url, answer.text)
            body = answer.data
            assert _cells(fmt, body, table) == table.cells, (table.id, fmt)
            # what the catalogue says of the file is what it is
            size = catalogue.value(distribution, DCAT.byteSize)
            assert size is not None and size.toPython() == len(body)  # type: ignore[attr-defined]
            checksum = catalogue.value(distribution, URIRef(SPDX + "checksum"))
            assert catalogue.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(
                SPDX + "checksumAlgorithm_sha1"
            )
            value = catalogue.value(checksum, URIRef(SPDX + "checksumValue"))
            assert str(value).lower() == hashlib.sha1(body).hexdigest()  # noqa: S324
            # the SHA-256 is the file's strong ETag
            assert answer.headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
            assert answer.headers["Content-Disposition"].startswith(
                f"attachment; filename={table.id}."
            )
            described = {str(d) for d in catalogue.objects(distribution, DCTERMS.description)}
            assert f"The whole of table {table.id} as " in " ".join(described)
            checked += 1
    assert checked == len(datasets) * len(whole.KINDS)


def test_a_file_answers_if_none_match_and_ranges(
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    latest = client.get(f"/tabeller/{test_table}/filer/siste.csv")
    assert latest.status_code == 302
    url = latest.headers["Location"]
    assert re.fullmatch(rf"/tabeller/{test_table}/filer/[0-9a-f]{{16}}\.csv", url), url
    full = _get(client, url)
    body, etag = full.data, full.headers["ETag"]
    assert full.headers["Accept-Ranges"] == "bytes"
    assert full.content_type == "text/csv; charset=utf-8"
    again = _get(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = _get(client, url, **{"If-None-Match": '"0000"'})
    assert other.status_code == 200 and other.data == body
    part = _get(client, url, Range="bytes=10-99")
    assert part.status_code == 206
    assert part.data == body[10:100]
    assert part.headers["Content-Range"] == f"bytes 10-99/{len(body)}"
    tail = _get(client, url, Range="bytes=-7")
    assert tail.status_code == 206 and tail.data == body[-7:]
    beyond = _get(client, url, Range=f"bytes={len(body) + 5}-")
    assert beyond.status_code == 416


@pytest.mark.parametrize(
    "path",
    [
        "/tabeller/99001/filer/siste.pdf",
        "/tabeller/99001/filer/siste",
        "/tabeller/99001/filer/0123456789abcdef.csv",
        "/tabeller/99001/filer/..csv",
        "/tabeller/nope/filer/siste.csv",
        "/tabeller/99001/filer/siste.csv.lock",
    ],
)
def test_no_file_for_a_wrong_name(
    client: FlaskClient,
    test_table: str,  # noqa: F811
    path: str,
) -> None:
    answer = _get(client, path)
    assert answer.status_code == 404
    assert not answer.headers.get("ETag")


def test_a_wrong_name_says_what_there_is(
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    wrong = _get(client, f"/tabeller/{test_table}/filer/siste.pdf")
    assert "ikke som «pdf»" in wrong.text and "json-stat2, csv, xlsx" in wrong.text
    gone = _get(client, f"/tabeller/{test_table}/filer/0123456789abcdef.px")
    assert f"/tabeller/{test_table}/filer/siste.px" in gone.text


def _revision_url(app: Flask, table_id: str, fmt: str = "csv") -> str:
    revision = whole.file_revision(_table(app, table_id))
    return f"/tabeller/{table_id}/filer/{revision}.{fmt}"


def test_an_embargoed_revision_is_404_until_its_release(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = upload_embargoed(app, client, clock.now(), "99004")
    url = _revision_url(app, "99004")
    for moment in (clock.now(), at - timedelta(seconds=1)):
        clock.set(moment)
        assert _get(client, url).status_code == 404
        assert _get(client, "/tabeller/99004/filer/siste.csv").status_code == 404
    assert not (Path(app.instance_path) / "downloads" / "99004").exists()  # nothing built early
    clock.set(at)
    answer = _get(client, url)
    assert answer.status_code == 200
    assert _cells("csv", answer.data, _table(app, "99004")) == 100


def test_a_replacement_for_a_coming_release_keeps_the_current_revision_until_then(
    app: Flask,
    client: FlaskClient,
    clock: FixedClock,
    test_table: str,  # noqa: F811
) -> None:
    before = _revision_url(app, test_table)
    assert _get(client, before).status_code == 200
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    replaced = client.post(
        f"/api/v1/tables?statistic=folkemengde&release={release_id}",
        data=px_table(title="Ny testbefolkning"),
        content_type="application/octet-stream",
        headers=bearer(make_token(app, "ssb", "replacement")),
    )
    assert replaced.status_code == 201, replaced.text
    after = _revision_url(app, test_table)
    assert after != before
    clock.set(at - timedelta(seconds=1))
    # The public keeps the revision it had, files and all, until the new one's minute (issue 19).
    assert _get(client, before).status_code == 200
    assert _get(client, after).status_code == 404
    assert _get(client, f"/tabeller/{test_table}/filer/siste.csv").headers["Location"] == before
    clock.set(at)
    assert _get(client, before).status_code == 404  # replaced for good
    answer = _get(client, after)
    assert answer.status_code == 200
    assert _get(client, f"/tabeller/{test_table}/filer/siste.csv").headers["Location"] == after
    # the replaced revision's file is gone from the disk once the new one is built
    folder = Path(app.instance_path) / "downloads" / test_table
    revisions = {p.name.split(".")[0] for p in folder.iterdir() if not p.name.startswith(".")}
    assert revisions == {after.rsplit("/", 1)[1].split(".")[0]}


_KILLED_BUILD = """
import pickle, sys, time
from pathlib import Path
from pxbridge.store import whole
from pxbridge.store.cell_store import CellStore

instance, marker, pickled = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
table = pickle.loads(pickled.read_bytes())
renderers = whole.standard_renderers()

def slow(cube):
    for n, piece in enumerate(renderers["csv"](cube)):
        yield piece[: len(piece) // 2]
        marker.write_text("half written")
        time.sleep(600)

files = whole.WholeFiles(
    instance / "downloads", CellStore(instance / "tables"), {**renderers, "px": slow, "csv": slow}
)
files.ensure(table, "csv")
"""


def test_a_build_killed_midway_leaves_no_file_served(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    table = _table(app, test_table)
    pickled, marker = tmp_path / "table.pickle", tmp_path / "marker"
    pickled.write_bytes(pickle.dumps(table))
    builder = subprocess.Popen(
        [sys.executable, "-c", _KILLED_BUILD, app.instance_path, str(marker), str(pickled)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        while not marker.exists():
            assert builder.poll() is None, "the build ended before it was killed"
            time.sleep(0.02)
        folder = Path(app.instance_path) / "downloads" / test_table
        partial = [p for p in folder.iterdir() if p.name.startswith(TMP_PREFIX)]
        assert len(partial) == 1  # written to, but unnamed
    finally:
        builder.send_signal(signal.SIGKILL)
        builder.wait()
    revision = whole.file_revision(table)
    assert revision is not None
    files = app.extensions["pxbridge.whole_files"]
    assert files.built(test_table, revision, "csv") is None  # the half file has no built name
    answer = _get(client, f"/tabeller/{test_table}/filer/{revision}.csv")
    assert answer.status_code == 200  # built again: the dead builder's lock went with it
    assert _cells("csv", answer.data, table) == table.cells
    assert answer.headers["ETag"] == f'"{hashlib.sha256(answer.data).hexdigest()}"'
    assert partial[0].exists() and answer.data != partial[0].read_bytes()
    # a later revision's first build clears what the killed one left
    replaced = client.post(
        "/api/v1/tables?statistic=folkemengde",
        data=px_table(title="Ny testbefolkning"),
        content_type="application/octet-stream",
        headers=bearer(make_token(app, "ssb", "replacement")),
    )
    assert replaced.status_code == 201, replaced.text
    assert _get(client, _revision_url(app, test_table)).status_code == 200
    assert not partial[0].exists()
    assert not [p for p in folder.iterdir() if revision in p.name]


def test_concurrent_first_requests_build_one_file(
    app: Flask,
    test_table: str,  # noqa: F811
) -> None:
    table = _table(app, test_table)
    files: whole.WholeFiles = app.extensions["pxbridge.whole_files"]
    found: list[whole.FileFacts] = []
    threads = [
        threading.Thread(target=lambda: found.append(files.ensure(table, "xlsx"))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and len({f.path for f in found}) == 1
    built = [p for p in found[0].path.parent.iterdir() if p.name.endswith(found[0].sha1)]
    assert built == [found[0].path]
    assert hashlib.sha256(found[0].path.read_bytes()).hexdigest() == found[0].sha256


def _json_ld(html: str) -> list[dict[str, object]]:
    found = extruct.extract(html, base_url="http://localhost/", syntaxes=["json-ld"], uniform=True)
    return [d for d in found["json-ld"] if d.get("@type") == "Dataset"]


def test_the_table_page_and_the_statistic_page_link_the_files(
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    page = client.get(f"/tabeller/{test_table}").text
    links = re.findall(rf'href="(http://localhost/tabeller/{test_table}/filer/[^"]+)"', page)
    assert {link.rsplit(".", 1)[1] for link in links} == set(whole.KINDS)
    assert f'href="/tabeller/{test_table}/filer/siste.parquet"' in page
    assert "KiB" not in page  # nothing built yet, and a page does not wait for a build
    table = _json_ld(client.get(f"/en/tables/{test_table}").text)[0]
    downloads = {d["name"]: d for d in table["distribution"]}  # type: ignore[union-attr]
    assert set(downloads) == set(whole.KINDS)
    assert not any("sha256" in d for d in downloads.values())
    bodies = {
        url: _get(client, url).data for url in (str(d["contentUrl"]) for d in downloads.values())
    }
    # once built, the page gives each file's size and SHA-256
    assert "KiB" in client.get(f"/tabeller/{test_table}").text
    table = _json_ld(client.get(f"/en/tables/{test_table}").text)[0]
    for item in table["distribution"]:  # type: ignore[union-attr]
        body = bodies[str(item["contentUrl"])]
        assert item["sha256"] == hashlib.sha256(body).hexdigest()
        assert item["contentSize"] == f"{len(body)} B"
    # PxWebApi's table item names them too
    item = client.get(f"/api/pxwebapi/v2/tables/{test_table}?lang=en").json
    enclosures = {link["href"] for link in item["links"] if link["rel"] == "enclosure"}
    assert enclosures == set(bodies)
    statistic = _json_ld(client.get("/en/statistics/folkemengde").text)[0]
    assert statistic["temporalCoverage"] == "2015/2024"
    described = {d["contentUrl"]: d for d in statistic["distribution"]}  # type: ignore[union-attr]
    assert set(described) == set(bodies)
    assert all(d["sha256"] == hashlib.sha256(bodies[u]).hexdigest() for u, d in described.items())


def test_a_table_too_large_for_a_worksheet_has_no_xlsx_file(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    table = _table(app, test_table)
    assert whole.offered(table) == tuple(whole.KINDS)
    stub = next(v for v in table.variables if v.placement == "stub")
    stub.codes = [str(n) for n in range(1_048_576)]
    assert whole.offered(table) == tuple(f for f in whole.KINDS if f != "xlsx")


def test_a_statistic_without_tables_promises_no_distribution(client: FlaskClient) -> None:
    statistic = _json_ld(client.get("/statistikk/kpi").text)[0]
    assert "distribution" not in statistic and "temporalCoverage" not in statistic


def test_a_table_without_files_is_offered_whole_through_the_api(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
) -> None:
    """A mirrored table has no files (its cells are its producer's); its distributions ask the
    PxWebApi for every value of every variable, not for the default selection."""
    from portal.search.catalog import distributions
    from pxbridge.search import FINDABLE

    assert FINDABLE.datasets is not None
    with app.test_request_context(), get_database(app).sessions() as s:
        found = next(d for d in FINDABLE.datasets(s, START) if d.id == test_table)
        downloads = distributions(dataclasses.replace(found, files=()))
    assert set(downloads) == set(whole.KINDS)
    answer = _get(client, downloads["json-stat2"].url)
    assert answer.status_code == 200, answer.text
    assert len(answer.json["value"]) == _table(app, test_table).cells == 100  # type: ignore[index]
    assert not downloads["csv"].whole_file and downloads["csv"].sha1 is None


def _checksums(client: FlaskClient) -> dict[str, str | None]:
    """Distribution URI -> the SHA-1 the catalogue states (None where it states none)."""
    catalogue = Graph().parse(data=_get(client, "/catalog.ttl").data, format="turtle")
    found: dict[str, str | None] = {}
    for distribution in catalogue.subjects(RDF.type, DCAT.Distribution):
        checksum = catalogue.value(distribution, URIRef(SPDX + "checksum"))
        value = catalogue.value(checksum, URIRef(SPDX + "checksumValue")) if checksum else None
        found[str(distribution)] = str(value) if value is not None else None
    return found


def test_the_catalogue_spends_a_bounded_time_on_builds_and_the_cli_builds_the_rest(
    app: Flask,
    client: FlaskClient,
    test_table: str,  # noqa: F811
    tables: dict[str, str],  # noqa: F811
) -> None:
    """A catalogue request builds files only within WHOLE_FILE_BUILD_SECONDS: with none left, it
    lists every distribution (download URL and all) without size and checksum, and builds nothing;
    ``portal tables files`` builds every file, after which the catalogue states every checksum, and a
    second run finds nothing to do."""
    root = Path(app.instance_path) / "downloads"
    app.config["WHOLE_FILE_BUILD_SECONDS"] = 0
    listed = _checksums(client)
    assert len(listed) == (1 + len(tables)) * len(whole.KINDS)
    assert set(listed.values()) == {None}
    assert not root.exists() or not any(p for p in root.rglob("*") if p.is_file())

    result = app.test_cli_runner().invoke(args=["tables", "files"])
    assert result.exit_code == 0, result.output
    assert f"{len(listed)} files built, 0 already there." in result.output
    listed = _checksums(client)
    assert None not in listed.values()
    again = app.test_cli_runner().invoke(args=["tables", "files"])
    assert f"0 files built, {len(listed)} already there." in again.output
