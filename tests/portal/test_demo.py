"""The demo data is the real programme: all producers and areas, real statistics, checked org numbers."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

from portal.programme.models import Frequency

DATA = resources.files("portal.programme").joinpath("data")


def _items(name: str) -> list[dict]:
    return json.loads(DATA.joinpath(name).read_text(encoding="utf-8"))["items"]


def _mod11_ok(number: str) -> bool:
    # Enhetsregisteret's check digit: weights 3 2 7 6 5 4 3 2 over the first eight digits.
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(number[:8], weights, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(number[8])


def test_sixteen_producers_with_valid_org_numbers_and_sources() -> None:
    producers = _items("producers.json")
    assert len(producers) == 16
    assert len({p["short"] for p in producers}) == 16
    for p in producers:
        assert p["website"].startswith("https://")
        if p["org_number"] is not None:
            assert len(p["org_number"]) == 9 and _mod11_ok(p["org_number"]), p["short"]
            assert p["org_number_source"], f"{p['short']} has an org number without a source"


def test_statistics_spread_like_the_programme() -> None:
    statistics = _items("statistics.json")
    producers = {p["short"] for p in _items("producers.json")}
    areas = {a["slug"] for a in _items("subject_areas.json")}
    assert len(areas) == 21
    assert len(statistics) >= 60
    assert len({s["slug"] for s in statistics}) == len(statistics)
    per_producer = Counter(s["producer"] for s in statistics)
    assert set(per_producer) == producers
    # Statistics Norway owns 294 of 355 (83 %); the demo keeps it the clear majority.
    assert per_producer["SSB"] / len(statistics) > 0.6
    used = Counter(a for s in statistics for a in s["subject_areas"])
    assert set(used) == areas
    assert all(s["frequency"] in {f.value for f in Frequency} for s in statistics)
    assert not any(
        "statistic " in s["name_en"].lower() and s["name_en"][-1].isdigit() for s in statistics
    )
