"""An accessible SVG chart of a cube, drawn by pygal (issue 19; docs/tables.md says why pygal): a line
chart when a time dimension has several periods (one line per combination of the other values, with the
time labels thinned so they never run together), bars otherwise (each bar with its category label, a
legend when there are several series). Every text is an SVG ``<text>`` in the page's number format; the
chart has a title with the unit and the periods, a title and description for screen readers (WCAG 2.1
1.1.1), and the page shows the data table beside it.

pygal writes its look as an inline ``<style>`` and a ``<script>``; the page's Content-Security-Policy
allows neither, so both are taken out and ``portal.css`` draws the chart from pygal's class names
(``.serie-N``, ``.color-N``). A file to download keeps a stylesheet of its own (:func:`standalone`)."""

from __future__ import annotations

import itertools
import math
import re
import sys
import textwrap
from dataclasses import dataclass, replace
from importlib import resources

import numpy as np
import pygal
from markupsafe import Markup, escape
from numpy.typing import NDArray
from pygal.style import Style

from portal.kernel import formatting
from pxbridge.query.cube import Cube

# pygal puts an import hook on sys.meta_path for its map plugins (pygal.maps.*), written for Python 2's
# find_module: every import after it that the other finders miss warns (ImportWarning) and falls back to
# it. The portal draws no maps; the hook is taken off again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

WIDTH, HEIGHT = 720, 360
MAX_SERIES, MAX_BARS = 6, 40
#: At most this many time labels under a line chart; more would run together at 720 units wide.
MAX_TIME_LABELS = 8
#: The font size of the axis labels, the same in pygal's layout and in the CSS that draws them.
LABEL_SIZE = 12
#: The longest line of a chart's title; a longer one is wrapped.
TITLE_CHARACTERS = 64
#: Each bar of a horizontal bar chart gets this many units of height.
BAR_ROW = 22


@dataclass(frozen=True)
class Layout:
    """One size the chart is drawn at. The SVG scales to its box, text and all, so a phone gets a
    chart drawn narrow: at 320 units wide shown in a 320 px screen's ~288 px column its 12-unit
    labels are 10.8 px, where the desktop's 720 units would make them 4.8 px."""

    width: int
    height: int
    time_labels: int  # at most this many time labels under a line chart
    title_characters: int  # the longest line of the chart's title
    # A legend longer than this many characters, or a bar's label, is cut short ("…"); 0: never.
    legend_characters: int
    label_characters: int
    max_scale: int  # at most this many value labels on the value axis (pygal's max_scale)
    prefix: str = "chart"  # the ids of the SVG's title and description


WIDE = Layout(WIDTH, HEIGHT, MAX_TIME_LABELS, TITLE_CHARACTERS, 0, 0, 16)
#: A phone's chart (portal/static/chart.css shows it below 40em): 3 time labels of 7 characters at
#: 12 units fit its 240 units of plot with room between; 30 characters of legend fit beside
#: the y axis, and bar labels of 16 leave the bars half the width. The whole names are in the table.
NARROW = Layout(320, 240, 3, 30, 30, 16, 3, "chart-narrow")


def _cut(text: str, characters: int) -> str:
    """``text`` in at most ``characters`` characters (0: whole)."""
    if not characters or len(text) <= characters:
        return text
    return text[: characters - 1].rstrip(" ,") + "…"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    kind: str  # "line" or "bar"
    svg: Markup
    series: tuple[Series, ...]
    categories: tuple[str, ...]
    truncated: bool
    narrow: Markup = Markup("")  # the same chart drawn for a phone (NARROW)


def _decimals(cube: Cube) -> int:
    """The decimals of the (first) contents value's unit, as the table shows it."""
    metric = cube.metric_index()
    code = cube.dimensions[metric].codes[0] if metric is not None else None
    return cube.unit_of(code).decimals


def _unit(cube: Cube) -> str:
    metric = cube.metric_index()
    code = cube.dimensions[metric].codes[0] if metric is not None else None
    return cube.unit_of(code).base


