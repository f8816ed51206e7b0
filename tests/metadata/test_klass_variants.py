"""Variants and the county change table of the demo's real lists, read by the real `ssb-klass-python`
client on a live server: variant by name across versions, variant from a version, variant by id, and the
2024 county reform as Klass's /changes."""

from __future__ import annotations

from collections.abc import Iterator

import klass
import pytest
from flask import Flask
from flask.testing import FlaskClient

from metadata.codelists.demo import GROUPING_IDS, VERSION_IDS, seed_code_lists
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from tests.metadata.klass_fixtures import klass_server

API = "/api/klass/v1"
NAME = "Kommuner gruppert etter fylke"


@pytest.fixture
def demo_lists(app: Flask, clock: FixedClock) -> None:
    with get_database(app).sessions() as s:
        seed_code_lists(s, clock.now())
        s.commit()


@pytest.fixture
def live(app: Flask, demo_lists: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with klass_server(app, monkeypatch) as base:
        yield base


def test_real_client_reads_variants_by_name_version_and_id(live: str) -> None:
    municipalities = klass.KlassClassification(131)
    at = municipalities.get_variant_by_name(NAME, "2024-06-01").data
    assert len(at) == 15 + 357
    counties = at[at["level"] == "1"]
    assert sorted(counties["code"]) == sorted(
        ["03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46", "50", "55", "56"]
    )
    halden = at[at["code"] == "3101"].iloc[0]
    assert (halden["parentCode"], halden["level"], halden["name"]) == ("31", "2", "Halden")
    # Across the reform the name picks the variant of each version, each with its own validity.
    across = municipalities.get_variant_by_name(NAME, "2023-06-01", "2024-06-01").data
    assert {"30", "31", "3001", "3101"} <= set(across["code"])
    viken = across[across["code"] == "30"].iloc[0]
    assert (viken["validFromInRequestedRange"], viken["validToInRequestedRange"]) == (
        "2023-06-01",
        "2024-01-01",
    )
    only_counties = klass.variant_at(131, NAME, "2024-06-01", select_level=1)
    assert len(only_counties) == 15
    version = klass.KlassVersion(VERSION_IDS[131][-1])
    assert version.variants_simple() == {
        str(GROUPING_IDS[-1]): f"{NAME} 2024  - variant av Kommuneinndeling 2024"
    }
    variant = version.get_variant(search_term="fylke")
    assert variant.name.startswith(NAME) and variant.validFrom == "2024-01-01"
    assert set(variant.data[variant.data["level"] == "2"]["code"]) >= {"0301", "1580", "5501"}
    latest = municipalities.get_latest_variant_by_name("fylke")
    assert int(latest.variant_id) == GROUPING_IDS[-1]


def test_real_client_reads_the_county_reform_as_changes(live: str) -> None:
    changes = klass.KlassClassification(104).get_changes("2023-01-01", "2025-01-01")
    assert set(zip(changes["oldCode"], changes["newCode"], strict=True)) == {
        ("18", "18"),
        ("30", "31"),
        ("30", "32"),
        ("30", "33"),
        ("38", "39"),
        ("38", "40"),
        ("54", "55"),
        ("54", "56"),
    }
    nordland = changes[changes["oldCode"] == "18"].iloc[0]
    assert (nordland["oldName"], nordland["newName"]) == ("Nordland", "Nordland - Nordlánnda")


def test_variant_errors_and_csv(client: FlaskClient, demo_lists: None) -> None:
    base = f"{API}/classifications/131"
    assert client.get(f"{base}/variantAt?date=2024-06-01").status_code == 400
    missing = client.get(f"{base}/variantAt?date=2024-06-01&variantName=Finnes ikke")
    assert missing.status_code == 404
    assert "does not have a variant named: 'Finnes ikke'" in missing.json["detail"]
    # Exact names only, as Klass: a prefix is not a name.
    assert client.get(f"{base}/variantAt?date=2024-06-01&variantName=Kommuner").status_code == 404
    before = client.get(f"{base}/variantAt?date=1999-06-01&variantName={NAME}")
    assert before.status_code == 404
    csv = client.get(f"{base}/variantAt.csv?date=2024-06-01&variantName={NAME}&level=1")
    assert csv.status_code == 200 and csv.content_type == "text/csv;charset=ISO-8859-1"
    lines = csv.get_data().decode("iso-8859-1").splitlines()
    assert lines[0].startswith('"code","parentCode","level","name"')
    assert len(lines) == 16
    assert any(line.startswith('"55",,"1","Troms - Romsa - Tromssa"') for line in lines)
    assert client.get(f"{API}/variants/999999").status_code == 404
    assert client.get(f"{API}/variants/abc").status_code == 400
    by_id = client.get(f"{API}/variants/{GROUPING_IDS[2]}?language=en").json  # 2020
    assert (
        by_id["name"] == "Municipalities grouped by county 2020  - variant of Municipalities 2020"
    )
    assert by_id["validTo"] == "2024-01-01" and by_id["levels"][0]["levelName"] == "County"
