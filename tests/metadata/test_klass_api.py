"""The Klass-compatible API through the real `ssb-klass-python` client from PyPI, on a live server, and
its edge cases through plain HTTP: dates, selectCodes, levels, CSV and encodings, problem responses."""

from __future__ import annotations

from collections.abc import Iterator

import klass
import klass.config
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from tests.metadata.klass_fixtures import COUNTIES, MUNICIPALITIES, klass_server, load_test_lists

API = "/api/klass/v1"


@pytest.fixture
def lists(app: Flask, clock: FixedClock) -> None:
    with get_database(app).sessions() as s:
        load_test_lists(s, clock.now())
        s.commit()


@pytest.fixture
def live(app: Flask, lists: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with klass_server(app, monkeypatch) as base:
        yield base


def test_real_client_reads_classification_versions_and_codes(live: str) -> None:
    municipalities = klass.KlassClassification(MUNICIPALITIES)
    assert municipalities.name == "Standard for testkommuneinndeling"
    assert municipalities.owningSection.startswith("SSB - ")
    assert sorted(v["version_id"] for v in municipalities.versions) == [200011, 200012]
    at_2023 = municipalities.get_codes("2023-06-01").data
    assert list(at_2023["code"]) == ["0301", "3001", "3002", "3004"]
    assert list(at_2023["level"]) == ["1", "1", "1", "1"]
    across = municipalities.get_codes("2023-01-01", "2025-01-01").data
    halden = across[across["name"] == "Halden"]
    assert list(halden["code"]) == ["3001", "3101"]
    oslo = across[across["code"] == "0301"]
    assert len(oslo) == 1 and oslo.iloc[0]["validFromInRequestedRange"] == "2023-01-01"
    version = municipalities.get_version()
    assert version.name == "Testkommuneinndeling 2024"
    assert set(version.data["code"]) == {"0301", "3101", "3103", "3107"}
    selected = klass.codes(MUNICIPALITIES, "2024-01-01", select_codes="31*,0301")
    assert list(selected["code"]) == ["0301", "3101", "3103", "3107"]
    ranged = klass.codes_at(MUNICIPALITIES, "2024-02-01", select_codes="3101-3103")
    assert list(ranged["code"]) == ["3101", "3103"]
    english = klass.codes_at(MUNICIPALITIES, "2024-02-01", language="en", select_codes="0301")
    assert list(english["name"]) == ["Oslo"]


def test_real_client_reads_changes_correspondences_search_and_families(live: str) -> None:
    municipalities = klass.KlassClassification(MUNICIPALITIES)
    changed = municipalities.get_changes("2023-01-01", "2025-01-01")
    assert set(zip(changed["oldCode"], changed["newCode"], strict=True)) == {
        ("3001", "3101"),
        ("3002", "3103"),
        ("3004", "3107"),
    }
    assert set(changed["changeOccurred"]) == {"2024-01-01"}
    to_counties = municipalities.get_correspondence_to(COUNTIES, "2024-01-01", "2024-02-01")
    assert to_counties.to_dict()["3103"] == "31"
    table = klass.KlassCorrespondence(correspondence_id=300012)
    assert table.changeTable is False and len(table.correspondence) == 4
    assert table.to_dict()["3107"] == "31"
    backwards = klass.corresponds_at(COUNTIES, MUNICIPALITIES, "2022-06-01")
    assert len(backwards["correspondenceItems"]) == 4  # found in the other direction and inverted
    found = klass.KlassSearchClassifications("testkommune", no_dupes=True)
    assert MUNICIPALITIES in [r["id"] for r in found.classifications]
    by_section = klass.KlassSearchClassifications("test", ssbsection="SSB", no_dupes=True)
    assert {MUNICIPALITIES, COUNTIES} <= {r["id"] for r in by_section.classifications}
    families = klass.KlassSearchFamilies()
    family = families.get_family(3)
    assert {c["name"] for c in family.classifications} >= {
        "Testfylker",
        "Standard for testkommuneinndeling",
    }
    assert any(name.startswith("SSB - ") for name in klass.sections_list())


def test_dates_levels_and_errors(client: FlaskClient, lists: None) -> None:
    base = f"{API}/classifications/{MUNICIPALITIES}"
    assert client.get(f"{base}/codes?from=2024-01-01&to=2024-01-01").status_code == 400
    assert client.get(f"{base}/codes").status_code == 400
    assert client.get(f"{base}/codes?from=2024-13-01").status_code == 400
    assert client.get(f"{API}/classifications/bogus").status_code == 400
    missing = client.get(f"{API}/classifications/99999", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.json["detail"] == "Classification not found with id = 99999"
    assert client.get(f"{base}/codesAt?date=2024-01-01&language=de").status_code == 400
    assert client.get(f"{base}/codesAt.xml?date=2024-01-01").status_code == 404
    assert client.get(f"{base}/codesAt?date=2024-01-01&selectCodes=" + "1," * 25).status_code == 400
    assert client.get(f"{base}/codesAt?date=2024-01-01&selectCodes=a;b").status_code == 400
    levels = client.get(f"{base}/codesAt?date=2024-01-01&selectLevel=1").json["codes"]
    assert (
        len(levels) == 4
        and client.get(f"{base}/codesAt?date=2024-01-01&level=2").json["codes"] == []
    )
    before = client.get(f"{base}/codes?from=2010-01-01&to=2011-01-01").json
    assert before == {"codes": []}
    pattern = client.get(
        f"{base}/codesAt?date=2024-01-01&selectCodes=0301"
        "&presentationNamePattern=%7Bcode%7D%20-%20%7Buppercase(name)%7D"
    ).json
    assert pattern["codes"][0]["presentationName"] == "0301 - OSLO"
    assert client.get(f"{API}//ssbsections").status_code in (200, 308)
    assert (
        client.get(f"{base}/corresponds?targetClassificationId=100&from=2024-01-01").status_code
        == 404
    )


def test_csv_output_and_encoding(client: FlaskClient, lists: None) -> None:
    base = f"{API}/classifications/{COUNTIES}"
    latin = client.get(f"{base}/codesAt.csv?date=2024-01-01")
    assert latin.headers["Content-Type"] == "text/csv;charset=ISO-8859-1"
    text = latin.get_data().decode("iso-8859-1")
    assert text.splitlines()[0] == (
        '"code","parentCode","level","name","shortName","presentationName",'
        '"validFrom","validTo","notes"'
    )
    assert '"31",,"1","Østfold","","",,,""' in text
    utf8 = client.get(
        f"{base}/codesAt?date=2024-01-01", headers={"Accept": "text/csv; charset=UTF-8"}
    )
    assert utf8.headers["Content-Type"] == "text/csv;charset=UTF-8" and "Østfold" in utf8.get_data(
        as_text=True
    )
    chosen = client.get(f"{base}/codesAt.csv?date=2024-01-01&csvFields=name,code&csvSeparator=;")
    assert chosen.get_data().decode("iso-8859-1").splitlines()[:2] == [
        '"name";"code"',
        '"Oslo";"03"',
    ]
    assert client.get(f"{base}/codesAt.csv?date=2024-01-01&csvSeparator=;;").status_code == 400
    bad = client.get(f"{base}/codesAt.csv?date=2024-01-01&csvFields=colour")
    assert bad.status_code == 400 and bad.mimetype == "text/plain"
    json_default = client.get(f"{base}/codesAt?date=2024-01-01", headers={"Accept": "*/*"})
    assert json_default.mimetype == "application/json"


def test_cached_answers_follow_the_registry(
    client: FlaskClient, app: Flask, lists: None, clock
) -> None:
    from datetime import date

    from metadata.codelists.importing import ClassificationIn, ItemIn, VersionIn, load

    first = client.get(f"{API}/classifications?includeCodelists=true").json
    ids = {c["id"] for c in first["_embedded"]["classifications"]}
    assert ids == {COUNTIES, MUNICIPALITIES}
    with get_database(app).sessions() as s:
        load(
            s,
            ClassificationIn(
                id=100200,
                family=(3, "Befolkning", "Population"),
                producer_id=first_producer(s),
                kind="CODELIST",
                name_nb="Testliste",
                name_en="Test list",
                description_nb="",
                description_en="",
                versions=[VersionIn(200201, date(2024, 1, 1), None, [ItemIn("A", "A")])],
            ),
            clock.now(),
        )
        s.commit()
    again = client.get(f"{API}/classifications?includeCodelists=true").json
    assert 100200 in {c["id"] for c in again["_embedded"]["classifications"]}
    only_classifications = client.get(f"{API}/classifications").json
    assert 100200 not in {c["id"] for c in only_classifications["_embedded"]["classifications"]}


def first_producer(session) -> int:
    from sqlalchemy import select

    from portal.programme.models import Producer

    return session.scalar(select(Producer.id).where(Producer.slug == "nve"))


def test_bad_imports_are_refused_whole_with_every_error_by_line(app: Flask, clock) -> None:
    from datetime import date

    from metadata.codelists.importing import ClassificationIn, ItemIn, VersionIn, load
    from portal.kernel.errors import BadRequest

    items = [
        ItemIn("01", "A"),
        ItemIn("01", "B"),
        ItemIn("02", "C", parent_code="99", level=2),
        ItemIn("03", "D", parent_code="01", level=3),
        ItemIn("04", "E", level=2),
    ]
    with get_database(app).sessions() as s:
        with pytest.raises(BadRequest) as refused:
            load(
                s,
                ClassificationIn(
                    id=100300,
                    family=(3, "Befolkning", "Population"),
                    producer_id=first_producer(s),
                    kind="CODELIST",
                    name_nb="Feil",
                    name_en="Bad",
                    description_nb="",
                    description_en="",
                    versions=[
                        VersionIn(200301, date(2024, 1, 1), date(2025, 1, 1), items),
                        VersionIn(200302, date(2024, 6, 1), None, [ItemIn("01", "A")]),
                    ],
                ),
                clock.now(),
            )
        pointers = [e.pointer for e in refused.value.errors]
        assert pointers == [
            "version 200302",
            "version 200301 line 3",
            "version 200301 line 4",
            "version 200301 line 5",
            "version 200301 line 6",
        ]
        from metadata.codelists.models import Classification

        assert s.get(Classification, 100300) is None
