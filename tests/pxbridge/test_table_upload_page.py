"""Producers upload a table in the browser (issue 19): the file is read and every problem shown where it
is, in the page's language, or a preview of what will be stored and what it changes; the release the
table waits for is chosen explicitly; the table is hidden until that release and public at it."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.kernel.clock import FixedClock
from tests.conftest import NAV_EDITOR, SSB_EDITOR, csrf_token, login
from tests.pxbridge.conftest import px_table
from tests.release_calendar.factories import announce_release, oslo

UPLOAD = "/min-side/tabeller/last-opp"


def _post_file(
    client: FlaskClient,
    body: bytes,
    name: str = "99001.px",
    statistic: str = "folkemengde",
    sidecar: bytes | None = None,
    path: str = UPLOAD,
    **fields: str,
) -> object:
    page = client.get(path)
    data: dict[str, object] = {
        "csrf_token": csrf_token(page.text),
        "statistic": statistic,
        "table": FileStorage(io.BytesIO(body), filename=name),
        **fields,
    }
    if sidecar is not None:
        data["sidecar"] = FileStorage(io.BytesIO(sidecar), filename="sidecar.json")
    # Encoded here, in memory: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _preview(client: FlaskClient, body: bytes, **kwargs: Any) -> str:
    """Upload ``body``; the preview page's address."""
    response = _post_file(client, body, **kwargs)
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    return str(response.headers["Location"])  # type: ignore[attr-defined]


