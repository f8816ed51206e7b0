"""The producers' registry pages: create a code list, upload versions, see the changes a draft makes,
change a code, define a variant and a change table, publish, and find it all on the public pages and
through the Klass API. Every page write is refused to anonymous users (401) and other producers (403)."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from metadata.codelists.models import Classification
from portal.http.db import get_database
from tests.conftest import NAV_EDITOR, SSB_EDITOR, csrf_token, login

V1 = "code,parentCode,level,name,name_en\n01,,1,Helt ledige,Wholly unemployed\n02,,1,Delvis ledige,Partly unemployed\n"
V2 = "code,parentCode,level,name\n01,,1,Helt ledige\n03,,1,Arbeidssøkere på tiltak\n"


def _token(html: str, prefix: str = "") -> str:
    found = re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no {prefix}csrf_token"
    return found.group(1)


def _create(client: FlaskClient) -> int:
    page = client.get("/min-side/kodelister")
    assert page.status_code == 200
    response = client.post(
        "/min-side/kodelister",
        data={
            "csrf_token": csrf_token(page.text),
            "producer": "nav",
            "kind": "CODELIST",
            "name_nb": "Arbeidssøkergrupper",
            "name_en": "Jobseeker groups",
        },
    )
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _upload(client: FlaskClient, list_id: int, body: str, start: str, end: str = "") -> int:
    page = client.get(f"/min-side/kodelister/{list_id}").text
    return client.post(
        f"/min-side/kodelister/{list_id}/ny-versjon",
        data={
            "v-csrf_token": _token(page, "v-"),
            "v-file": (io.BytesIO(body.encode()), "liste.csv"),
            "v-valid_from": start,
            "v-valid_to": end,
        },
        content_type="multipart/form-data",
    ).status_code


def _publish(client: FlaskClient, list_id: int, what: str, target: int) -> int:
    page = client.get(f"/min-side/kodelister/{list_id}").text
    return client.post(
        f"/min-side/kodelister/{list_id}/publiser",
        data={"csrf_token": csrf_token(page), "what": what, "id": str(target)},
    ).status_code


def test_a_producer_maintains_a_code_list_from_the_pages(client: FlaskClient, app: Flask) -> None:
    login(client, NAV_EDITOR)
    list_id = _create(client)
    assert _upload(client, list_id, V1, "2020-01-01", "2025-01-01") == 303
    assert _upload(client, list_id, V2, "2025-01-01") == 303
    with get_database(app).sessions() as s:
        found = s.get(Classification, list_id)
        assert found is not None
        first, second = sorted(v.id for v in found.versions)
    manage = client.get(f"/min-side/kodelister/{list_id}").text
    # The draft's changes against the version before it, before anything is published.
    assert "Delvis ledige" in manage and "Arbeidssøkere på tiltak" in manage
    refused = _upload(
        client, list_id, "code,parentCode,level,name\n9,8,2,Foreldreløs\n", "2030-01-01"
    )
    assert refused == 400
    page = client.get(f"/min-side/kodelister/{list_id}").text
    saved = client.post(
        f"/min-side/kodelister/{list_id}/kode",
        data={
            "i-csrf_token": _token(page, "i-"),
            "i-version": str(second),
            "i-code": "03",
            "i-level": "1",
            "i-name_nb": "Arbeidssøkere på arbeidsmarkedstiltak",
            "i-name_en": "Jobseekers in labour market schemes",
        },
    )
    assert saved.status_code == 303
    assert _publish(client, list_id, "version", first) == 303
    assert _publish(client, list_id, "version", second) == 303
    page = client.get(f"/min-side/kodelister/{list_id}").text
    table = client.post(
        f"/min-side/kodelister/{list_id}/korrespondanse",
        data={
            "t-csrf_token": _token(page, "t-"),
            "t-version": str(first),
            "t-target_version": str(second),
            "t-file": (io.BytesIO(b"sourceCode,targetCode\n02,\n,03\n"), "endringer.csv"),
        },
        content_type="multipart/form-data",
    )
    assert table.status_code == 303
    with get_database(app).sessions() as s:
        from metadata.codelists.editing import tables_from

        found = s.get(Classification, list_id)
        assert found is not None
        table_id = tables_from(s, found)[0].id
    assert _publish(client, list_id, "table", table_id) == 303
    changes = client.get(
        f"/api/klass/v1/classifications/{list_id}/changes?from=2024-01-01&includeFuture=true"
    ).json["codeChanges"]
    assert [(c["oldCode"], c["newCode"]) for c in changes] == [("02", None), (None, "03")]
    english = client.get(f"/en/classifications/{list_id}?date=2024-06-01").text
    assert "Wholly unemployed" in english
    assert client.get(f"/klassifikasjoner/{list_id}/endringer").status_code == 200
    # Another producer's editor cannot open or change it.
    client.get("/logg-ut")
    other = FlaskClient(app, use_cookies=True)
    login(other, SSB_EDITOR)
    assert other.get(f"/min-side/kodelister/{list_id}").status_code == 403
    page = other.get("/min-side/kodelister").text
    assert "Arbeidssøkergrupper" not in page
    forged = other.post(
        f"/min-side/kodelister/{list_id}/publiser",
        data={"csrf_token": csrf_token(page), "what": "version", "id": str(first)},
    )
    assert forged.status_code == 403
    forged_create = other.post(
        "/min-side/kodelister",
        data={
            "csrf_token": csrf_token(page),
            "producer": "nav",
            "kind": "CODELIST",
            "name_nb": "x",
            "name_en": "x",
        },
    )
    assert forged_create.status_code == 403
    token = csrf_token(page)
    forged_writes = {
        "ny-versjon": {"v-file": (io.BytesIO(V1.encode()), "x.csv"), "v-valid_from": "2040-01-01"},
        "kode": {"i-version": str(second), "i-code": "09", "i-level": "1", "i-name_nb": "X"},
        "variant": {
            "var-version": str(first),
            "var-name_nb": "X",
            "var-valid_from": "2020-01-01",
            "var-file": (io.BytesIO(V1.encode()), "x.csv"),
        },
        "korrespondanse": {
            "t-version": str(first),
            "t-target_version": str(second),
            "t-file": (io.BytesIO(b"sourceCode,targetCode\n01,01\n"), "x.csv"),
        },
    }
    for action, data in forged_writes.items():
        prefix = next(iter(data)).split("-")[0]
        response = other.post(
            f"/min-side/kodelister/{list_id}/{action}",
            data={f"{prefix}-csrf_token": token, **data},
            content_type="multipart/form-data",
        )
        assert response.status_code == 403, action


def test_registry_page_writes_need_a_login_and_a_token(client: FlaskClient, app: Flask) -> None:
    with get_database(app).sessions() as s:
        before = s.scalar(select(func.count()).select_from(Classification))
    token = csrf_token(client.get("/logg-inn").text)
    for path in (
        "/min-side/kodelister",
        "/min-side/kodelister/131/ny-versjon",
        "/min-side/kodelister/131/kode",
        "/min-side/kodelister/131/variant",
        "/min-side/kodelister/131/korrespondanse",
        "/min-side/kodelister/131/publiser",
    ):
        assert client.post(path, data={"csrf_token": token}).status_code == 401, path
    login(client, NAV_EDITOR)
    # Without a CSRF token nothing happens, whoever is logged in.
    assert (
        client.post(
            "/min-side/kodelister", data={"producer": "nav", "name_nb": "x", "name_en": "x"}
        ).status_code
        == 400
    )
    with get_database(app).sessions() as s:
        assert s.scalar(select(func.count()).select_from(Classification)) == before


def test_a_version_published_ahead_shows_for_its_date_and_the_producer_is_told_when(
    client: FlaskClient,
) -> None:
    login(client, NAV_EDITOR)
    list_id = _create(client)
    assert _upload(client, list_id, V1, "2020-01-01", "2027-01-01") == 303
    page = client.get(f"/min-side/kodelister/{list_id}").text
    answer = client.post(
        f"/min-side/kodelister/{list_id}/ny-versjon",
        data={
            "v-csrf_token": _token(page, "v-"),
            "v-file": (io.BytesIO(V2.encode()), "liste.csv"),
            "v-valid_from": "2027-01-01",
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    found = re.search(r"versjon=(\d+)", answer.headers["Location"])
    assert found, answer.headers["Location"]
    future = int(found.group(1))
    draft = client.get(answer.headers["Location"]).text
    assert "Lagret som utkast. Når versjonen er publisert, gjelder den fra 1. januar 2027." in draft
    assert f'href="#version-{future}"' in draft and f'id="version-{future}"' in draft
    assert _publish(client, list_id, "version", future - 1) == 303
    page = client.get(f"/min-side/kodelister/{list_id}").text
    published = client.post(
        f"/min-side/kodelister/{list_id}/publiser",
        data={"csrf_token": csrf_token(page), "what": "version", "id": str(future)},
    )
    assert published.status_code == 303
    banner = client.get(published.headers["Location"]).text
    assert "Publisert. Versjonen gjelder fra 1. januar 2027" in banner
    public = f"/klassifikasjoner/{list_id}?dato=2027-01-01"
    assert f'href="{public}"' in banner
    # The clock stands in November 2026: today's page shows the first version, and offers the next.
    today = client.get(f"/klassifikasjoner/{list_id}").text
    assert "Delvis ledige" in today and "Arbeidssøkere på tiltak" not in today
    assert f'href="{public}"' in today and "(kommende)" in today
    ahead = client.get(public).text
    assert "Arbeidssøkere på tiltak" in ahead and "Delvis ledige" not in ahead
    assert "Ingen koder er gyldige" not in ahead
    english = client.get(f"/en/classifications/{list_id}?dato=2027-01-01").text
    assert "Arbeidssøkere på tiltak" in english and "(upcoming)" in english
    en_banner = client.get(
        published.headers["Location"].replace("/min-side/kodelister", "/en/my-page/code-lists")
    ).text
    assert "Published. The version applies from 1 January 2027" in en_banner


def test_the_kind_of_list_is_offered_by_its_label_not_its_code(client: FlaskClient) -> None:
    login(client, NAV_EDITOR)
    nb = client.get("/min-side/kodelister").text
    assert '<option value="CODELIST">Kodeliste</option>' in nb
    assert '<option value="CLASSIFICATION">Klassifikasjon</option>' in nb
    assert not re.search(r">\s*(CODELIST|CLASSIFICATION)\s*<", nb)
    en = client.get("/en/my-page/code-lists").text
    assert '<option value="CODELIST">Code list</option>' in en
    refused = client.post(
        "/min-side/kodelister",
        data={"csrf_token": csrf_token(nb), "producer": "nav", "kind": "LIST", "name_nb": "x"},
    )
    assert refused.status_code == 400
    assert not re.search(r">\s*(CODELIST|CLASSIFICATION)\s*<", refused.text)


def test_the_public_pages_refuse_bad_input_in_the_readers_language(client: FlaskClient) -> None:
    nb = client.get("/klassifikasjoner/131?dato=1.1.2027")
    assert nb.status_code == 400
    assert "Datoen må skrives som år-måned-dag, for eksempel 2027-01-01." in nb.text
    for english in ("must look like", "not a date", "dato:"):
        assert english not in nb.text
    en = client.get("/en/classifications/131?dato=1.1.2027")
    assert en.status_code == 400 and "Write the date as year-month-day" in en.text
    long_query = client.get("/klassifikasjoner?q=" + "k" * 201)
    assert long_query.status_code == 400 and "Søket kan ha høyst 200 tegn." in long_query.text
    assert client.get("/klassifikasjoner/131/varianter/999999").status_code == 404
