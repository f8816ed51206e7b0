"""Every refusal a producer meets in the metadata is told by the message catalogue (issue 20): the code-list
pages (create, a version from a file, a code, a variant, a correspondence table, publish) and the "Om
statistikken" editing pages refuse bad input in the page's language, with the reason at the field and
in the error summary, every problem of a file listed by line and counted, and nothing changed. The API
answers English by default and Norwegian when ``Accept-Language`` asks for it."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from metadata.codelists.models import (
    Classification,
    ClassificationItem,
    ClassificationVariant,
    ClassificationVersion,
    CorrespondenceTable,
)
from metadata.sims import service
from metadata.sims.models import DocumentationVersion
from portal.http.db import get_database
from tests.conftest import NAV_EDITOR, SSB_EDITOR, bearer, login, make_token
from tests.refusals import (
    assert_reads_norwegian,
    error_summary,
    message_at_field,
    problem,
    visible_text,
)

LISTS = {"nb": "/min-side/kodelister", "en": "/en/my-page/code-lists"}
#: An action's last path segment, by language.
ACTIONS = {
    "nb": {
        "version": "ny-versjon",
        "item": "kode",
        "variant": "variant",
        "table": "korrespondanse",
    },
    "en": {
        "version": "new-version",
        "item": "code",
        "variant": "variant",
        "table": "correspondence",
    },
}
GOOD = "code,parentCode,level,name\n1,,1,Fiske\n11,1,2,Not\n2,,1,Fangst\n"
#: Line 3 repeats code 1; line 4 names a parent that is not in the file.
TWO_WRONG = "code,parentCode,level,name\n1,,1,Fiske\n1,,1,Igjen\n11,9,2,Foreldreløs\n"
NOT_UTF8 = {
    "nb": "Filen er ikke tekst i UTF-8. Lagre den som UTF-8 og prøv igjen.",
    "en": "The file is not UTF-8 text.",
}
NO_TARGET = {
    "nb": "Det finnes ingen versjon 999999 å koble til.",
    "en": "There is no version 999999 to map to.",
}
ONE_WRONG = "code,parentCode,level,name\n1,,1,Fiske\n1,,1,Igjen\n"


def _summary(html: str) -> str:
    return visible_text(error_summary(html))


def _in_words(response: Any, lang: str) -> str:
    """The page's visible text, checked to be in ``lang``: no English or library wording on nb."""
    return assert_reads_norwegian(response.text) if lang == "nb" else visible_text(response.text)


def _token(html: str, prefix: str = "") -> str:
    found = re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', html)
    assert found, f"no {prefix}csrf_token"
    return found.group(1)


def _count(app: Flask, model: Any) -> int:
    with get_database(app).sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _counts(app: Flask) -> tuple[int, ...]:
    return tuple(
        _count(app, m)
        for m in (
            Classification,
            ClassificationVersion,
            ClassificationItem,
            ClassificationVariant,
            CorrespondenceTable,
        )
    )


def _new_list(client: FlaskClient, lang: str) -> int:
    page = client.get(LISTS[lang]).text
    made = client.post(
        LISTS[lang],
        data={
            "csrf_token": _token(page),
            "producer": "nav",
            "kind": "CODELIST",
            "name_nb": "Redskap",
            "name_en": "Gear",
        },
    )
    assert made.status_code == 303, made.text
    return int(made.headers["Location"].rstrip("/").split("/")[-1])


def _post(
    client: FlaskClient, lang: str, list_id: int, action: str, prefix: str, **data: Any
) -> Any:
    page = client.get(f"{LISTS[lang]}/{list_id}").text
    return client.post(
        f"{LISTS[lang]}/{list_id}/{ACTIONS[lang][action]}",
        data={
            f"{prefix}csrf_token": _token(page, prefix),
            **{prefix + k: v for k, v in data.items()},
        },
        content_type="multipart/form-data",
    )


def _upload(
    client: FlaskClient, lang: str, list_id: int, body: str, start: str, end: str = ""
) -> Any:
    return _post(
        client,
        lang,
        list_id,
        "version",
        "v-",
        file=(io.BytesIO(body.encode()), "liste.csv"),
        valid_from=start,
        valid_to=end,
    )