def build(cube: Cube, title: str, description: str) -> Chart | None:
    """The chart for ``cube``, drawn wide and narrow, or None when there is nothing to draw (no
    numbers)."""
    wide = _build(cube, title, description, WIDE)
    if wide is None:
        return None
    narrow = _build(cube, title, description, NARROW)
    return replace(wide, narrow=narrow.svg if narrow is not None else Markup(""))


def _build(cube: Cube, title: str, description: str, layout: Layout) -> Chart | None:
    cube = _first_metric(cube)
    values = np.asarray(cube.values, dtype=np.float64)
    if values.size == 0 or np.isnan(values).all():
        return None
    sizes = cube.sizes
    time = next(
        (i for i, d in enumerate(cube.dimensions) if d.role == "time" and len(d.codes) > 1), None
    )
    if time is not None:
        return _line(cube, values, sizes, time, title, description, layout)
    return _bars(cube, values, title, description, layout)


def _first_metric(cube: Cube) -> Cube:
    """Only the first contents value: one chart never mixes units (persons and per cent)."""
    metric = cube.metric_index()
    if metric is None or len(cube.dimensions[metric].codes) < 2:
        return cube
    block = np.take(np.asarray(cube.values).reshape(cube.sizes), [0], axis=metric)
    dimension = cube.dimensions[metric]
    narrowed = replace(dimension, codes=dimension.codes[:1], labels=dimension.labels[:1])
    dimensions = cube.dimensions[:metric] + (narrowed,) + cube.dimensions[metric + 1 :]
    return replace(cube, dimensions=dimensions, values=np.ascontiguousarray(block).reshape(-1))


