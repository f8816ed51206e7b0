"""The table pages' charts, drawn by pygal (issue 19): time labels that never run together, whether a
series has 6 periods or 282, a legend naming each series, values and axes in the page's number format, a
title with the unit and the periods, screen-reader names, no inline style or script (the page's CSP
allows none), and the chart as an SVG file."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from pxbridge.pages.chart import LABEL_SIZE, WIDTH
from tests.pxbridge.conftest import store_table

GROUPS = [("A", "Matvarer", "Food"), ("B", "Klær", "Clothing"), ("C", "Bolig", "Housing")]


def _monthly_px(months: int) -> bytes:
    """An index by group and month from January 2000: ``months`` months, three groups."""
    periods = [f"{2000 + m // 12}M{m % 12 + 1:02d}" for m in range(months)]
    quoted = ",".join(f'"{p}"' for p in periods)
    rows = [
        'CHARSET="ANSI";',
        'LANGUAGE="no";',
        'LANGUAGES="no","en";',
        "DECIMALS=1;",
        'MATRIX="99601";',
        'TITLE="99601: Prisindeks, etter gruppe og måned";',
        'TITLE[en]="99601: Price index, by group and month";',
        'CONTENTS="Prisindeks";',
        'CONTENTS[en]="Price index";',
        'UNITS="indeks";',
        'UNITS[en]="index";',
        'STUB="gruppe";',
        'STUB[en]="group";',
        'HEADING="måned";',
        'HEADING[en]="month";',
        'VARIABLECODE("gruppe")="Gruppe";',
        'VARIABLECODE("måned")="Tid";',
        'VALUES("gruppe")=' + ",".join(f'"{nb}"' for _, nb, _ in GROUPS) + ";",
        'VALUES[en]("group")=' + ",".join(f'"{en}"' for _, _, en in GROUPS) + ";",
        f'VALUES("måned")={quoted};',
        f'VALUES[en]("month")={quoted};',
        f'TIMEVAL("måned")=TLIST(M1),{quoted};',
        'CODES("gruppe")=' + ",".join(f'"{c}"' for c, _, _ in GROUPS) + ";",
        f'CODES("måned")={quoted};',
        'SOURCE="Statistisk sentralbyrå";',
        "DATA=",
    ]
    data = [" ".join(f"{1000 + 10 * g + m * 0.5:.1f}" for m in range(months)) for g in range(3)]
    return ("\n".join(rows + data) + ";\n").encode("cp1252")


def _upload(app: Flask, client: FlaskClient, months: int) -> None:
    store_table(app, client, _monthly_px(months), "kpi", table_id="99601")


def _svg(html: str) -> str:
    found = re.search(r"<svg[^>]*pygal-chart.*?</svg>", html, re.S)
    assert found, "no chart on the page"
    return found.group(0)


def _time_labels(svg: str) -> list[tuple[float, str]]:
    """The time axis's labels: each one's x in the chart (the plot is moved right by its margin) and
    its text."""
    plot = re.search(r'<g transform="translate\(([-0-9.]+), ?[-0-9.]+\)" class="plot"', svg)
    assert plot, "no plot area"
    axis = svg.split('<g class="axis x', 1)[1].split('<g class="series', 1)[0]
    found = re.findall(r'<text x="([-0-9.]+)"[^>]*>([^<]+)</text>', axis)
    return [(float(plot.group(1)) + float(x), text) for x, text in found]


def _no_overlap(labels: list[tuple[float, str]]) -> None:
    """Each label's box (centred on its x, a character about 0.6 of the font size wide) clears the next
    by a character, and none leaves the chart."""
    boxes = sorted(
        (x - len(t) * LABEL_SIZE * 0.3, x + len(t) * LABEL_SIZE * 0.3) for x, t in labels
    )
    for (_, right), (left, _) in zip(boxes, boxes[1:], strict=False):
        assert left - right >= LABEL_SIZE * 0.6, boxes
    assert boxes[0][0] >= 0 and boxes[-1][1] <= WIDTH, boxes


def test_six_periods_all_labelled_and_282_thinned_never_overlapping(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client, 282)
    six = _svg(client.get("/tabeller/99601?all-Gruppe=1&latest-Tid=6").text)
    labels = _time_labels(six)
    assert [t for _, t in labels] == [f"2023M{m:02d}" for m in range(1, 7)]
    _no_overlap(labels)
    # Twelve: thinned to every other month, evenly.
    twelve = _time_labels(_svg(client.get("/tabeller/99601?all-Gruppe=1&latest-Tid=12").text))
    assert [t for _, t in twelve] == [
        "2022M07",
        "2022M09",
        "2022M11",
        "2023M01",
        "2023M03",
        "2023M05",
    ]
    _no_overlap(twelve)
    every = _svg(client.get("/tabeller/99601?all-Gruppe=1&all-Tid=1").text)
    labels = _time_labels(every)
    assert 4 <= len(labels) <= 10 and labels[0][1] == "2000M01"
    _no_overlap(labels)


def test_a_legend_names_each_series_and_numbers_read_as_the_page(
    app: Flask, client: FlaskClient
) -> None:
    _upload(app, client, 24)
    norwegian = _svg(client.get("/tabeller/99601?all-Gruppe=1&all-Tid=1").text)
    legend = norwegian.split('class="legends"', 1)[1]
    assert all(name in legend for _, name, _ in GROUPS)
    assert re.search(r">1\u00a00[0-9]{2},0<", norwegian)  # "1 010,0" on the axis
    assert "Prisindeks (indeks)" in norwegian and "2000M01–2001M12" in norwegian
    english = _svg(client.get("/en/tables/99601?all-Gruppe=1&all-Tid=1").text)
    assert all(name in english for _, _, name in GROUPS)
    assert re.search(r">1,0[0-9]{2}\.0<", english) and "Price index (index)" in english
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-title chart-desc"', english)
    assert "<style" not in english and "<script" not in english and " style=" not in english


def test_the_chart_as_an_svg_file(app: Flask, client: FlaskClient) -> None:
    _upload(app, client, 24)
    page = client.get("/tabeller/99601?all-Gruppe=1&latest-Tid=12").text
    link = page.split('href="/tabeller/99601/last-ned/svg?', 1)[1].split('"', 1)[0]
    response = client.get("/tabeller/99601/last-ned/svg?" + link.replace("&amp;", "&"))
    assert response.status_code == 200 and response.content_type.startswith("image/svg+xml")
    assert response.headers["Content-Disposition"].endswith('.svg"')
    body = response.data.decode("utf-8")
    assert body.startswith("<?xml") and "<style>" in body and ".pygal-chart .color-0" in body
    axis = body.split('<g class="axis x', 1)[1].split('<g class="series', 1)[0]
    assert "2001M11" in axis and "2000M12" not in axis  # the latest 12 months, every other named