def _version_ids(app: Flask, list_id: int) -> list[int]:
    with get_database(app).sessions() as s:
        return list(
            s.scalars(
                select(ClassificationVersion.id)
                .where(ClassificationVersion.classification_id == list_id)
                .order_by(ClassificationVersion.valid_from)
            )
        )


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("nb", "Velg en av eierne i listen."),
        ("en", "unknown"),
    ],
)
def test_creating_a_code_list_for_an_unknown_producer_is_refused_at_the_field(
    client: FlaskClient, app: Flask, lang: str, says: str
) -> None:
    login(client, NAV_EDITOR)
    before = _counts(app)
    page = client.get(LISTS[lang]).text
    refused = client.post(
        LISTS[lang],
        data={
            "csrf_token": _token(page),
            "producer": "finnes-ikke",
            "kind": "CODELIST",
            "name_nb": "Redskap",
            "name_en": "Gear",
        },
    )
    assert refused.status_code == 400
    assert message_at_field(refused.text, "producer") == says
    assert says in _summary(refused.text)
    _in_words(refused, lang)
    # A form that does not validate is told by the forms' own translations.
    empty = client.post(LISTS[lang], data={"csrf_token": _token(page), "producer": "nav"})
    assert empty.status_code == 400
    assert message_at_field(empty.text, "name_nb")
    _in_words(empty, lang)
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("lang", "count", "one", "duplicate", "parent"),
    [
        (
            "nb",
            "2 feil; ingenting ble lagret.",
            "1 feil; ingenting ble lagret.",
            "Linje 3: koden 1 står to ganger.",
            "Linje 4: den overordnede koden 9 finnes ikke i filen.",
        ),
        (
            "en",
            "2 errors; nothing was saved.",
            "1 error; nothing was saved.",
            "line 3: duplicate code 1",
            "line 4: unknown parent 9",
        ),
    ],
)
def test_a_file_with_errors_is_refused_whole_with_every_line_at_the_upload_field(
    client: FlaskClient,
    app: Flask,
    lang: str,
    count: str,
    one: str,
    duplicate: str,
    parent: str,
) -> None:
    login(client, NAV_EDITOR)
    list_id = _new_list(client, lang)
    before = _counts(app)
    refused = _upload(client, lang, list_id, TWO_WRONG, "2020-01-01")
    assert refused.status_code == 400
    at_file = message_at_field(refused.text, "v-file")
    assert duplicate in at_file and parent in at_file
    summary = _summary(refused.text)
    assert summary.index(count) < summary.index(duplicate) < summary.index(parent)
    assert f'<a href="#v-file">{duplicate}</a>' in refused.text
    _in_words(refused, lang)
    single = _upload(client, lang, list_id, ONE_WRONG, "2020-01-01")
    assert single.status_code == 400 and one in _summary(single.text)
    _in_words(single, lang)
    # A file that cannot be read at all is refused at the field too.
    garbage = _post(
        client,
        lang,
        list_id,
        "version",
        "v-",
        file=(io.BytesIO(b"\xff\xfecode,name\n\x00\xff\n"), "liste.csv"),
        valid_from="2020-01-01",
        valid_to="",
    )
    assert garbage.status_code == 400
    assert message_at_field(garbage.text, "v-file") == NOT_UTF8[lang]
    _in_words(garbage, lang)
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("lang", "overlap", "parent"),
    [
        (
            "nb",
            "Gyldigheten overlapper en annen versjon av kodelisten.",
            "Koden 99: den overordnede koden 7 finnes ikke i versjonen.",
        ),
        ("en", "validity overlaps an earlier version", "code 99: unknown parent 7"),
    ],
)
def test_a_version_that_overlaps_and_a_code_without_its_parent_are_refused_at_their_fields(
    client: FlaskClient, app: Flask, lang: str, overlap: str, parent: str
) -> None:
    login(client, NAV_EDITOR)
    list_id = _new_list(client, lang)
    assert _upload(client, lang, list_id, GOOD, "2020-01-01").status_code == 303
    before = _counts(app)
    refused = _upload(client, lang, list_id, GOOD, "2021-01-01")
    assert refused.status_code == 400
    assert message_at_field(refused.text, "v-valid_from") == overlap
    _in_words(refused, lang)
    (version,) = _version_ids(app, list_id)
    orphan = _post(
        client,
        lang,
        list_id,
        "item",
        "i-",
        version=str(version),
        code="99",
        parent_code="7",
        level="2",
        name_nb="Foreldreløs",
        name_en="",
    )
    assert orphan.status_code == 400
    assert message_at_field(orphan.text, "i-parent_code") == parent
    assert parent in _summary(orphan.text)
    _in_words(orphan, lang)
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("lang", "count", "missing", "outside"),
    [
        (
            "nb",
            "2 feil; ingenting ble lagret.",
            "Linje 4: koden 77 finnes ikke i versjon {version}.",
            "Varianten må gjelde innenfor versjonens gyldighet.",
        ),
        (
            "en",
            "2 errors; nothing was saved.",
            "line 4: code 77 is not in version {version}",
            "the variant must lie within its version",
        ),
    ],
)
def test_a_bad_variant_is_refused_with_each_problem_at_its_field(
    client: FlaskClient, app: Flask, lang: str, count: str, missing: str, outside: str
) -> None:
    login(client, NAV_EDITOR)
    list_id = _new_list(client, lang)
    assert _upload(client, lang, list_id, GOOD, "2020-01-01").status_code == 303
    (version,) = _version_ids(app, list_id)
    before = _counts(app)
    body = "code,parentCode,level,name\nA,,1,Aktive\n11,A,2,Not\n77,A,2,Ukjent\n"
    refused = _post(
        client,
        lang,
        list_id,
        "variant",
        "var-",
        version=str(version),
        name_nb="Aktive",
        name_en="",
        valid_from="2019-01-01",
        valid_to="",
        file=(io.BytesIO(body.encode()), "variant.csv"),
    )
    assert refused.status_code == 400
    assert message_at_field(refused.text, "var-file") == missing.format(version=version)
    assert message_at_field(refused.text, "var-valid_from") == outside
    assert count in _summary(refused.text)
    _in_words(refused, lang)
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("lang", "same", "at_field", "count", "unknown", "twice"),
    [
        (
            "nb",
            "En korrespondansetabell kobler to forskjellige versjoner.",
            "Velg en annen versjon enn den tabellen går fra.",
            "3 feil; ingenting ble lagret.",
            "Linje 3: koden 99 finnes ikke i versjon {version}.",
            "Linje 5: 11 → 11 står to ganger.",
        ),
        (
            "en",
            "A table maps between two versions.",
            "the same",
            "3 errors; nothing was saved.",
            "line 3: code 99 is not in version {version}",
            "line 5: 11 → 11 is listed twice",
        ),
    ],
)
def test_a_bad_correspondence_table_is_refused_line_by_line(
    client: FlaskClient,
    app: Flask,
    lang: str,
    same: str,
    at_field: str,
    count: str,
    unknown: str,
    twice: str,
) -> None:
    login(client, NAV_EDITOR)
    list_id = _new_list(client, lang)
    assert _upload(client, lang, list_id, GOOD, "2020-01-01", "2030-01-01").status_code == 303
    (version,) = _version_ids(app, list_id)
    before = _counts(app)

    def table(target: int, body: str) -> Any:
        return _post(
            client,
            lang,
            list_id,
            "table",
            "t-",
            version=str(version),
            target_version=str(target),
            description="",
            file=(io.BytesIO(body.encode()), "tabell.csv"),
        )

    itself = table(version, "sourceCode,targetCode\n11,11\n")
    assert itself.status_code == 400
    assert message_at_field(itself.text, "t-target_version") == at_field
    _in_words(itself, lang)
    # The field says why; the summary links to it (a refusal naming a field is not repeated on top).
    assert at_field in _summary(itself.text) and same not in _summary(itself.text)
    nowhere = table(999_999, "sourceCode,targetCode\n11,11\n")
    assert nowhere.status_code == 400
    assert message_at_field(nowhere.text, "t-target_version") == NO_TARGET[lang]
    _in_words(nowhere, lang)
    bad = table(version, "sourceCode,targetCode\n11,11\n99,11\n,\n11,11\n")
    assert bad.status_code == 400
    assert table(version, "x\n").status_code == 400
    assert _counts(app) == before
    assert _upload(client, lang, list_id, GOOD, "2030-01-01").status_code == 303
    second = _version_ids(app, list_id)[1]
    before = _counts(app)
    bad = table(second, "sourceCode,targetCode\n11,11\n99,11\n,\n11,11\n")
    assert bad.status_code == 400
    at_file = message_at_field(bad.text, "t-file")
    assert unknown.format(version=version) in at_file and twice in at_file
    assert count in _summary(bad.text)
    _in_words(bad, lang)
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("lang", "published", "choose"),
    [
        ("nb", "Versjon {version} er allerede publisert.", "Velg hva som skal publiseres."),
        ("en", "Version {version} is already published.", "Choose what to publish."),
    ],
)
def test_publishing_twice_or_nothing_is_refused_in_words(
    client: FlaskClient, app: Flask, lang: str, published: str, choose: str
) -> None:
    login(client, NAV_EDITOR)
    list_id = _new_list(client, lang)
    assert _upload(client, lang, list_id, GOOD, "2020-01-01").status_code == 303
    (version,) = _version_ids(app, list_id)
    path = f"{LISTS[lang]}/{list_id}/{'publiser' if lang == 'nb' else 'publish'}"

    def publish(what: str, target: int) -> Any:
        page = client.get(f"{LISTS[lang]}/{list_id}").text
        return client.post(path, data={"csrf_token": _token(page), "what": what, "id": str(target)})

    assert publish("version", version).status_code == 303
    before = _counts(app)
    again = publish("version", version)
    assert again.status_code == 409
    assert published.format(version=version) in _summary(again.text)
    _in_words(again, lang)
    nothing = publish("noe", version)
    assert nothing.status_code == 400 and choose in visible_text(nothing.text)
    _in_words(nothing, lang)
    assert _counts(app) == before