def _choose(client: FlaskClient, preview_url: str, release: str | None) -> object:
    page = client.get(preview_url)
    data = {"csrf_token": csrf_token(page.text)}
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page.text)
    if version:
        data["version"] = version.group(1)
    if release is not None:
        data["release"] = release
    return client.post(preview_url, data=data)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_upload_preview_release_and_embargo(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    login(client, SSB_EDITOR)
    preview_url = _preview(client, px_table("99001"))
    page = client.get(preview_url)
    assert page.status_code == 200
    text = _text(page.text)
    assert "Ny tabell i" in text
    assert "99001" in text and "Testbefolkning" in text
    # 5 regions x 2 contents x 10 years, one ":" and one ".." cell.
    assert "Celler 100" in text
    assert "«:» i 1 celler" in text and "«..» i 1 celler" in text
    assert "Hele landet, Oslo, Rogaland, Vestland, Trøndelag" in text
    assert "… og 4 til, til og med 2024" in text
    assert "Tabellen finnes ikke fra før" in text
    # Nothing is stored before the choice.
    assert client.get("/api/pxwebapi/v2/tables/99001/metadata").status_code == 404
    # The choice is explicit: none is checked, and saving without one is refused.
    assert " checked" not in page.text.split('id="release-choice"')[1].split("</fieldset>")[0]
    refused = _choose(client, preview_url, None)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "Velg når tabellen skal bli synlig." in refused.text  # type: ignore[attr-defined]
    assert f'value="{release_id}"' in page.text and 'value="none"' in page.text

    saved = _choose(client, preview_url, str(release_id))
    assert saved.status_code == 303  # type: ignore[attr-defined]
    mine = client.get(saved.headers["Location"])  # type: ignore[attr-defined]
    assert "Tabell 99001 er lagret." in mine.text
    assert "Venter på publiseringen" in _text(mine.text)
    assert "10. juni 2027 kl. 08.00" in _text(mine.text)
    # The staged file is gone once saved.
    assert client.get(preview_url).status_code == 404

    # Hidden from everyone until the minute, in the page, the API and the finder …
    client.post("/logg-ut", data={"csrf_token": csrf_token(client.get("/min-side").text)})
    anonymous = app.test_client()
    clock.set(at - timedelta(seconds=1))
    assert anonymous.get("/tabeller/99001").status_code == 404
    assert anonymous.get("/api/pxwebapi/v2/tables/99001/data?lang=no").status_code == 404
    assert "Testbefolkning" not in anonymous.get("/tabeller?tekst=99001").text
    # … and public at it.
    clock.set(at)
    assert anonymous.get("/tabeller/99001").status_code == 200
    assert anonymous.get("/api/pxwebapi/v2/tables/99001/data?lang=no").status_code == 200


def test_a_new_revision_shows_what_changes(app: Flask, client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    first = _preview(client, px_table("99002"))
    assert _choose(client, first, "none").status_code == 303  # type: ignore[attr-defined]
    assert client.get("/tabeller/99002").status_code == 200
    changed = px_table("99002").replace(b"1001 1002", b"1001 9999")
    assert changed != px_table("99002")
    second = _preview(client, changed)
    text = _text(client.get(second).text)
    assert "Erstatter tabell 99002" in text
    assert "1 av de 100 cellene som finnes i begge versjonene, er endret." in text
    # The changed cell, named by its values' labels, with its old and new number.
    assert "Hele landet, Folkemengde, 2017" in text
    assert "1 002" in text and "9 999" in text
    same = _preview(client, px_table("99002"))
    assert "Ingen av de 100 cellene" in _text(client.get(same).text)


def test_refused_file_shows_every_problem_by_line_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    login(client, SSB_EDITOR)
    broken = px_table("99003").replace(b'STUB="region";', b'STUB="region"')
    response = _post_file(client, broken)
    assert response.status_code == 400  # type: ignore[attr-defined]
    text = _text(response.text)  # type: ignore[attr-defined]
    assert "Filen kan ikke lagres" in text
    assert re.search(r"linje \d+", text), text
    assert "Ingenting er lagret." in text
    assert client.get("/api/pxwebapi/v2/tables/99003/metadata").status_code == 404
    # The form keeps the statistic chosen.
    assert 'selected value="folkemengde"' in response.text  # type: ignore[attr-defined]


def test_a_csv_needs_its_sidecar_and_a_file_is_required(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    response = _post_file(client, b"region;value\n0;1\n", name="tabell.csv")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "En CSV-fil trenger sidefilen" in response.text  # type: ignore[attr-defined]
    page = client.get(UPLOAD)
    missing = client.post(
        UPLOAD,
        data={"csrf_token": csrf_token(page.text), "statistic": "folkemengde"},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert "Velg en tabellfil." in missing.text


def test_the_preview_compares_with_the_waiting_revision_not_the_kept_public_one(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    login(client, SSB_EDITOR)
    public = px_table("99005")
    assert _choose(client, _preview(client, public), "none").status_code == 303  # type: ignore[attr-defined]
    waiting = public.replace(b"1001 1002", b"1001 7777")
    assert _choose(client, _preview(client, waiting), str(release_id)).status_code == 303  # type: ignore[attr-defined]
    # The public revision is kept as its own row while the next one waits; a third upload of the
    # waiting revision's cells changes nothing against the row that writes replace.
    text = _text(client.get(_preview(client, waiting)).text)
    assert "Ingen av de 100 cellene" in text
    text = _text(client.get(_preview(client, public)).text)
    assert "1 av de 100 cellene" in text and "7 777" in text


def test_a_waiting_table_cannot_be_made_public_by_an_upload(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    at = oslo(2027, 6, 10, 8, 0)
    release_id = announce_release(app, clock.now(), at, statistic="folkemengde")
    login(client, SSB_EDITOR)
    assert _choose(client, _preview(client, px_table("99004")), str(release_id)).status_code == 303  # type: ignore[attr-defined]
    again = _preview(client, px_table("99004"))
    page = client.get(again)
    assert 'value="none"' not in page.text
    assert "kan ikke bli synlig før den" in _text(page.text)
    forged = _choose(client, again, "none")
    assert forged.status_code == 400  # type: ignore[attr-defined]
    clock.set(at - timedelta(minutes=1))
    assert app.test_client().get("/tabeller/99004").status_code == 404


def test_only_the_uploader_sees_a_staged_file(app: Flask, client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    preview_url = _preview(client, px_table("99005"))
    other = app.test_client()
    login(other, NAV_EDITOR)
    assert other.get(preview_url).status_code == 404
    # Another producer's statistic is not offered, and a forged choice is refused.
    assert 'value="folkemengde"' not in other.get(UPLOAD).text
    assert _post_file(other, px_table("99006")).status_code == 403  # type: ignore[attr-defined]
    token = csrf_token(other.get(UPLOAD).text)
    assert other.post(preview_url, data={"csrf_token": token, "release": "none"}).status_code == 404
    assert other.post(preview_url + "/avbryt", data={"csrf_token": token}).status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(preview_url).status_code == 401
    anonymous_token = csrf_token(anonymous.get("/logg-inn").text)
    for path in (UPLOAD, preview_url, preview_url + "/avbryt"):
        assert anonymous.post(path, data={"csrf_token": anonymous_token}).status_code == 401
    # The owner's staged file is untouched by all of it.
    assert client.get(preview_url).status_code == 200
    assert client.get("/api/pxwebapi/v2/tables/99005/metadata").status_code == 404


def test_cancel_discards_the_file(client: FlaskClient) -> None:
    login(client, SSB_EDITOR)
    preview_url = _preview(client, px_table("99007"))
    page = client.get(preview_url)
    gone = client.post(preview_url + "/avbryt", data={"csrf_token": csrf_token(page.text)})
    assert gone.status_code == 303
    assert client.get(preview_url).status_code == 404
    assert client.get("/api/pxwebapi/v2/tables/99007/metadata").status_code == 404


@pytest.mark.parametrize("path", ["/en/my-page/tables/upload"])
def test_english_pages(client: FlaskClient, path: str) -> None:
    login(client, SSB_EDITOR)
    response = _post_file(client, px_table("99008"), path=path)
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["Location"]  # type: ignore[attr-defined]
    assert location.startswith("/en/my-page/tables/upload/")
    text = _text(client.get(location).text)
    assert "Check the table before you save it" in text
    assert "Public as soon as it is saved" in text
    saved = _choose(client, location, "none")
    mine = client.get(saved.headers["Location"])  # type: ignore[attr-defined]
    assert "Table 99008 is saved." in mine.text


def test_staging_expires(tmp_path: object) -> None:
    from pathlib import Path

    from pxbridge.store.staging import StagedGone, Staging

    staging = Staging(Path(str(tmp_path)), keep_seconds=3600)
    token = staging.put(7, {"table": io.BytesIO(b"abc")}, {"kind": "px"})
    assert staging.get(7, token).part("table") is not None
    with pytest.raises(StagedGone):
        staging.get(8, token)
    with pytest.raises(StagedGone):
        staging.get(7, "../../etc")
    expired = Staging(Path(str(tmp_path)), keep_seconds=-1)
    with pytest.raises(StagedGone):
        expired.get(7, token)
    assert expired.purge() == 1
    assert not any(Path(str(tmp_path)).iterdir())


def test_a_file_larger_than_a_form_is_taken(app: Flask, client: FlaskClient) -> None:
    """The page takes files up to TABLE_UPLOAD_MAX_BYTES, not the 1 MiB of an ordinary form; over it,
    a readable page in the page's language (413) and nothing stored."""
    login(client, SSB_EDITOR)
    padded = px_table("99009").replace(b"DATA=\n", b"DATA=\n" + b" " * (3 << 20) + b"\n")
    assert _choose(client, _preview(client, padded), "none").status_code == 303  # type: ignore[attr-defined]
    app.config["TABLE_UPLOAD_MAX_BYTES"] = 2 << 20
    too_big = _post_file(
        client, px_table("99010").replace(b"DATA=\n", b"DATA=\n" + b" " * (3 << 20))
    )
    assert too_big.status_code == 413  # type: ignore[attr-defined]
    assert '<html lang="nb"' in too_big.text  # type: ignore[attr-defined]
    assert client.get("/api/pxwebapi/v2/tables/99010/metadata").status_code == 404


BROKEN = [
    # (file name, body, sidecar): a PX statement left open, JSON that is not JSON-stat, a CSV
    # whose sidecar names a column it lacks, a PX file whose id cannot be an id.
    ("brutt.px", px_table("99011").replace(b'STUB="region";', b'STUB="region"'), None),
    ("brutt.json", b'{"version": "2.0", "class": "collection"}', None),
    ("brutt.json", b'{"version": "2.0", "class": "dataset",', None),
    (
        "brutt.csv",
        b"region;verdi\n0;1\n03;x\n",
        b'{"title": {"nb": "Test"}, "dimensions": [{"code": "fylke", "values": ["0"]}]}',
    ),
    ("99 012.px", px_table("99 012"), None),
]


def test_every_refusal_reads_as_norwegian_and_says_where(client: FlaskClient) -> None:
    from tests.refusals import assert_reads_norwegian

    login(client, SSB_EDITOR)
    for name, body, sidecar in BROKEN:
        response = _post_file(client, body, name=name, sidecar=sidecar)
        assert response.status_code == 400, (name, response.status_code)  # type: ignore[attr-defined]
        text = assert_reads_norwegian(response.text)  # type: ignore[attr-defined]
        assert "Filen kan ikke lagres" in text and "Ingenting er lagret." in text, text
        assert response.text.count('<tr><th scope="row">') >= 1 or "aria-invalid" in response.text  # type: ignore[attr-defined]
