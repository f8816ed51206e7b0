"""The demo's real counties and municipalities through the Klass API: Klass ids kept, their versions from
2018 (before the 2020 reform) to 2024, the 2020 and 2024 changes and the municipality-to-county
correspondence."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from metadata.codelists.demo import TABLE_IDS, seed_code_lists
from portal.http.db import get_database
from portal.kernel.clock import FixedClock

API = "/api/klass/v1/classifications"


def test_real_lists_under_their_klass_ids(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        assert seed_code_lists(s, clock.now()) == 3
        s.commit()
        assert seed_code_lists(s, clock.now()) == 0
    before = client.get(f"{API}/131/codesAt?date=2023-06-01").json["codes"]
    after = client.get(f"{API}/131/codesAt?date=2024-06-01").json["codes"]
    assert (len(before), len(after)) == (356, 357)
    assert {"3001", "5401"} <= {c["code"] for c in before}
    assert {"3101", "5501", "1580"} <= {c["code"] for c in after}
    counties = client.get(f"{API}/104/codesAt?date=2024-06-01").json["codes"]
    assert len(counties) == 15 and {"31", "32", "33", "39", "40", "55", "56"} <= {
        c["code"] for c in counties
    }
    changes = client.get(f"{API}/131/changes?from=2023-01-01&to=2025-01-01").json["codeChanges"]
    assert len(changes) == 118 and all(c["changeOccurred"] == "2024-01-01" for c in changes)
    assert {"oldCode": "1507", "newCode": "1580"}.items() <= next(
        c for c in changes if c["newCode"] == "1580"
    ).items()
    mapped = client.get(f"{API}/131/correspondsAt?targetClassificationId=104&date=2024-06-01").json
    assert len(mapped["correspondenceItems"]) == 357
    assert (
        next(r for r in mapped["correspondenceItems"] if r["sourceCode"] == "0301")["targetCode"]
        == "03"
    )
    found = client.get(f"{API}/search?query=kommune").json["_embedded"]["searchResults"]
    assert 131 in {r["id"] for r in found}
    version_names = [v["name"] for v in client.get(f"{API}/131").json["versions"]]
    assert version_names == [
        "Kommuneinndeling 2024",
        "Kommuneinndeling 2020",
        "Kommuneinndeling 2019",
        "Kommuneinndeling 2018",
    ]


def test_registry_pages_in_both_languages(
    app: Flask, client: FlaskClient, clock: FixedClock
) -> None:
    with get_database(app).sessions() as s:
        seed_code_lists(s, clock.now())
        s.commit()
    listing = client.get("/klassifikasjoner").get_data(as_text=True)
    assert "Standard for kommuneinndeling" in listing and "Standard for fylkesinndeling" in listing
    english = client.get("/en/classifications?q=municipal").get_data(as_text=True)
    assert (
        "Classification of municipalities" in english
        and "Classification of counties" not in english
    )
    before = client.get("/klassifikasjoner/131?dato=2023-06-01").get_data(as_text=True)
    assert "<code>3001</code> Halden" in before and "Koder gyldige 2023-06-01 (356)" in before
    after = client.get("/en/classifications/131?date=2024-06-01").get_data(as_text=True)
    assert "<code>3101</code> Halden" in after and "Codes valid on 2024-06-01 (357)" in after
    changes = client.get("/klassifikasjoner/131/endringer").get_data(as_text=True)
    assert "1580" in changes and "Haram" in changes
    assert client.get("/klassifikasjoner/131?dato=2024-13-01").status_code == 400
    assert client.get("/klassifikasjoner/99999").status_code == 404


def test_statistics_and_code_lists_point_to_each_other(
    app: Flask, client: FlaskClient, clock
) -> None:
    with get_database(app).sessions() as s:
        seed_code_lists(s, clock.now())
        s.commit()
    statistic = client.get("/statistikk/folkemengde").get_data(as_text=True)
    assert "/klassifikasjoner/131" in statistic and "/klassifikasjoner/104" in statistic
    registry = client.get("/klassifikasjoner/104").get_data(as_text=True)
    assert "/statistikk/fiskeridir-akvakultur" in registry and "/statistikk/folkemengde" in registry
    assert (
        "/klassifikasjoner/"
        not in client.get("/statistikk/kpi").get_data(as_text=True).split("<main")[1]
    )


def test_a_code_list_owned_outside_statistics_norway(
    app: Flask, client: FlaskClient, clock
) -> None:
    with get_database(app).sessions() as s:
        seed_code_lists(s, clock.now())
        s.commit()
    gear = client.get(f"{API}/100001").json
    assert (
        gear["owningSection"].startswith("Fiskeridir - ")
        and gear["classificationType"] == "Kodeliste"
    )
    codes = client.get(f"{API}/100001/codesAt?date=2024-06-01").json["codes"]
    assert len(codes) == 39 and codes[0] == {**codes[0], "code": "10", "name": "Udefinert not"}
    listed = {
        c["id"]
        for c in client.get(f"{API}?includeCodelists=true").json["_embedded"]["classifications"]
    }
    assert {104, 131, 100001} <= listed
    assert 100001 not in {c["id"] for c in client.get(API).json["_embedded"]["classifications"]}
    assert "/klassifikasjoner/100001" in client.get(
        "/statistikk/fiskeridir-landings-og-sluttseddeldata"
    ).get_data(as_text=True)


def test_history_before_the_2020_reform(app: Flask, client: FlaskClient, clock: FixedClock) -> None:
    with get_database(app).sessions() as s:
        seed_code_lists(s, clock.now())
        s.commit()
    before = client.get(f"{API}/131/codesAt?date=2019-06-01").json["codes"]
    halden = next(c for c in before if c["code"] == "0101")
    assert halden["name"] == "Halden" and len(before) == 422
    assert "3001" not in {c["code"] for c in before}
    # Rindal moved county on 2019-01-01: 1567 in 2018, 5061 in 2019.
    in_2018 = {c["code"] for c in client.get(f"{API}/131/codesAt?date=2018-06-01").json["codes"]}
    assert "1567" in in_2018 and "5061" not in in_2018
    assert "5061" in {c["code"] for c in before}
    # A real note of the 2019 version travels with its code.
    nordreisa = next(c for c in before if c["code"] == "1942")
    assert nordreisa["notes"].startswith("Trespråklig navn Nordreisa - Ráisa - Raisi")
    counties = {
        c["code"]: c["name"] for c in client.get(f"{API}/104/codesAt?date=2019-06-01").json["codes"]
    }
    assert len(counties) == 18 and counties["01"] == "Østfold" and counties["50"] == "Trøndelag"
    # The 2020 reform: 0101 Halden became 3001, Østfold (01) went into Viken (30).
    changes = client.get(f"{API}/131/changes?from=2019-06-01&to=2020-06-01").json["codeChanges"]
    assert len(changes) == 317 and all(c["changeOccurred"] == "2020-01-01" for c in changes)
    assert ("0101", "3001") in {(c["oldCode"], c["newCode"]) for c in changes}
    table = client.get(
        f"/api/klass/v1/correspondencetables/{TABLE_IDS['municipalities_2019_2020']}"
    ).json
    assert {"sourceCode": "0101", "targetCode": "3001"}.items() <= next(
        m for m in table["correspondenceMaps"] if m["sourceCode"] == "0101"
    ).items()
    county_changes = client.get(f"{API}/104/changes?from=2019-06-01&to=2020-06-01").json
    assert ("01", "30") in {(c["oldCode"], c["newCode"]) for c in county_changes["codeChanges"]}
    mapped = client.get(f"{API}/131/correspondsAt?targetClassificationId=104&date=2019-06-01").json
    assert ("0101", "01") in {
        (r["sourceCode"], r["targetCode"]) for r in mapped["correspondenceItems"]
    }
