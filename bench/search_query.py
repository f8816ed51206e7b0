"""The search index (whoosh) on a corpus of 100,000 documents, against SQLite FTS5 on the same corpus in the
same run. Goals: query p95 < 50 ms; a document added through the incremental path searchable < 1 s.

1. Corpus: N ``SearchDoc`` objects (fixed seed) with Norwegian and English titles and texts drawn from
   statistical vocabulary, every kind (statistic, release, note, table, codelist, producer, subject),
   producer and subject slugs, some not yet public (``visible_from`` later than now).
2. Full index: ``SearchIndex.rebuild`` (what ``portal search reindex`` runs) into a temporary folder,
   against inserting the same fields into an FTS5 table (``unicode61 remove_diacritics 2``) in a
   temporary SQLite file, then ``optimize`` (whoosh's rebuild commits with ``optimize=True``).
3. Query latency: a fixed list of queries (single words, parts of Norwegian compounds, misspellings, two
   and three words, three-word OR queries that hit whoosh issue 446) through ``SearchIndex.search`` as
   ``/api/v1/search`` calls it (page 1 of 20, facets, highlights, "did you mean"), against FTS5: MATCH
   with bm25 ranking and ``snippet()`` for the top 20, plus one GROUP BY kind, producer for the facets.
   Each query runs ``--repeats`` times after one warm-up pass, the two engines interleaved.
   The three-word OR queries run once more with the time limit exhausted (1 µs), against the same
   queries uncapped: a capped query must stop at once and say so.
4. Update to searchable: ``SearchIndex.update`` (what the app's after-commit hook calls) with one new
   document, then ``SearchIndex.search`` until it finds it.

Run: ``python bench/search_query.py`` (100,000 documents, several minutes; ``--docs 2000`` for a quick
check, which writes no results file unless ``--out`` is given). Prints the figures and writes
``bench/results/search_query.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import whoosh  # noqa: E402

from portal.kernel.access import NEVER  # noqa: E402
from portal.kernel.config import DEFAULTS  # noqa: E402
from portal.search.documents import SearchDoc  # noqa: E402
from portal.search.index import BOOSTS, Results, SearchIndex, SearchQuery  # noqa: E402

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
SEED = 20261123
DOCS = 100_000
REPEATS = 5
UPDATES = 20
GOAL_P95_MS = 50.0
GOAL_SEARCHABLE_S = 1.0
CAPPED_LIMIT_S = 0.000001  # a limit every query exceeds: what a capped query costs
PER_PAGE = 20  # SearchQuery's default, as /api/v1/search asks

# --------------------------------------------------------------------------------------------
# The corpus

PRODUCERS = {
    "ssb": ("Statistisk sentralbyrå", "Statistics Norway", "SSB"),
    "nav": ("Arbeids- og velferdsetaten", "Norwegian Labour and Welfare Administration", "NAV"),
    "fhi": ("Folkehelseinstituttet", "Norwegian Institute of Public Health", "FHI"),
    "nve": ("Norges vassdrags- og energidirektorat", "Norwegian Water Resources and Energy", "NVE"),
    "hdir": ("Helsedirektoratet", "Norwegian Directorate of Health", "Hdir"),
    "udir": ("Utdanningsdirektoratet", "Norwegian Directorate for Education", "Udir"),
    "miljodir": ("Miljødirektoratet", "Norwegian Environment Agency", "Miljødir"),
    "fiskeridir": ("Fiskeridirektoratet", "Directorate of Fisheries", "Fdir"),
    "kartverket": ("Kartverket", "Norwegian Mapping Authority", "Kartverket"),
    "norges-bank": ("Norges Bank", "Norges Bank", "NB"),
    "toll": ("Tolletaten", "Norwegian Customs", "Toll"),
    "skatteetaten": ("Skatteetaten", "Norwegian Tax Administration", "Skatt"),
}

SUBJECTS = {
    "befolkning": ("Befolkning", "Population"),
    "arbeid-og-lonn": ("Arbeid og lønn", "Labour market and earnings"),
    "priser-og-prisindekser": ("Priser og prisindekser", "Prices and price indices"),
    "bygg-bolig-og-eiendom": ("Bygg, bolig og eiendom", "Construction, housing and property"),
    "utenriksokonomi": ("Utenriksøkonomi", "External economy"),
    "nasjonalregnskap-og-konjunkturer": (
        "Nasjonalregnskap og konjunkturer",
        "National accounts and business cycles",
    ),
    "helse": ("Helse", "Health"),
    "sosiale-forhold": ("Sosiale forhold og kriminalitet", "Social conditions and crime"),
    "utdanning": ("Utdanning", "Education"),
    "energi-og-industri": ("Energi og industri", "Energy and manufacturing"),
    "natur-og-miljo": ("Natur og miljø", "Nature and the environment"),
    "jord-skog-jakt-og-fiskeri": (
        "Jord, skog, jakt og fiskeri",
        "Agriculture, forestry, hunting and fishing",
    ),
    "inntekt-og-forbruk": ("Inntekt og forbruk", "Income and consumption"),
    "offentlig-sektor": ("Offentlig sektor", "Public sector"),
    "transport-og-reiseliv": ("Transport og reiseliv", "Transport and tourism"),
}

# (title nb, title en, producers, subjects, topic words nb, topic words en)
TOPICS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], str, str]] = [
    ("Konsumprisindeksen", "Consumer price index", ("ssb",), ("priser-og-prisindekser",),
     "konsumpriser prisvekst matvarer husleie strøm drivstoff inflasjon",
     "consumer prices inflation food rent electricity fuel"),
    ("Arbeidsledighet", "Unemployment", ("nav", "ssb"), ("arbeid-og-lonn",),
     "arbeidsledige helt ledige arbeidssøkere permitterte ledighetsrate",
     "unemployed jobseekers laid off unemployment rate"),
    ("Folkemengde", "Population", ("ssb",), ("befolkning",),
     "folketall innbyggere fødte døde innflytting utflytting kommune",
     "population inhabitants births deaths migration municipality"),
    ("Befolkningsframskrivinger", "Population projections", ("ssb",), ("befolkning",),
     "befolkning framskriving fruktbarhet levealder innvandring",
     "population projection fertility life expectancy immigration"),
    ("Boligpriser", "House prices", ("ssb", "kartverket"), ("bygg-bolig-og-eiendom",),
     "boligprisindeks selveierboliger eneboliger leiligheter omsetning",
     "house price index owner-occupied dwellings detached houses flats sales"),
    ("Sysselsetting", "Employment", ("ssb",), ("arbeid-og-lonn",),
     "sysselsatte arbeidsstyrke lønnstakere heltid deltid næring",
     "employed persons labour force employees full-time part-time industry"),
    ("Lønn", "Earnings", ("ssb",), ("arbeid-og-lonn",),
     "lønn månedslønn lønnsvekst avtalt lønn næring yrke kjønn",
     "earnings monthly earnings wage growth agreed wages industry occupation sex"),
    ("Utenrikshandel med varer", "External trade in goods", ("ssb", "toll"), ("utenriksokonomi",),
     "eksport import handelsbalanse varer land råolje naturgass fisk",
     "exports imports trade balance goods countries crude oil natural gas fish"),
    ("Strømpriser", "Electricity prices", ("ssb", "nve"), ("energi-og-industri",),
     "strømpris nettleie elektrisitet husholdninger kraftpris",
     "electricity price grid rent households power price"),
    ("Vannkraftproduksjon", "Hydropower production", ("nve",), ("energi-og-industri",),
     "kraftproduksjon vannkraft magasinfylling nedbør energi",
     "power production hydropower reservoir filling precipitation energy"),
    ("Sykefravær", "Sickness absence", ("nav", "ssb"), ("arbeid-og-lonn", "helse"),
     "sykefraværsprosent legemeldt egenmeldt sykmeldte næring",
     "sickness absence rate doctor-certified self-certified industry"),
    ("Dødsårsaker", "Causes of death", ("fhi",), ("helse",),
     "dødsfall dødsårsaksregisteret kreft hjerte- og karsykdommer",
     "deaths cause of death registry cancer cardiovascular diseases"),
    ("Vaksinasjonsdekning", "Vaccination coverage", ("fhi",), ("helse",),
     "vaksinasjon barnevaksinasjonsprogrammet dekning influensa",
     "vaccination childhood immunisation programme coverage influenza"),
    ("Nasjonalregnskap", "National accounts", ("ssb",), ("nasjonalregnskap-og-konjunkturer",),
     "bruttonasjonalprodukt BNP Fastlands-Norge konsum investeringer",
     "gross domestic product GDP mainland Norway consumption investments"),
    ("Inntekts- og formuesstatistikk for husholdninger", "Income and wealth statistics for households",
     ("ssb", "skatteetaten"), ("inntekt-og-forbruk",),
     "inntekt etter skatt husholdninger formue gjeld lavinntekt",
     "income after tax households wealth debt low income"),
    ("Kommunale finanser", "Municipal finances", ("ssb",), ("offentlig-sektor",),
     "kommuneregnskap driftsinntekter netto driftsresultat fylkeskommuner",
     "municipal accounts operating revenue net operating result county authorities"),
    ("Grunnskolepoeng", "Lower secondary school points", ("udir", "ssb"), ("utdanning",),
     "grunnskole elever karakterer eksamen videregående opplæring",
     "primary school pupils grades examination upper secondary education"),
    ("Fiskeeksport", "Fish exports", ("fiskeridir", "ssb"), ("jord-skog-jakt-og-fiskeri",),
     "eksport laks torsk sild oppdrettslaks akvakultur fangst",
     "exports salmon cod herring farmed salmon aquaculture catch"),
    ("Eiendomsomsetning", "Real estate transactions", ("kartverket", "ssb"),
     ("bygg-bolig-og-eiendom",),
     "omsetning fast eiendom tinglysing boliger fritidsboliger",
     "real estate sales registration dwellings holiday homes"),
    ("Anmeldte lovbrudd", "Offences reported to the police", ("ssb",), ("sosiale-forhold",),
     "kriminalitet lovbrudd anmeldelser vold tyveri narkotika",
     "crime offences reports violence theft drugs"),
    ("Overnattinger", "Accommodation statistics", ("ssb",), ("transport-og-reiseliv",),
     "reiseliv hotell overnattinger gjestedøgn campingplasser",
     "tourism hotels overnight stays guest nights camping sites"),
    ("Byggeareal", "Building statistics", ("ssb",), ("bygg-bolig-og-eiendom",),
     "igangsatte boliger bruksareal byggetillatelser næringsbygg",
     "dwelling starts usable floor space building permits commercial buildings"),
    ("Detaljomsetningsindeksen", "Retail trade index", ("ssb",), ("inntekt-og-forbruk",),
     "detaljhandel omsetning volum butikker netthandel",
     "retail trade sales volume shops online trade"),
    ("Produsentprisindeksen", "Producer price index", ("ssb",), ("priser-og-prisindekser",),
     "produsentpriser industri olje og gass førstehåndspriser",
     "producer prices manufacturing oil and gas first-hand prices"),
    ("Innvandrere og norskfødte med innvandrerforeldre",
     "Immigrants and Norwegian-born to immigrant parents", ("ssb",), ("befolkning",),
     "innvandrere landbakgrunn botid statsborgerskap",
     "immigrants country background length of residence citizenship"),
    ("Uføretrygd", "Disability benefit", ("nav",), ("sosiale-forhold",),
     "uføretrygdede mottakere ytelser uføregrad alder",
     "disability benefit recipients benefits degree of disability age"),
    ("Klimagassutslipp", "Greenhouse gas emissions", ("ssb", "miljodir"), ("natur-og-miljo",),
     "utslipp CO2 klimagasser olje- og gassutvinning veitrafikk",
     "emissions CO2 greenhouse gases oil and gas extraction road traffic"),
    ("Jordbruksareal", "Agricultural area", ("ssb",), ("jord-skog-jakt-og-fiskeri",),
     "jordbruk areal korn gras husdyr gårdsbruk",
     "agriculture area cereals grass livestock farms"),
    ("Pengemarked og renter", "Money market and interest rates", ("norges-bank", "ssb"),
     ("nasjonalregnskap-og-konjunkturer",),
     "styringsrente utlånsrente innskudd kredittindikator",
     "policy rate lending rate deposits credit indicator"),
    ("Helseforetakenes ressursbruk", "Resource use in health trusts", ("hdir", "ssb"), ("helse",),
     "sykehus spesialisthelsetjenesten liggedøgn polikliniske konsultasjoner",
     "hospitals specialist health service bed days outpatient consultations"),
]  # fmt: skip

REGIONS = (
    "Oslo Bergen Trondheim Stavanger Tromsø Kristiansand Drammen Fredrikstad Bodø Ålesund Sandnes "
    "Lillehammer Hamar Molde Arendal Hammerfest Alta Narvik Harstad Gjøvik Haugesund Porsgrunn Skien"
).split()
COUNTIES = (
    "Østfold", "Akershus", "Buskerud", "Innlandet", "Vestfold", "Telemark", "Agder", "Rogaland",
    "Vestland", "Møre og Romsdal", "Trøndelag", "Nordland", "Troms", "Finnmark",
)  # fmt: skip
DIMS = [
    ("region, kjønn, alder og år", "region, sex, age and year"),
    ("konsumgruppe og måned", "consumption group and month"),
    ("næring (SN2007) og kvartal", "industry (SIC2007) and quarter"),
    ("fylke og år", "county and year"),
    ("kommune og år", "municipality and year"),
    ("varegruppe, land og måned", "commodity group, country and month"),
    ("statistikkvariabel, næring og år", "contents, industry and year"),
    ("boligtype, region og kvartal", "type of building, region and quarter"),
]
LABELS_NB = (
    "Hele landet Menn Kvinner Begge kjønn 0-14 år 15-24 år 25-66 år 67 år eller eldre I alt "
    "Jordbruk, skogbruk og fiske Bergverksdrift og utvinning Industri Bygge- og anleggsvirksomhet "
    "Varehandel Overnattings- og serveringsvirksomhet Offentlig administrasjon og forsvar Undervisning "
    "Helse- og omsorgstjenester Matvarer og alkoholfrie drikkevarer Bolig, lys og brensel Transport"
).split()
LABELS_EN = (
    "The whole country Males Females Both sexes 0-14 years 15-24 years 25-66 years 67 years or older "
    "Total Agriculture, forestry and fishing Mining and quarrying Manufacturing Construction "
    "Wholesale and retail trade Accommodation and food service activities Public administration "
    "Education Human health and social work Food and non-alcoholic beverages Housing Transport"
).split()
COMMON_NB = (
    "statistikken viser tallene endring økning nedgang vekst prosent sammenlignet med samme periode "
    "året før sesongjustert kvartal måned år kommune kommuner fylke fylker næring næringer eksport "
    "import befolkning lønn sysselsetting husholdninger foreløpige tall revidert indeks nivå andel "
    "gjennomsnitt median totalt region landet tidsserie publisering oppdatert"
).split()
COMMON_EN = (
    "the statistics show figures change increase decrease growth percent compared with the same period "
    "previous year seasonally adjusted quarter month year municipality municipalities county counties "
    "industry exports imports population wages employment households preliminary figures revised index "
    "level share average median total region country time series release updated"
).split()
CHANGE_NB = ("økte", "falt", "steg", "gikk ned", "var uendret", "økte kraftig", "falt svakt")
CHANGE_EN = (
    "rose",
    "fell",
    "increased",
    "decreased",
    "was unchanged",
    "rose sharply",
    "fell slightly",
)
MONTHS_NB = (
    "januar februar mars april mai juni juli august september oktober november desember"
).split()
MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
# Share of each kind in the corpus (producers and subjects are the fixed lists above).
KIND_WEIGHTS = {"table": 0.42, "release": 0.3, "note": 0.18, "statistic": 0.06, "codelist": 0.04}


def _words(rng: random.Random, pool: list[str], n: int) -> str:
    # Zipf-like: the first words of the pool are far more frequent, as in real texts.
    return " ".join(pool[min(len(pool) - 1, int(rng.paretovariate(1.1)) - 1)] for _ in range(n))


def _shuffled(rng: random.Random, words: list[str]) -> list[str]:
    out = list(words)
    rng.shuffle(out)
    return out


def _doc(rng: random.Random, kind: str, n: int, pools: dict[str, list[str]]) -> SearchDoc:
    t_nb, t_en, producers, subjects, words_nb, words_en = rng.choice(TOPICS)
    producer = rng.choice(producers)
    p_nb, p_en, short = PRODUCERS[producer]
    place = rng.choice(REGIONS) if rng.random() < 0.6 else rng.choice(COUNTIES)
    year = rng.randint(1990, 2026)
    month = rng.randrange(12)
    change = rng.randrange(len(CHANGE_NB))
    pct = f"{rng.uniform(0.1, 9.9):.1f}"
    lead_nb = f"{t_nb} {CHANGE_NB[change]} med {pct} prosent i {place} fra {year - 1} til {year}."
    lead_en = f"The {t_en.lower()} {CHANGE_EN[change]} by {pct} per cent in {place} in {year}."
    body_nb = f"{words_nb} {_words(rng, pools['nb'], rng.randint(20, 70))}"
    body_en = f"{words_en} {_words(rng, pools['en'], rng.randint(20, 70))}"
    slug = t_nb.lower().replace(" ", "-")
    common: dict[str, Any] = {
        "producer": producer,
        "subjects": subjects,
    }
    if kind == "table":
        table_id = f"{10000 + n:05d}"
        dim_nb, dim_en = rng.choice(DIMS)
        labels = rng.randint(10, 60)
        return SearchDoc(
            id=f"table:{table_id}",
            kind="table",
            title_nb=f"{table_id}: {t_nb}, etter {dim_nb}",
            title_en=f"{table_id}: {t_en}, by {dim_en}",
            text_nb=f"{dim_nb} {_words(rng, pools['labels_nb'], labels)} {t_nb}",
            text_en=f"{dim_en} {_words(rng, pools['labels_en'], labels)} {t_en}",
            path_nb=f"/tabeller/{table_id}",
            path_en=f"/en/tables/{table_id}",
            visible_from=_visible(rng, 0.3),
            extra=(table_id,),
            **common,
        )
    if kind in ("release", "note"):
        title_nb = f"{t_nb}, {MONTHS_NB[month]} {year}"
        title_en = f"{t_en}, {MONTHS_EN[month]} {year}"
        return SearchDoc(
            id=f"{kind}:{n}",
            kind=kind,
            title_nb=title_nb,
            title_en=title_en,
            text_nb=f"{lead_nb} {body_nb}" if kind == "note" else f"{body_nb[:200]} {t_nb}",
            text_en=f"{lead_en} {body_en}" if kind == "note" else f"{body_en[:200]} {t_en}",
            path_nb=f"/kalender/{n}",
            path_en=f"/en/calendar/{n}",
            visible_from=_visible(rng, 1.0) if kind == "note" else None,
            **common,
        )
    if kind == "codelist":
        items = rng.sample(REGIONS, 8) + rng.sample(COUNTIES, 4)
        return SearchDoc(
            id=f"codelist:{n}",
            kind="codelist",
            title_nb=f"Standard for {rng.choice(['kommuneinndeling', 'fylkesinndeling', 'næringsgruppering', 'yrkesklassifisering', 'varegruppering'])} {year}",
            title_en=f"Classification of {rng.choice(['municipalities', 'counties', 'industries', 'occupations', 'commodities'])} {year}",
            text_nb=f"{' '.join(items)} {_words(rng, pools['nb'], 15)}",
            text_en=f"{' '.join(items)} {_words(rng, pools['en'], 15)}",
            path_nb=f"/klassifikasjoner/{n}",
            path_en=f"/en/classifications/{n}",
            extra=(str(n), *(f"{rng.randint(100, 5499):04d}" for _ in range(12))),
            **common,
        )
    # statistic
    return SearchDoc(
        id=f"statistic:{slug}-{n}",
        kind="statistic",
        title_nb=f"{t_nb} {place}" if rng.random() < 0.5 else t_nb,
        title_en=f"{t_en} {place}" if rng.random() < 0.5 else t_en,
        text_nb=f"{body_nb} {p_nb}",
        text_en=f"{body_en} {p_en}",
        path_nb=f"/statistikk/{slug}-{n}",
        path_en=f"/en/statistics/{slug}-{n}",
        extra=(f"{slug}-{n}", short),
        **common,
    )


def _visible(rng: random.Random, tied: float) -> datetime | None:
    """A release time for a share ``tied`` of the documents: mostly past, some to come, some never."""
    if rng.random() >= tied:
        return None
    roll = rng.random()
    if roll < 0.9:
        return NOW - timedelta(days=rng.randint(1, 3000), hours=rng.choice([0, 2]))
    if roll < 0.96:
        return NOW + timedelta(days=rng.randint(1, 200))
    return NEVER


def corpus(count: int) -> list[SearchDoc]:
    """``count`` documents from a fixed seed: every producer and subject area, then the other kinds."""
    rng = random.Random(SEED)
    pools = {
        "nb": _shuffled(rng, COMMON_NB + " ".join(t[4] for t in TOPICS).split() + REGIONS),
        "en": _shuffled(rng, COMMON_EN + " ".join(t[5] for t in TOPICS).split() + REGIONS),
        "labels_nb": LABELS_NB + REGIONS + list(COUNTIES) + [str(y) for y in range(1990, 2027)],
        "labels_en": LABELS_EN + REGIONS + list(COUNTIES) + [str(y) for y in range(1990, 2027)],
    }
    docs = [
        SearchDoc(
            id=f"producer:{slug}",
            kind="producer",
            title_nb=nb,
            title_en=en,
            text_nb=short,
            text_en=short,
            path_nb=f"/produsenter/{slug}",
            path_en=f"/en/producers/{slug}",
            producer=slug,
            extra=(short,),
        )
        for slug, (nb, en, short) in PRODUCERS.items()
    ] + [
        SearchDoc(
            id=f"subject:{slug}",
            kind="subject",
            title_nb=nb,
            title_en=en,
            text_nb="",
            text_en="",
            path_nb=f"/emner/{slug}",
            path_en=f"/en/subjects/{slug}",
            subjects=(slug,),
        )
        for slug, (nb, en) in SUBJECTS.items()
    ]
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for n in range(count - len(docs)):
        docs.append(_doc(rng, rng.choices(kinds, weights)[0], n, pools))
    return docs[:count]


# --------------------------------------------------------------------------------------------
# The queries: (text, lang, what it tests)

QUERIES: list[tuple[str, str, str]] = [
    ("konsumprisindeks", "nb", "word"),
    ("arbeidsledighet", "nb", "word"),
    ("folkemengde", "nb", "word"),
    ("befolkning", "nb", "word"),
    ("boligpriser", "nb", "word"),
    ("sysselsetting", "nb", "word"),
    ("lønn", "nb", "word"),
    ("eksport", "nb", "word"),
    ("import", "nb", "word"),
    ("kommune", "nb", "word"),
    ("fylke", "nb", "word"),
    ("næring", "nb", "word"),
    ("strømpriser", "nb", "word"),
    ("sykefravær", "nb", "word"),
    ("prisindeks", "nb", "compound part"),
    ("ledighet", "nb", "compound part"),
    ("fravær", "nb", "compound part"),
    ("handel", "nb", "compound part"),
    ("produksjon", "nb", "compound part"),
    ("konsumprisindex", "nb", "misspelling"),
    ("arbeidsledighett", "nb", "misspelling"),
    ("befolknig", "nb", "misspelling"),
    ("sysselseting", "nb", "misspelling"),
    ("boligprisser", "nb", "misspelling"),
    ("boligpriser oslo", "nb", "two words"),
    ("lønn kommune", "nb", "two words"),
    ("eksport laks", "nb", "two words"),
    ("arbeidsledighet fylke", "nb", "two words"),
    ("folkemengde bergen", "nb", "two words"),
    ("konsumprisindeksen november", "nb", "two words"),
    ("unemployment", "en", "word (en)"),
    ("house prices", "en", "two words (en)"),
    ("consumer price index", "en", "three words (en)"),
    ("population county", "en", "two words (en)"),
    ("{table}", "nb", "table id"),  # the first table's id, filled in when the corpus is built
    ("befolkning OR lønn OR eksport", "nb", "3-word OR"),
    ("arbeidsledighet OR boligpriser OR import", "nb", "3-word OR"),
    ("kommune OR fylke OR næring", "nb", "3-word OR"),
    ("population OR wages OR exports", "en", "3-word OR"),
]


# --------------------------------------------------------------------------------------------
# FTS5, the floor

FTS_COLUMNS = (
    "id",
    "kind",
    "producer",
    "visible_from",
    "boost",
    "title_nb",
    "text_nb",
    "title_en",
    "text_en",
    "extra",
)
UNINDEXED = {"id", "kind", "producer", "visible_from", "boost"}
# bm25 weights in column order, as the whoosh field boosts: titles 3, texts 1, codes 4.
BM25 = "bm25(docs, 0, 0, 0, 0, 0, 3.0, 1.0, 3.0, 1.0, 4.0)"


def _epoch(moment: datetime | None) -> int:
    return 0 if moment is None else int(moment.astimezone(UTC).timestamp())


def fts_build(path: Path, docs: list[SearchDoc]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    columns = ", ".join(f"{c} UNINDEXED" if c in UNINDEXED else c for c in FTS_COLUMNS)
    db.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize='unicode61 remove_diacritics 2')"
    )
    rows = (
        (
            d.id,
            d.kind,
            d.producer,
            _epoch(d.visible_from),
            BOOSTS.get(d.kind, 1.0),
            d.title_nb,
            d.text_nb,
            d.title_en,
            d.text_en,
            " ".join(x for x in d.extra if x),
        )
        for d in docs
    )
    with db:
        marks = ", ".join("?" * len(FTS_COLUMNS))
        db.executemany(f"INSERT INTO docs VALUES ({marks})", rows)  # noqa: S608
    with db:
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    return db


def fts_match(text: str) -> str:
    """The words as FTS5 prefix terms (a rough stand-in for stemming), OR kept as the operator."""
    terms = []
    for word in text.replace('"', " ").split():
        terms.append("OR" if word == "OR" else f'"{word}"*')
    return " ".join(terms)


def fts_search(db: sqlite3.Connection, text: str, lang: str) -> dict[str, Any]:
    match, now = fts_match(text), _epoch(NOW)
    column = FTS_COLUMNS.index(f"text_{lang}")
    top = (
        f"SELECT id, kind, title_{lang},"  # noqa: S608  (constants and a checked language)
        f" snippet(docs, {column}, '<strong>', '</strong>', ' … ', 24),"
        f" {BM25} * boost AS score FROM docs WHERE docs MATCH ? AND visible_from <= ?"
        f" ORDER BY score LIMIT {PER_PAGE}"
    )
    hits = db.execute(top, (match, now)).fetchall()
    facets: dict[str, dict[str, int]] = {"kind": {}, "producer": {}}
    for kind, producer, count in db.execute(
        "SELECT kind, producer, count(*) FROM docs WHERE docs MATCH ? AND visible_from <= ? "
        "GROUP BY kind, producer",
        (match, now),
    ):
        facets["kind"][kind] = facets["kind"].get(kind, 0) + count
        if producer:
            facets["producer"][producer] = facets["producer"].get(producer, 0) + count
    return {"hits": hits, "total": sum(facets["kind"].values()), "facets": facets}


# --------------------------------------------------------------------------------------------
# Timing


def summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 (nearest rank) and max, in ms."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(len(ordered) * 0.95)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 1) if b else None


def clock(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def new_docs(count: int) -> Iterator[SearchDoc]:
    """Releases announced after the build, each with a word no other document has."""
    for i in range(count):
        marker = "benkmerke" + "".join(chr(ord("a") + int(c)) for c in f"{i:03d}")
        yield SearchDoc(
            id=f"release:bench-{i}",
            kind="release",
            title_nb=f"Konsumprisindeksen, desember 2026 {marker}",
            title_en=f"Consumer price index, December 2026 {marker}",
            text_nb=f"Konsumprisindeksen for desember 2026 publiseres {marker}.",
            text_en=f"The consumer price index for December 2026 is published {marker}.",
            path_nb=f"/kalender/bench-{i}",
            path_en=f"/en/calendar/bench-{i}",
            producer="ssb",
            subjects=("priser-og-prisindekser",),
        )


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=DOCS, help=f"corpus size (default {DOCS})")
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help=f"timed runs of each query ({REPEATS})"
    )
    parser.add_argument(
        "--updates", type=int, default=UPDATES, help=f"incremental updates timed ({UPDATES})"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=float(DEFAULTS["SEARCH_TIME_LIMIT"]),
        help="SearchIndex time limit, s (the portal's SEARCH_TIME_LIMIT default)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results file (default bench/results/search_query.json for a full-size run; "
        "a smaller run writes none unless given)",
    )
    args = parser.parse_args()
    out = args.out or (
        ROOT / "bench" / "results" / "search_query.json" if args.docs == DOCS else None
    )
    started = time.perf_counter()

    progress(f"building {args.docs} documents")
    corpus_s, docs = clock(corpus, args.docs)
    table = next(d.extra[0] for d in docs if d.kind == "table")
    queries_in = [(text.format(table=table), lang, what) for text, lang, what in QUERIES]
    kinds: dict[str, int] = {}
    for d in docs:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1

    with tempfile.TemporaryDirectory(prefix="bench-search-") as name:
        folder = Path(name)
        # 2. Full index
        progress("whoosh: SearchIndex.rebuild")
        index = SearchIndex(folder / "whoosh", time_limit=args.time_limit)
        gc.collect()
        whoosh_build_s, indexed = clock(index.rebuild, docs)
        assert indexed == len(docs) == index.count(), (indexed, index.count())
        progress(f"whoosh: {whoosh_build_s:.1f} s; FTS5: insert + optimize")
        gc.collect()
        fts_build_s, db = clock(fts_build, folder / "fts.sqlite3", docs)
        progress(f"FTS5: {fts_build_s:.1f} s")
        build = {
            "whoosh_s": round(whoosh_build_s, 2),
            "fts5_s": round(fts_build_s, 2),
            "whoosh_over_fts5": ratio(whoosh_build_s, fts_build_s),
            "whoosh_mb": round(folder_bytes(folder / "whoosh") / 1e6, 1),
            "fts5_mb": round((folder / "fts.sqlite3").stat().st_size / 1e6, 1),
        }
        docs.clear()  # memory for the query phase
        gc.collect()

        # 3. Query latency: one warm-up pass, then the engines interleaved query by query.
        def ours(text: str, lang: str) -> Results:
            return index.search(SearchQuery(text=text, lang=lang), NOW)

        progress(f"queries: {len(queries_in)} × {args.repeats}, after a warm-up pass")
        first: dict[str, float] = {}
        for text, lang, _ in queries_in:
            first[text] = clock(ours, text, lang)[0]
            fts_search(db, text, lang)
        samples: dict[str, dict[str, list[float]]] = {
            text: {"whoosh": [], "fts5": []} for text, _, _ in queries_in
        }
        answers: dict[str, dict[str, Any]] = {}
        for _ in range(args.repeats):
            gc.collect()
            for text, lang, _ in queries_in:
                spent, found = clock(ours, text, lang)
                samples[text]["whoosh"].append(spent)
                spent, theirs = clock(fts_search, db, text, lang)
                samples[text]["fts5"].append(spent)
                answers[text] = {
                    "whoosh_total": found.total,
                    "whoosh_hits": len(found.hits),
                    "whoosh_timed_out": found.timed_out,
                    "whoosh_facets": bool(found.facets),
                    "did_you_mean": found.corrected,
                    "fts5_total": theirs["total"],
                }
        per_query = []
        for text, lang, what in queries_in:
            w, f = summary(samples[text]["whoosh"]), summary(samples[text]["fts5"])
            per_query.append(
                {
                    "q": text,
                    "lang": lang,
                    "what": what,
                    "whoosh": w,
                    "fts5": f,
                    "whoosh_first_ms": round(first[text] * 1000, 2),
                    **answers[text],
                }
            )
        all_whoosh = summary([s for q in samples.values() for s in q["whoosh"]])
        all_fts = summary([s for q in samples.values() for s in q["fts5"]])
        slowest = max(per_query, key=lambda q: q["whoosh"]["median_ms"])
        ors = [q for q in per_query if q["what"] == "3-word OR"]
        queries = {
            "count": len(queries_in),
            "repeats": args.repeats,
            "whoosh": all_whoosh,
            "fts5": all_fts,
            # The warm-up pass: each query once on a freshly opened index, before the segment's
            # posting lists are decoded into its cache (a word earlier queries read excepted).
            "whoosh_first_pass": summary(list(first.values())),
            "whoosh_over_fts5_median": ratio(all_whoosh["median_ms"], all_fts["median_ms"]),
            "whoosh_over_fts5_p95": ratio(all_whoosh["p95_ms"], all_fts["p95_ms"]),
            "goal_p95_ms": GOAL_P95_MS,
            "slowest_whoosh": {
                "q": slowest["q"],
                **slowest["whoosh"],
                "timed_out": slowest["whoosh_timed_out"],
            },
            "or_queries": len(ors),
            "or_queries_max_ms": max(q["whoosh"]["max_ms"] for q in ors),
            "or_queries_timed_out": sum(q["whoosh_timed_out"] for q in ors),
            "timed_out_queries": [q["q"] for q in per_query if q["whoosh_timed_out"]],
            "per_query": per_query,
        }

        # 3b. Capped: the 3-word OR queries past an exhausted limit (1 µs), against the same
        # queries uncapped above. A capped query must stop and say so, not finish its ranking
        # (tests/portal/test_search.py checks that it says so; this is what it costs).
        progress(f"capped queries: {len(ors)} × {args.repeats}")
        index.time_limit = CAPPED_LIMIT_S
        capped_s: list[float] = []
        capped_all = True
        for _ in range(args.repeats):
            for p in ors:
                spent, found = clock(ours, p["q"], p["lang"])
                capped_s.append(spent)
                capped_all = capped_all and found.timed_out and not found.hits
        index.time_limit = args.time_limit
        uncapped = summary([s for p in ors for s in samples[p["q"]]["whoosh"]])
        capped = summary(capped_s)
        queries["capped"] = {
            "time_limit_s": CAPPED_LIMIT_S,
            "all_timed_out_without_hits": capped_all,
            "capped": capped,
            "uncapped": uncapped,
            "capped_over_uncapped_median": round(capped["median_ms"] / uncapped["median_ms"], 2),
            "goal": "< 1: a capped query stops instead of finishing its ranking",
        }

        # 4. Incremental update → searchable, through SearchIndex.update (the after-commit path).
        progress(f"incremental updates: {args.updates}")
        update_s, searchable_s, polls = [], [], []
        for doc in new_docs(args.updates):
            word = doc.title_nb.split()[-1]
            start = time.perf_counter()
            index.update([doc])
            update_s.append(time.perf_counter() - start)
            tries = 0
            while True:
                tries += 1
                found = ours(word, "nb")
                if any(h.id == doc.id for h in found.hits):
                    break
                if time.perf_counter() - start > 30:
                    raise AssertionError(f"{doc.id} not searchable after 30 s")
            searchable_s.append(time.perf_counter() - start)
            polls.append(tries)
        updates = {
            "count": args.updates,
            "update_call": summary(update_s),
            "searchable": summary(searchable_s),
            "searches_until_found_max": max(polls),
            "goal_searchable_ms": GOAL_SEARCHABLE_S * 1000,
            "segments_after": len(index._index._segments()),
        }
        db.close()

    report = {
        "bench": "search_query",
        "docs": args.docs,
        "kinds": kinds,
        "corpus_s": round(corpus_s, 1),
        "time_limit_s": args.time_limit,
        "build": build,
        "queries": queries,
        "updates": updates,
        "total_s": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.machine(),
            "cores": os.cpu_count(),
            "host": platform.node(),
            "whoosh": whoosh.versionstring(),
            "sqlite": sqlite3.sqlite_version,
            "date": datetime.now(UTC).date().isoformat(),
        },
    }
    print_report(report)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {out}")


def print_report(r: dict[str, Any]) -> None:
    b, q, u = r["build"], r["queries"], r["updates"]
    ok = {True: "ok", False: "MISSED"}
    print(f"search_query: {r['docs']} documents {r['kinds']}, time limit {r['time_limit_s']} s")
    print(
        f"full index: whoosh {b['whoosh_s']} s ({b['whoosh_mb']} MB), FTS5 {b['fts5_s']} s "
        f"({b['fts5_mb']} MB), whoosh/FTS5 = {b['whoosh_over_fts5']}"
    )
    print(f"{'query':42} {'whoosh med/p95/max ms':>24} {'FTS5 med/p95 ms':>16} total w/f  notes")
    for p in q["per_query"]:
        w, f = p["whoosh"], p["fts5"]
        notes = []
        if p["whoosh_timed_out"]:
            notes.append("TIMED OUT")
        if not p["whoosh_facets"]:
            notes.append("no facets")
        if p["did_you_mean"]:
            notes.append(f"did you mean: {p['did_you_mean']}")
        print(
            f"{p['q'][:42]:42} {w['median_ms']:7.1f} {w['p95_ms']:7.1f} {w['max_ms']:7.1f}  "
            f"{f['median_ms']:7.1f} {f['p95_ms']:7.1f}  {p['whoosh_total']:>6}/{p['fts5_total']:<6} "
            f"{'; '.join(notes)}"
        )
    w, f = q["whoosh"], q["fts5"]
    print(
        f"all queries ({q['count']} × {q['repeats']}): whoosh median {w['median_ms']} ms, "
        f"p95 {w['p95_ms']} ms [goal < {q['goal_p95_ms']:.0f} ms: {ok[w['p95_ms'] < q['goal_p95_ms']]}]; "
        f"FTS5 median {f['median_ms']} ms, p95 {f['p95_ms']} ms; whoosh/FTS5 median "
        f"{q['whoosh_over_fts5_median']}, p95 {q['whoosh_over_fts5_p95']}"
    )
    c = q["whoosh_first_pass"]
    print(
        f"first pass (each query once, posting lists not yet cached): whoosh median "
        f"{c['median_ms']} ms, p95 {c['p95_ms']} ms"
    )
    s = q["slowest_whoosh"]
    print(
        f"slowest whoosh query: {s['q']!r} median {s['median_ms']} ms, max {s['max_ms']} ms"
        + (" (timed out)" if s["timed_out"] else "")
    )
    print(
        f"3-word OR queries: all finished, max {q['or_queries_max_ms']} ms, "
        f"{q['or_queries_timed_out']} of {q['or_queries']} hit the time limit"
    )
    c = q["capped"]
    print(
        f"3-word OR queries capped at {c['time_limit_s'] * 1e6:.0f} µs: median "
        f"{c['capped']['median_ms']} ms, max {c['capped']['max_ms']} ms against "
        f"{c['uncapped']['median_ms']} ms uncapped = {c['capped_over_uncapped_median']} "
        f"[goal < 1: {ok[c['capped_over_uncapped_median'] < 1]}]; all said so: "
        f"{c['all_timed_out_without_hits']}"
    )
    if q["timed_out_queries"]:
        print(f"timed out (partial hits, no facets): {q['timed_out_queries']}")
    print(
        f"update → searchable ({u['count']}×): median {u['searchable']['median_ms']} ms, max "
        f"{u['searchable']['max_ms']} ms [goal < {u['goal_searchable_ms']:.0f} ms: "
        f"{ok[u['searchable']['max_ms'] < u['goal_searchable_ms']]}] (update call median "
        f"{u['update_call']['median_ms']} ms, max {u['update_call']['max_ms']} ms)"
    )
    print(f"total {r['total_s']} s")


if __name__ == "__main__":
    main()
