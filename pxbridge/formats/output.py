"""Every output format PxWebApi 2.0 offers, by name: json-stat2 (streamed), csv, xlsx, px, html,
json-px and parquet, with their content types and file suffixes (PxWebApi 2.0's specification, github.com/PxTools/PxApiSpecs)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response

from pxbridge.formats import FORMATS, jsonstat, parse_output_params
from pxbridge.formats.px import write_px
from pxbridge.ingest.px import ContentsValue, PxTable, Variable
from pxbridge.query.cube import Cube

FORMAT_NAMES = ("json-stat2", "csv", "xlsx", "px", "html", "json-px", "parquet")
PX_CONTENT_TYPE = "application/octet-stream; charset=utf-8"


def as_px_table(cube: Cube) -> PxTable:
    """The cube as a one-language PX table for the PX writer."""
    lang = cube.language
    variables = tuple(
        Variable(
            code=d.code,
            labels={lang: d.label},
            codes=d.codes,
            value_labels={lang: d.labels},
            elimination=d.elimination,
            elimination_code=None,
            time_scale=d.time_scale,
            is_contents=d.role == "metric",
            show=d.show,
            notes={lang: d.notes} if d.notes else {},
            value_notes={lang: dict(d.value_notes)} if d.value_notes else {},
        )
        for d in cube.dimensions
    )
    metric = cube.metric_index()
    contents = (
        tuple(
            ContentsValue(
                code=code,
                units={lang: cube.unit_of(code).base},
                decimals=cube.unit_of(code).decimals,
                last_updated=cube.updated,
                refperiod={},
                stockfa=None,
                cfprices=None,
            )
            for code in cube.dimensions[metric].codes
        )
        if metric is not None
        else (
            ContentsValue(
                "",
                {lang: cube.unit_of(None).base},
                cube.unit_of(None).decimals,
                cube.updated,
                {},
                None,
                None,
            ),
        )
    )
    stub = tuple(d.code for d in cube.dimensions[: cube.stub])
    heading = tuple(d.code for d in cube.dimensions[cube.stub :])
    return PxTable(
        matrix=cube.matrix,
        table_id=cube.table_id,
        language=lang,
        languages=(lang,),
        title={lang: cube.title},
        description={lang: cube.title},
        contents={lang: cube.title},
        units={lang: cube.unit_of(None).base},
        source={lang: cube.source},
        contact={lang: cube.contact} if cube.contact else {},
        notes={lang: cube.notes} if cube.notes else {},
        decimals=max([cube.decimals, *(c.decimals for c in contents)]),
        showdecimals=None,
        subject_code=cube.subject_code,
        subject_area={},
        official=cube.official,
        updated=cube.updated,
        codepage="utf-8",
        stub=stub,
        heading=heading,
        variables=variables,
        contents_values=contents,
        symbols=dict(cube.symbols),
        values=cube.values,
        aggregallowed=cube.aggregallowed,
    )


def _px(cube: Cube) -> bytes:
    table = as_px_table(cube)
    return write_px(table, table.values, table.variables, table.stub, table.heading)


def render(cube: Cube, format_name: str, params: Sequence[str]) -> Response:
    """The response for ``cube`` in ``format_name``, with PxWebApi's Content-Disposition. Raises a 400
    problem for parameters the format does not take."""
    if format_name == "json-stat2":
        if params:
            parse_output_params(params, "px")  # json-stat2 takes none, as px
        response = Response(jsonstat.stream(cube), content_type=jsonstat.CONTENT_TYPE)
        suffix = ".json"
    elif format_name == "px":
        if params:
            parse_output_params(params, "px")
        response = Response(_px(cube), content_type=PX_CONTENT_TYPE)
        suffix = ".px"
    else:
        chosen = FORMATS[format_name]
        response = Response(
            chosen.render(cube, parse_output_params(params, format_name)),
            content_type=chosen.content_type,
        )
        suffix = chosen.suffix
    response.headers["Content-Disposition"] = f'inline; filename="{cube.matrix}{suffix}"'
    return response