def test_the_producer_api_answers_english_unless_norwegian_is_asked_for(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "fiskeridir")
    made = client.post(
        "/api/v1/code-lists",
        json={
            "producer": "fiskeridir",
            "kind": "CODELIST",
            "name_nb": "Redskap",
            "name_en": "Gear",
        },
        headers=bearer(token),
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/code-lists/{made.json['id']}/versions?valid_from=2020-01-01"
    before = _counts(app)

    def post(**headers: str) -> Any:
        return client.post(
            url,
            data=TWO_WRONG,
            content_type="text/csv",
            headers={**bearer(token), **headers},
        )

    english = post()
    assert english.status_code == 400
    assert problem(english)["detail"] == "2 errors; nothing was saved."
    assert problem(english)["errors"] == [
        {"pointer": "line 3", "detail": "line 3: duplicate code 1"},
        {"pointer": "line 4", "detail": "line 4: unknown parent 9"},
    ]
    norwegian = post(**{"Accept-Language": "nb"})
    assert norwegian.status_code == 400
    assert problem(norwegian)["detail"] == "2 feil; ingenting ble lagret."
    assert [e["detail"] for e in problem(norwegian)["errors"]] == [
        "Linje 3: koden 1 står to ganger.",
        "Linje 4: den overordnede koden 9 finnes ikke i filen.",
    ]
    assert problem(norwegian)["title"] == "Bad Request"  # the title stays stable and English
    missing = client.post(
        f"/api/v1/code-lists/{made.json['id']}/versions",
        data=TWO_WRONG,
        content_type="text/csv",
        headers={**bearer(token), "Accept-Language": "nb"},
    )
    assert missing.status_code == 400
    assert problem(missing)["detail"] == "valid_from må fylles ut, som år-måned-dag."
    assert _counts(app) == before


DOCS = "/api/v1/statistics/kpi/documentation"
DOC_PAGES = {
    "nb": "/min-side/statistikk/kpi/dokumentasjon",
    "en": "/en/my-page/statistics/kpi/documentation",
}
DOC_PUBLISH = {
    "nb": "/min-side/statistikk/kpi/dokumentasjon/publiser",
    "en": "/en/my-page/statistics/kpi/documentation/publish",
}


def _form(html: str, action: str) -> dict[str, str]:
    """The hidden and text inputs of the form posting to ``action``."""
    start = html.index(f'action="{action}')
    form = html[html.rindex("<form", 0, start) : html.index("</form>", start)]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    fields.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return fields


def _versions(app: Flask) -> int:
    return _count(app, DocumentationVersion)


@pytest.mark.parametrize(
    ("lang", "note", "stale", "release"),
    [
        (
            "nb",
            "Skriv hva som er endret siden forrige versjon.",
            "Utkastet er endret etter at du åpnet siden.",
            "Velg en av statistikkens kommende, bekreftede publiseringer.",
        ),
        (
            "en",
            "Say what has changed since the last version.",
            "The draft has changed since you opened the page.",
            "Choose one of the statistic's coming, confirmed releases.",
        ),
    ],
)
def test_the_documentation_pages_refuse_publishing_in_words_at_the_field(
    client: FlaskClient, app: Flask, lang: str, note: str, stale: str, release: str
) -> None:
    token = make_token(app, "ssb")
    saved = client.put(
        f"{DOCS}/draft", json={"concepts": {"S.3.4": {"nb": "Varer."}}}, headers=bearer(token)
    )
    assert saved.status_code == 200, saved.json
    login(client, SSB_EDITOR)
    form = _form(client.get(DOC_PAGES[lang]).text, DOC_PUBLISH[lang])
    before = _versions(app)
    no_note = client.post(DOC_PUBLISH[lang], data={**form, "change_note": " "})
    assert no_note.status_code == 400
    assert message_at_field(no_note.text, "change_note") == note
    _in_words(no_note, lang)
    old = client.post(
        DOC_PUBLISH[lang], data={**form, "change_note": "Endret.", "draft_version": "99"}
    )
    assert old.status_code == 409 and stale in _summary(old.text)
    _in_words(old, lang)
    unknown = client.post(
        DOC_PUBLISH[lang], data={**form, "change_note": "Endret.", "with_release": "999999"}
    )
    assert unknown.status_code == 400 and release in _summary(unknown.text)
    _in_words(unknown, lang)
    assert _versions(app) == before


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("nb", "Teksten kan ha høyst {max} tegn. Gjør den kortere."),
        ("en", "The text can have at most {max} characters. Make it shorter."),
    ],
)
def test_the_documentation_pages_refuse_a_text_too_long_at_its_box(
    client: FlaskClient, app: Flask, lang: str, says: str
) -> None:
    login(client, SSB_EDITOR)
    page = f"{DOC_PAGES[lang]}?seksjon=definisjoner"
    form = _form(client.get(page).text, DOC_PAGES[lang])
    refused = client.post(page, data={**form, "S.3.4__nb": "x" * (service.MAX_TEXT + 1)})
    assert refused.status_code == 400
    assert message_at_field(refused.text, "S.3.4__nb") == says.format(max=service.MAX_TEXT)
    _in_words(refused, lang)
    token = make_token(app, "ssb")
    assert client.get(f"{DOCS}/draft", headers=bearer(token)).json["draft_version"] == 0


