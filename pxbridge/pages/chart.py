"""An accessible SVG chart of a cube: a line chart when a time dimension has several periods (one line
per combination of the other values), bars otherwise. Pure Python; the page shows the data table beside
it, and the SVG carries a title and a description for screen readers (WCAG 2.1, 1.1.1)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from markupsafe import Markup, escape
from numpy.typing import NDArray

from portal.kernel import formatting
from pxbridge.query.cube import Cube

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 60
MAX_SERIES, MAX_BARS = 6, 40
# Distinguishable without colour too: each series also has its own dash pattern and marker.
STYLES = [
    ("#1f5fa8", ""),
    ("#b3470f", "6 3"),
    ("#2b7a3b", "2 3"),
    ("#7a2e8c", "8 3 2 3"),
    ("#5c5c5c", "1 2"),
    ("#a0122f", "10 4"),
]


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


def _nice(low: float, high: float) -> tuple[float, float, float]:
    if low == high:
        low, high = (0.0, high * 2 or 1.0) if high > 0 else (high * 2 or -1.0, 0.0)
    low, high = min(low, 0.0), max(high, 0.0)
    span = high - low
    step = 10 ** math.floor(math.log10(span / 5))
    for factor in (1, 2, 5, 10):
        if span / (step * factor) <= 6:
            step *= factor
            break
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _number(value: float, decimals: int | None = None) -> str:
    """An axis tick (``decimals`` None: whole from 100, else its shortest form) or a value with its
    table's decimals, in the page's language (:mod:`portal.kernel.formatting`)."""
    if decimals is not None:
        return formatting.number(value, decimals)
    return formatting.number(value, 0) if abs(value) >= 100 else formatting.number(f"{value:.6g}")


def _decimals(cube: Cube) -> int:
    """The decimals of the (first) contents value's unit, as the table shows it."""
    metric = cube.metric_index()
    code = cube.dimensions[metric].codes[0] if metric is not None else None
    return cube.unit_of(code).decimals


def build(cube: Cube, title: str, description: str) -> Chart | None:
    """The chart for ``cube``, or None when there is nothing to draw (no numbers)."""
    cube = _first_metric(cube)
    values = np.asarray(cube.values, dtype=np.float64)
    if values.size == 0 or np.isnan(values).all():
        return None
    sizes = cube.sizes
    time = next(
        (i for i, d in enumerate(cube.dimensions) if d.role == "time" and len(d.codes) > 1), None
    )
    if time is not None:
        return _line(cube, values, sizes, time, title, description)
    return _bars(cube, values, title, description)


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


def _line(
    cube: Cube,
    values: NDArray[np.float64],
    sizes: tuple[int, ...],
    time: int,
    title: str,
    description: str,
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
    categories = cube.dimensions[time].labels
    finite = rows[~np.isnan(rows)]
    low, high, step = _nice(float(finite.min()), float(finite.max()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * i / max(len(categories) - 1, 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = _frame(low, high, step, y)
    every = max(1, len(categories) // 12)
    for i, label in enumerate(categories):
        if i % every == 0 or i == len(categories) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'font-size="11">{escape(label)}</text>'
            )
    for n, line in enumerate(series):
        color, dash = STYLES[n % len(STYLES)]
        segments: list[list[str]] = []
        current: list[str] = []
        for i, v in enumerate(line.points):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(i):.1f},{y(v):.1f}")
        if current:
            segments.append(current)
        for points in segments:
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                f'stroke-dasharray="{dash}" points="{" ".join(points)}"/>'
            )
    return Chart(
        "line", _svg(parts, title, description), series, categories, len(block) > MAX_SERIES
    )


def _bars(cube: Cube, values: NDArray[np.float64], title: str, description: str) -> Chart:
    varying = [d for d in cube.dimensions if len(d.codes) > 1]
    labels = [", ".join(p) for p in itertools.product(*(d.labels for d in varying))] or [cube.title]
    shown = values[:MAX_BARS]
    finite = shown[~np.isnan(shown)]
    low, high, step = _nice(float(finite.min()), float(finite.max()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    parts = _frame(low, high, step, y)
    width = plot_w / len(shown)
    decimals = _decimals(cube)
    for i, v in enumerate(shown):
        if math.isnan(v):
            continue
        top, base = y(max(float(v), 0.0)), y(min(float(v), 0.0))
        parts.append(
            f'<rect x="{LEFT + i * width + width * 0.15:.1f}" y="{top:.1f}" '
            f'width="{width * 0.7:.1f}" height="{max(base - top, 0.5):.1f}" fill="{STYLES[0][0]}">'
            f"<title>{escape(labels[i] if i < len(labels) else str(i))}: {_number(float(v), decimals)}</title></rect>"
        )
    series = (Series(cube.title, tuple(_cell(v) for v in shown)),)
    return Chart(
        "bar",
        _svg(parts, title, description),
        series,
        tuple(labels[: len(shown)]),
        values.size > MAX_BARS,
    )


def _frame(low: float, high: float, step: float, y: Callable[[float], float]) -> list[str]:
    parts = []
    tick = low
    while tick <= high + step / 2:
        at = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end" font-size="11">{_number(tick)}</text>'
        )
        tick += step
    parts.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#333"/>')
    return parts


def _svg(parts: list[str], title: str, description: str) -> Markup:
    # Every text in ``parts`` went through escape(); the rest is markup this module writes.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
