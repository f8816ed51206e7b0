"""The relevance set: realistic queries (nb and en, misspellings, compounds, producers' names, codes and
table numbers, "Om statistikken" wording, and synonyms and abbreviations from the synonym list) with the items a
user expects among the first three results on the demo data, through /api/v1/search. Recall at 3 is
the share of expected items found in the top three; the test prints it and fails below 0.95.

    pytest tests/portal/test_relevance.py -s      # prints recall@3 and every miss
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from metadata.codelists.demo import seed_code_lists
from metadata.sims.demo import seed_documentation
from portal.http.db import get_database
from portal.kernel.clock import FixedClock
from portal.search import documents
from portal.search.extension import get_index
from pxbridge.blueprint import get_store
from pxbridge.demo import seed_tables
from release_calendar.demo import seed_releases

#: (query, language of the page it is typed on, items expected in the first three)
RELEVANCE: list[tuple[str, str, set[str]]] = [
    # Norwegian: names, definite forms and stems
    ("konsumprisindeksen", "nb", {"statistic:kpi"}),
    ("befolkning", "nb", {"statistic:folkemengde"}),
    ("folkemengde", "nb", {"statistic:folkemengde"}),
    ("lønn", "nb", {"statistic:lonnansatt"}),
    ("uføretrygd", "nb", {"statistic:nav-uforetrygd"}),
    ("dødsårsaker", "nb", {"statistic:fhi-dodsarsaker"}),
    ("konkurser", "nb", {"statistic:konkurs"}),
    ("barnehage", "nb", {"statistic:barnehager"}),
    ("innvandrere", "nb", {"statistic:innvbef"}),
    ("flyktninger", "nb", {"statistic:imdi-bosetting-av-flyktninger"}),
    ("pensjon", "nb", {"statistic:nav-alderspensjon"}),
    ("nasjonalregnskap", "nb", {"statistic:knr"}),
    ("kommuneregnskap", "nb", {"statistic:kommregnko"}),
    ("været", "nb", {"statistic:met-vaeret-i-norge"}),
    ("bistand", "nb", {"statistic:norad-norsk-bistand"}),
    ("eksport laks", "nb", {"statistic:laks"}),
    # Norwegian compounds: a part finds the whole
    ("prisindeks", "nb", {"statistic:kpi"}),
    ("arbeidsledighet", "nb", {"statistic:aku"}),
    ("ledighet", "nb", {"statistic:nav-helt-ledige"}),
    ("vaksine", "nb", {"statistic:fhi-vaksinasjonsdekning"}),
    ("asyl", "nb", {"statistic:udi-asylsoknader", "statistic:udi-asylvedtak"}),
    ("klimagass", "nb", {"statistic:klimagassn", "statistic:mdir-klimagassutslipp-kommuner"}),
    ("magasin", "nb", {"statistic:nve-magasinstatistikk"}),
    ("plantevern", "nb", {"statistic:mattilsynet-omsetning-plantevernmidler"}),
    ("tettsted", "nb", {"statistic:beftett"}),
    ("boligpriser", "nb", {"statistic:bpi"}),
    # misspellings and letters typed without a Norwegian keyboard
    ("konsumprisindex", "nb", {"statistic:kpi"}),
    ("sykefravaer", "nb", {"statistic:sykefratot"}),
    ("arbeidskraftundersokelsen", "nb", {"statistic:aku"}),
    ("befolkningsframskrivinger", "nb", {"statistic:befframg"}),
    ("unemploymnet", "en", {"statistic:nav-helt-ledige"}),
    # producers by name and short name
    ("Fiskeridirektoratet", "nb", {"producer:fiskeridir"}),
    ("Statistisk sentralbyrå", "nb", {"producer:ssb"}),
    ("NVE", "nb", {"producer:nve"}),
    ("Nav", "nb", {"producer:nav"}),
    ("Statistics Norway", "en", {"producer:ssb"}),
    # codes, code names, code lists and table numbers
    ("0301", "nb", {"codelist:131"}),
    ("Halden", "nb", {"codelist:131"}),
    ("fylke", "nb", {"codelist:104"}),
    ("05333", "nb", {"table:05333"}),
    ("legemeldt sykefravær", "nb", {"table:12909"}),
    # "Om statistikken"
    ("metode konsumprisindeks", "nb", {"about:kpi:2"}),
    # English
    ("consumer price index", "en", {"statistic:kpi"}),
    ("unemployment", "en", {"statistic:nav-helt-ledige"}),
    ("labour force survey", "en", {"statistic:aku"}),
    ("house prices", "en", {"statistic:bpi"}),
    ("sickness absence", "en", {"statistic:sykefratot"}),
    ("causes of death", "en", {"statistic:fhi-dodsarsaker"}),
    ("election", "en", {"statistic:stortingsvalg", "statistic:kommvalg"}),
    ("salmon exports", "en", {"statistic:laks"}),
    ("aquaculture", "en", {"statistic:fiskeridir-akvakultur"}),
    ("household income", "en", {"statistic:ifhus"}),
    ("electricity prices", "en", {"statistic:elkraftpris"}),
    ("population", "en", {"statistic:folkemengde"}),
    ("weather", "en", {"statistic:met-vaeret-i-norge"}),
    ("greenhouse gas", "en", {"statistic:mdir-klimagassutslipp-kommuner"}),
    ("kindergartens", "en", {"statistic:barnehager"}),
    # synonyms and abbreviations, by the synonym list (portal/search/data/synonyms.csv, issue 18)
    ("fiskeoppdrett", "nb", {"statistic:fiskeridir-akvakultur"}),
    ("GDP", "en", {"statistic:knr"}),
    ("folketall", "nb", {"statistic:folkemengde"}),
    ("KPI", "nb", {"statistic:kpi"}),
    ("AKU", "nb", {"statistic:aku"}),
    ("BNP", "nb", {"statistic:knr"}),
    ("SSB", "nb", {"producer:ssb"}),
    ("inflasjon", "nb", {"statistic:kpi"}),
    ("strømpriser", "nb", {"statistic:elkraftpris"}),
    ("sykehjem", "nb", {"statistic:pleie"}),
    ("AAP", "nb", {"statistic:nav-arbeidsavklaringspenger"}),
    ("inflation", "en", {"statistic:kpi"}),
    ("fish farming", "en", {"statistic:fiskeridir-akvakultur"}),
    # a statistic's releases under it: the statistic first (issue 18)
    ("konsumprisindeks", "nb", {"statistic:kpi"}),
]


@pytest.fixture
def demo(app: Flask, clock: FixedClock) -> Iterator[None]:
    # Seeded outside an app context, so the commit does not index what the rebuild indexes again.
    with get_database(app).sessions() as s:
        seed_releases(s, clock.now())
        seed_documentation(s, clock.now())
        seed_code_lists(s, clock.now())
        seed_tables(s, get_store(app), clock.now())
        s.commit()
    with app.app_context(), get_database(app).sessions() as s:
        get_index(app).rebuild(documents.all_docs(s))
    yield


def test_the_relevance_set_has_forty_realistic_queries_in_both_languages() -> None:
    assert len(RELEVANCE) >= 40
    assert {lang for _, lang, _ in RELEVANCE} == {"nb", "en"}
    assert len({q for q, _, _ in RELEVANCE}) == len(RELEVANCE)


def test_recall_at_3(client: FlaskClient, demo: None) -> None:
    expected = found = 0
    misses = []
    for text, lang, wanted in RELEVANCE:
        answer = client.get("/api/v1/search", query_string={"q": text, "lang": lang})
        assert answer.status_code == 200, answer.text
        top = [h["id"] for h in answer.json["hits"][:3]]
        expected += len(wanted)
        found += len(wanted & set(top))
        if not wanted <= set(top):
            misses.append(f"{text!r} ({lang}): wanted {sorted(wanted - set(top))}, top 3 {top}")
    recall = found / expected
    print(f"\nrecall@3 = {recall:.3f} ({found} of {expected} over {len(RELEVANCE)} queries)")
    for miss in misses:
        print("  miss:", miss)
    assert recall >= 0.95, "\n".join(misses)