def test_the_documentation_api_answers_english_unless_norwegian_is_asked_for(
    client: FlaskClient, app: Flask
) -> None:
    token = make_token(app, "ssb")
    saved = client.put(
        f"{DOCS}/draft", json={"concepts": {"S.3.4": {"nb": "Varer."}}}, headers=bearer(token)
    )
    assert saved.status_code == 200
    english = client.post(f"{DOCS}/publish", json={}, headers=bearer(token))
    assert english.status_code == 400
    assert problem(english)["detail"] == (
        "Say what has changed: a change note is required to publish a new version."
    )
    assert problem(english)["errors"] == [{"pointer": "/change_note", "detail": "required"}]
    norwegian = client.post(
        f"{DOCS}/publish", json={}, headers={**bearer(token), "Accept-Language": "nb"}
    )
    assert norwegian.status_code == 400
    assert problem(norwegian)["detail"].startswith("Skriv hva som er endret.")
    assert problem(norwegian)["errors"] == [{"pointer": "/change_note", "detail": "Må fylles ut."}]
    bad = client.put(
        f"{DOCS}/draft",
        json={"concepts": {"X.1": {"nb": "?"}, "S.3.4": {"nb": 1}}},
        headers={**bearer(token), "Accept-Language": "nb"},
    )
    assert bad.status_code == 400
    assert problem(bad)["detail"] == "2 begreper ble avvist; ingenting ble lagret."
    assert {e["detail"] for e in problem(bad)["errors"]} == {
        "Ikke en kode i SIMS 2.0.",
        "Tekstene må være tekststrenger, og not_relevant må være true eller false.",
    }
    assert _versions(app) == 0
