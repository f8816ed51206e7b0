"""Every output format PxWebApi 2.0 offers, by name: json-stat2 (streamed), csv, xlsx, px, html,
json-px and parquet, with their content types and file suffixes (PxWebApi 2.0's specification, github.com/PxTools/PxApiSpecs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Response

from pxbridge.formats import FORMATS, jsonstat, parse_output_params
from pxbridge.formats.px import write_px
from pxbridge.ingest.px import ContentsValue, PxTable, Variable
from pxbridge.query.cube import Cube

FORMAT_NAMES = ("json-stat2", "csv", "xlsx", "px", "html", "json-px", "parquet")
PX_CONTENT_TYPE = "application/octet-stream; charset=utf-8"


def as_px_table(cube: Cube) -> PxTable:
    """The cube as a PX table for the PX writer, in the languages it holds (its own and its
    :attr:`~pxbridge.query.cube.Cube.translations`): LANGUAGE the table's own language when held, else
    the cube's, LANGUAGES all of them, texts and notes in each. DECIMALS, SHOWDECIMALS and each
    contents value's decimals (PRECISION) as the table has them, PRECISION on other variables' values,
    and the optional keywords the file gave in a form nothing can use, as text (issue 21)."""
    by_lang = {cube.language: cube, **{t.language: t for t in cube.translations}}
    own = cube.languages[0] if cube.languages else cube.language
    default = own if own in by_lang else cube.language
    # In the table's order of its languages (LANGUAGES as the file had it), whichever was asked.
    order = {lang: i for i, lang in enumerate(cube.languages)}
    langs = (default, *sorted((x for x in by_lang if x != default), key=lambda x: order.get(x, 99)))

    def each(text: Callable[[Cube], str]) -> dict[str, str]:
        return {lang: text(by_lang[lang]) for lang in langs}

    variables = tuple(
        Variable(
            code=d.code,
            labels={lang: by_lang[lang].dimensions[i].label for lang in langs},
            codes=d.codes,
            value_labels={lang: by_lang[lang].dimensions[i].labels for lang in langs},
            elimination=d.elimination,
            elimination_code=None,
            time_scale=d.time_scale,
            is_contents=d.role == "metric",
            show=d.show,
            notes={
                lang: by_lang[lang].dimensions[i].notes
                for lang in langs
                if by_lang[lang].dimensions[i].notes
            },
            value_notes={
                lang: dict(by_lang[lang].dimensions[i].value_notes)
                for lang in langs
                if by_lang[lang].dimensions[i].value_notes
            },
            precision=d.precision,
        )
        for i, d in enumerate(cube.dimensions)
    )
    metric = cube.metric_index()
    codes = cube.dimensions[metric].codes if metric is not None else ("",)
    contents = tuple(
        ContentsValue(
            code=code,
            units={lang: by_lang[lang].unit_of(code or None).base for lang in langs},
            decimals=cube.unit_of(code or None).decimals,
            last_updated=cube.updated,
            refperiod={},
            stockfa=None,
            cfprices=None,
        )
        for code in codes
    )
    # A table read from a PX file keeps its own DECIMALS; one from JSON-stat or CSV states no
    # SHOWDECIMALS, and its DECIMALS covers every contents value's decimals.
    decimals = (
        cube.decimals
        if cube.showdecimals is not None
        else max([cube.decimals, *(c.decimals for c in contents)])
    )
    stub = tuple(d.code for d in cube.dimensions[: cube.stub])
    heading = tuple(d.code for d in cube.dimensions[cube.stub :])
    return PxTable(
        matrix=cube.matrix,
        table_id=cube.table_id,
        language=default,
        languages=langs,
        title=each(lambda c: c.title),
        description=each(lambda c: c.title),
        contents=each(lambda c: c.contents or c.title),
        units=each(lambda c: c.unit_of(None).base),
        source=each(lambda c: c.source),
        contact={default: cube.contact} if cube.contact else {},
        notes={lang: by_lang[lang].notes for lang in langs if by_lang[lang].notes},
        decimals=decimals,
        showdecimals=cube.showdecimals,
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
        kept_as_text=cube.kept_as_text,
    )


def render_px(cube: Cube) -> bytes:
    """The cube as a UTF-8 PX file (:func:`as_px_table`, :func:`~pxbridge.formats.px.write_px`)."""
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
        response = Response(render_px(cube), content_type=PX_CONTENT_TYPE)
        suffix = ".px"
    else:
        chosen = FORMATS[format_name]
        response = Response(
            chosen.render(cube, parse_output_params(params, format_name)),
            content_type=chosen.content_type,
        )
        suffix = chosen.suffix
    response.headers["Content-Disposition"] = f'inline; filename="{cube.matrix}{suffix}"'
    # The language of the labels sent, which is the table's own when it lacks the one asked for.
    response.headers["Content-Language"] = cube.language
    return response