def _cell(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _heading(cube: Cube, periods: tuple[str, ...], characters: int = TITLE_CHARACTERS) -> str:
    """The chart's own title: what, in which unit, over which periods."""
    metric = cube.metric_index()
    what = (
        cube.dimensions[metric].labels[0] if metric is not None else (cube.contents or cube.title)
    )
    unit = _unit(cube)
    span = f"{periods[0]}–{periods[-1]}" if len(periods) > 1 else (periods[0] if periods else "")
    # pygal writes a line a "\n"; at 15 units a character about 60 fit in the chart's width.
    lines = textwrap.wrap(f"{what} ({unit})" if unit else what, characters) or [""]
    return "\n".join([*lines[:2], span] if span else lines[:2])


def _style() -> Style:
    # Colours and fonts are portal.css's; these sizes are what pygal lays the chart out with.
    return Style(
        font_family="inherit",
        label_font_size=LABEL_SIZE,
        major_label_font_size=LABEL_SIZE,
        legend_font_size=LABEL_SIZE + 1,
        title_font_size=LABEL_SIZE + 3,
        value_font_size=LABEL_SIZE,
    )


def _common(cube: Cube, layout: Layout) -> dict[str, object]:
    decimals = _decimals(cube)
    return {
        "style": _style(),
        "js": [],
        "no_prefix": True,
        "disable_xml_declaration": True,
        "show_legend": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1,
        "truncate_legend": -1,
        "truncate_label": -1,
        "max_scale": layout.max_scale,
        "print_values": False,
        "value_formatter": lambda v: formatting.number(v, decimals),
        "margin": 12,
        "margin_right": 36,  # room for the last time label, centred on the last period
    }


def _line(
    cube: Cube,
    values: NDArray[np.float64],
    sizes: tuple[int, ...],
    time: int,
    title: str,
    description: str,
    layout: Layout,
) -> Chart:
    block = np.moveaxis(values.reshape(sizes), time, -1).reshape(-1, sizes[time])
    others = [d for i, d in enumerate(cube.dimensions) if i != time]
    names = [
        ", ".join(parts) or cube.title
        for parts in itertools.product(*(d.labels for d in others if len(d.codes) > 1))
    ] or [cube.title]
    rows = block[:MAX_SERIES]
    series = tuple(
        Series(names[i] if i < len(names) else str(i), tuple(_cell(v) for v in row))
        for i, row in enumerate(rows)
    )
    categories = tuple(cube.dimensions[time].labels)
    thinned = len(categories) > layout.time_labels
    chart = pygal.Line(
        width=layout.width,
        height=layout.height + 20 * len(series),
        title=_heading(cube, categories, layout.title_characters),
        x_labels=list(categories),
        # Every k-th period labelled, evenly (pygal's x_labels_major_count spaces them unevenly).
        show_minor_x_labels=not thinned,
        x_labels_major_every=math.ceil(len(categories) / layout.time_labels) if thinned else None,
        show_dots=len(categories) <= 60,
        dots_size=2.5,
        allow_interruptions=True,
        **_common(cube, layout),
    )
    for line in series:
        chart.add(_cut(line.name, layout.legend_characters), list(line.points))
    svg = _accessible(chart, title, description, layout.prefix)
    return Chart("line", svg, series, categories, len(block) > MAX_SERIES)


def _bars(
    cube: Cube, values: NDArray[np.float64], title: str, description: str, layout: Layout
) -> Chart:
    varying = [d for d in cube.dimensions if len(d.codes) > 1]
    labels = [", ".join(p) for p in itertools.product(*(d.labels for d in varying))] or [cube.title]
    shown = values[:MAX_BARS]
    periods = next((tuple(d.labels) for d in cube.dimensions if d.role == "time"), ())
    categories = tuple(labels[: len(shown)])
    # One series, a bar a category, labelled on the side so long names never collide.
    chart = pygal.HorizontalBar(
        width=layout.width,
        height=max(200, 140 + BAR_ROW * len(shown)),
        title=_heading(cube, periods, layout.title_characters),
        # pygal draws the first category at the bottom: reversed, the list reads from the top.
        x_labels=[_cut(c, layout.label_characters) for c in reversed(categories)],
        **{
            **_common(cube, layout),
            # A narrow chart's one series needs no legend: the title names it, and the legend would
            # start where the bars do, past the labels, with no room left.
            "show_legend": layout is WIDE,
        },
    )
    metric = cube.metric_index()
    name = cube.dimensions[metric].labels[0] if metric is not None else cube.title
    series = (Series(name, tuple(_cell(v) for v in shown)),)
    chart.add(_cut(name, layout.legend_characters), list(reversed(series[0].points)))
    svg = _accessible(chart, title, description, layout.prefix)
    return Chart("bar", svg, series, categories, values.size > MAX_BARS)


_DROPPED = re.compile(
    r"<!--.*?-->|<style[^>]*>.*?</style>|<script[^>]*>.*?</script>| style=\"[^\"]*\"", re.S
)


def _accessible(chart: pygal.Graph, title: str, description: str, prefix: str = "chart") -> Markup:
    """pygal's SVG without its inline styles and script (the page's CSS draws it, and its CSP allows
    neither), named for screen readers by ``title`` and ``description`` (ids ``<prefix>-title`` and
    ``<prefix>-desc``)."""
    svg = _DROPPED.sub("", chart.render(is_unicode=True))
    svg = svg.replace(' id=""', "", 1).replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="{prefix}-title {prefix}-desc" ',
        1,
    )
    head = f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>'
    at = svg.index(">", svg.index("<svg ")) + 1
    # Every text pygal wrote is escaped by its XML writer; the two added are escaped here.
    return Markup(svg[:at] + head + svg[at:])  # noqa: S704


def standalone(drawn: Chart) -> bytes:
    """The chart as an SVG file of its own: the page's chart with the stylesheet that draws it."""
    css = resources.files("portal").joinpath("static/chart.css").read_text(encoding="utf-8")
    svg = str(drawn.svg)
    at = svg.index(">", svg.index("<svg ")) + 1
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + svg[:at] + f"<style>{css}</style>" + svg[at:]
    ).encode("utf-8")
