"""A statistic's key figures (issue 18): the headline values of its main table, latest period against the
one before, as its page and its releases' pages lead with them. Never imports Flask: the pages pass the
cube source, the instant and the language, and build the links from :attr:`KeyFigure.selection`.

Which table and which series: the producer's choice (``Statistic.main_table_id`` and ``headline``), else
the statistic's first table and the first contents value. Only tables public at the instant are read
(:func:`pxbridge.service.visible`, the portal's one visibility rule), so no value of a table waiting for
its release ever shows; a choice that names a table not yet public falls back to the first public one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.kernel.errors import BadRequest, FieldError, PortalError
from portal.kernel.i18n import register_messages
from portal.programme.models import Statistic
from portal.programme.service import StatisticView
from pxbridge.models import DataTable, TableVariable
from pxbridge.query.cubes import CubeSource, select_cube
from pxbridge.query.extract import (
    answer_language,
    bare_title,
    dimension,
    label,
    table_languages,
    variable_label,
)
from pxbridge.service import visible

register_messages(
    {
        "keyfig.title": ("Nøkkeltall", "Key figures"),
        "keyfig.from_table": ("Fra tabell {id}:", "From table {id}:"),
        "keyfig.period": ("Periode", "Period"),
        "keyfig.change": ("Endring fra", "Change from"),
        "keyfig.no_change": (
            "Ingen tidligere periode å sammenligne med",
            "No earlier period to compare with",
        ),
        "keyfig.missing": ("Tallet finnes ikke", "Not available"),
        "keyfig.no_table": (
            "Statistikken har ingen publiserte tabeller ennå.",
            "The statistic has no published tables yet.",
        ),
        "keyfig.no_values": (
            "Nøkkeltallene kan ikke vises for denne tabellen.",
            "The key figures cannot be shown for this table.",
        ),
        "keyfig.unknown_table": (
            "Tabellen {id} hører ikke til denne statistikken.",
            "Table {id} does not belong to this statistic.",
        ),
        "keyfig.table_of_statistic": (
            "Velg en av statistikkens egne tabeller.",
            "Choose one of the statistic's own tables.",
        ),
        "keyfig.headline_needs_table": (
            "Velg hovedtabellen før du velger nøkkeltallene i den.",
            "Choose the main table before the key figures in it.",
        ),
        "keyfig.unknown_variable": (
            "Tabellen {id} har ingen variabel {variable}.",
            "Table {id} has no variable {variable}.",
        ),
        "keyfig.no_time": (
            "Tiden velges ikke: nøkkeltallene viser alltid de to siste periodene.",
            "Time is not chosen: the key figures always show the latest two periods.",
        ),
        "keyfig.unknown_value": (
            "Variabelen {variable} i tabell {id} har ingen verdi {code}.",
            "Variable {variable} in table {id} has no value {code}.",
        ),
        "keyfig.one_value": (
            "Velg én verdi av {variable}; bare statistikkvariabelen kan ha flere.",
            "Choose one value of {variable}; only the contents variable may have several.",
        ),
        "keyfig.main_table": ("Hovedtabell for nøkkeltallene", "Main table of the key figures"),
        "keyfig.main_table_auto": ("Statistikkens første tabell", "The statistic's first table"),
        "keyfig.headline": ("Nøkkeltall i hovedtabellen", "Key figures in the main table"),
        "keyfig.headline_hint": (
            "Nøkkeltallene viser alltid de to siste periodene. Der du ikke velger noe, viser de "
            "totalen, eller den første verdien når variabelen ikke har noen total.",
            "The key figures always show the latest two periods. Where you choose nothing, they show "
            "the total, or the first value when the variable has no total.",
        ),
        "keyfig.figures_hint": (
            "Kryss av for opptil {max}; hver blir ett nøkkeltall. Uten kryss: den første.",
            "Tick up to {max}; each becomes one key figure. None ticked: the first.",
        ),
        "keyfig.total": ("Standard (totalen)", "Default (the total)"),
        "keyfig.save_table_first": (
            "Lagre valget av hovedtabell først; så kan du velge nøkkeltallene i den.",
            "Save the choice of main table first; then you can choose the key figures in it.",
        ),
        "keyfig.not_listed": (
            "Velg blant verdiene i listen for {variable}.",
            "Choose among the listed values of {variable}.",
        ),
        "keyfig.too_many": (
            "Kryss av for høyst {max} verdier av {variable}.",
            "Tick no more than {max} values of {variable}.",
        ),
        "keyfig.headline_refused": (
            "Nøkkeltallene passer ikke til hovedtabellen.",
            "The key figures do not fit the main table.",
        ),
    }
)

#: The most figures a headline may hold (values of the contents variable).
MAX_FIGURES = 6


@dataclass(frozen=True)
class KeyFigure:
    """One headline series: its value in the latest period and the change from the one before."""

    label: str  # the contents value, with any other chosen value that tells series apart
    value: float | None  # None where the table has a symbol (".." or ":")
    period: str  # the latest period's label
    previous: float | None
    previous_period: str | None  # None when the table has a single period
    unit: str
    decimals: int
    #: The selection the table page opens with ({"v-<variable>": [codes]}): both periods of the series.
    selection: Mapping[str, list[str]]

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> float | None:
        if self.value is None or not self.previous:
            return None
        return 100 * (self.value - self.previous) / abs(self.previous)


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of one table, or why there are none (``figures`` empty)."""

    table_id: str
    table_title: str
    figures: tuple[KeyFigure, ...]
    # The language of the table's labels: the page's when the table has it, else the table's own.
    lang: str = "nb"


@dataclass(frozen=True)
class TableSummary:
    """A public table as the statistic page lists it."""

    id: str
    title_nb: str
    title_en: str
    first_period: str
    last_period: str
    updated: datetime | None


def public_tables(
    session: Session, statistic_id: int, now: datetime, only: Collection[str] | None = None
) -> list[DataTable]:
    """The statistic's tables public at ``now``, by id, variables loaded (``only``: of these ids)."""
    stmt = visible(now).where(DataTable.statistic_id == statistic_id)
    if only is not None:
        stmt = stmt.where(DataTable.id.in_(list(only)))
    return list(
        session.scalars(stmt.order_by(DataTable.id).options(selectinload(DataTable.variables)))
    )


def table_summaries(session: Session, statistic_id: int, now: datetime) -> list[TableSummary]:
    """The statistic's public tables with the periods they cover and when they were last updated."""
    stmt = (
        visible(now)
        .where(DataTable.statistic_id == statistic_id)
        .with_only_columns(
            DataTable.id,
            DataTable.title_nb,
            DataTable.title_en,
            DataTable.first_period,
            DataTable.last_period,
            DataTable.updated,
        )
        .order_by(DataTable.id)
    )
    return [
        TableSummary(table_id, bare_title(table_id, nb), bare_title(table_id, en), first, last, at)
        for table_id, nb, en, first, last, at in session.execute(stmt)
    ]


def key_figures(
    source: CubeSource,
    statistic: Statistic,
    now: datetime,
    lang: str,
    only: Collection[str] | None = None,
) -> KeyFigures | None:
    """The statistic's key figures at ``now`` in ``lang``; None when it has no public table (of
    ``only``, the tables a release published, when given)."""
    tables = public_tables(source.session, statistic.id, now, only)
    if not tables:
        return None
    chosen = next((t for t in tables if t.id == statistic.main_table_id), tables[0])
    headline = statistic.headline if chosen.id == statistic.main_table_id else None
    title = bare_title(chosen.id, label(chosen, "title", lang))
    if headline and _headline_problems(chosen, headline):
        headline = None  # the table changed since the choice: the default series
    if chosen.remote_id is not None:
        # A mirrored table's cells are its remote's: a statistic page does not wait for another site.
        return KeyFigures(chosen.id, title, (), answer_language(chosen, lang))
    figures = _figures(source, chosen, headline or {}, lang)
    return KeyFigures(chosen.id, title, figures, answer_language(chosen, lang))


def _figures(
    source: CubeSource, table: DataTable, headline: Mapping[str, Sequence[str]], lang: str
) -> tuple[KeyFigure, ...]:
    time = next((v for v in table.variables if v.role == "time"), None)
    if time is None or not time.codes:
        return ()
    requested: dict[str, list[str]] = {}
    for variable in table.variables:
        if variable is time:
            requested[variable.code] = list(time.codes[-2:])
        elif variable.code in headline:
            requested[variable.code] = list(headline[variable.code])
        elif variable.role == "metric" or not variable.elimination:
            requested[variable.code] = list(variable.codes[:1])
        elif variable.elimination_code:
            requested[variable.code] = [variable.elimination_code]
        else:
            requested[variable.code] = list(variable.codes[:1])
    try:
        cube, _ = select_cube(source, table, requested, lang, [], [])
    except PortalError:
        return ()
    values = np.asarray(cube.values, dtype=np.float64).reshape(cube.sizes)
    dims = cube.dimensions
    t = next(i for i, d in enumerate(dims) if d.code == time.code)
    metric = cube.metric_index()
    series = range(len(dims[metric].codes)) if metric is not None else range(1)
    figures = []
    for m in series:
        at = [0] * len(dims)
        if metric is not None:
            at[metric] = m
        latest_at = len(dims[t].codes) - 1
        at[t] = latest_at
        value = _value(values[tuple(at)])
        previous, previous_period = None, None
        if latest_at > 0:
            at[t] = latest_at - 1
            previous, previous_period = _value(values[tuple(at)]), dims[t].labels[latest_at - 1]
        metric_code = dims[metric].codes[m] if metric is not None else None
        unit = cube.unit_of(metric_code)
        names = [dims[metric].labels[m]] if metric is not None else [cube.contents or cube.title]
        names += [
            d.labels[0]
            for i, d in enumerate(dims)
            if i not in (t, metric)
            and d.code in headline
            and len(_variable(table, d.code).codes) > 1
        ]
        selection = {f"v-{d.code}": list(d.codes) for d in dims}
        if metric is not None:
            selection[f"v-{dims[metric].code}"] = [dims[metric].codes[m]]
        figures.append(
            KeyFigure(
                label=", ".join(names),
                value=value,
                period=dims[t].labels[latest_at],
                previous=previous,
                previous_period=previous_period,
                unit=unit.base,
                decimals=unit.decimals,
                selection=selection,
            )
        )
    return tuple(figures)


def _value(cell: object) -> float | None:
    number = float(cell)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _variable(table: DataTable, code: str) -> TableVariable:
    return next(v for v in table.variables if v.code == code)


def _headline_problems(table: DataTable, headline: Mapping[str, Sequence[str]]) -> list[FieldError]:
    """What is wrong with ``headline`` as a choice of series in ``table``, one error a fault."""
    problems = []
    variables = {v.code: v for v in table.variables}
    for code, values in headline.items():
        variable = variables.get(code)
        if variable is None:
            problems.append(
                FieldError.said("/headline", "keyfig.unknown_variable", id=table.id, variable=code)
            )
            continue
        if variable.role == "time":
            problems.append(FieldError.said("/headline", "keyfig.no_time"))
            continue
        name = variable_label(variable, "nb")
        if (
            not values
            or (variable.role != "metric" and len(values) > 1)
            or len(values) > MAX_FIGURES
        ):
            problems.append(FieldError.said("/headline", "keyfig.one_value", variable=name))
        problems.extend(
            FieldError.said("/headline", "keyfig.unknown_value", variable=name, id=table.id, code=v)
            for v in values
            if v not in variable.codes
        )
    return problems


def hide_unreleased_choice(
    session: Session, views: Sequence[StatisticView], now: datetime
) -> list[StatisticView]:
    """The statistics as the public may see them at ``now``: a main table still waiting for its release
    is not named (nor its headline), since such a table does not exist yet for anyone but its producer."""
    chosen = {v.main_table_id for v in views if v.main_table_id}
    public = (
        set(
            session.scalars(
                visible(now).where(DataTable.id.in_(chosen)).with_only_columns(DataTable.id)
            )
        )
        if chosen
        else set()
    )
    return [
        v
        if v.main_table_id is None or v.main_table_id in public
        else replace(v, main_table_id=None, headline=None)
        for v in views
    ]


def own_tables(session: Session, statistic_slug: str) -> list[tuple[str, str, str]]:
    """(id, title nb, title en) of every table of the statistic, public yet or not: what its
    producer may choose the main table among."""
    rows = session.execute(
        select(DataTable.id, DataTable.title_nb, DataTable.title_en)
        .join(Statistic, Statistic.id == DataTable.statistic_id)
        .where(Statistic.slug == statistic_slug)
        .order_by(DataTable.id)
    )
    return [(table_id, nb, en) for table_id, nb, en in rows]


def check_choice(
    session: Session,
    statistic_slug: str,
    main_table_id: str | None,
    headline: Mapping[str, Sequence[str]] | None,
) -> None:
    """Whether a producer's choice of main table and headline series can be saved: the table is one of
    the statistic's own (public yet or not: its editors know it), the headline names its variables and
    values. ``None`` leaves a part as it is, "" and {} clear it. Raises BadRequest."""
    statistic = session.scalar(select(Statistic).where(Statistic.slug == statistic_slug))
    if statistic is None:
        return  # the service says so
    table_id = statistic.main_table_id if main_table_id is None else main_table_id
    table = None
    if main_table_id:
        table = session.scalar(
            select(DataTable)
            .where(DataTable.statistic_id == statistic.id, DataTable.id == main_table_id)
            .options(selectinload(DataTable.variables))
        )
        if table is None:
            raise BadRequest(
                "", (FieldError.said("/main_table_id", "keyfig.table_of_statistic"),)
            ).said("keyfig.unknown_table", id=main_table_id)
    if not headline:
        return
    if not table_id:
        raise BadRequest("", (FieldError.said("/headline", "keyfig.headline_needs_table"),)).said(
            "keyfig.headline_needs_table"
        )
    if table is None:
        table = session.scalar(
            select(DataTable)
            .where(DataTable.statistic_id == statistic.id, DataTable.id == table_id)
            .options(selectinload(DataTable.variables))
        )
    if table is None:
        raise BadRequest(
            "", (FieldError.said("/main_table_id", "keyfig.table_of_statistic"),)
        ).said("keyfig.unknown_table", id=table_id)
    problems = _headline_problems(table, headline)
    if problems:
        raise BadRequest("", tuple(problems)).said("keyfig.headline_refused")


@dataclass(frozen=True)
class HeadlineControl:
    """One variable of the main table as its producer chooses the headline in it: the contents variable
    by ticking up to :data:`MAX_FIGURES` values, any other by one value or none (then the key figures
    use its total). Labels are in the page's language where the table has it, else in the table's."""

    code: str
    label: str
    values: tuple[tuple[str, str], ...]  # (code, label), in the table's order
    several: bool  # the contents variable: each ticked value is a key figure of its own
    lang: str = "nb"  # the labels' language: the page's when the table has it, else the table's own

    @property
    def field(self) -> str:
        """The form field's name; the contents variable's checkboxes all carry it."""
        return f"headline-{self.code}"


def headline_controls(
    session: Session, statistic_slug: str, table_id: str, lang: str
) -> tuple[HeadlineControl, ...]:
    """The variables of the statistic's table ``table_id`` (public yet or not) to choose the headline
    from: the contents variable first, then the others in the table's order, all but time (the key
    figures always show the latest two periods). Empty when no such table is the statistic's."""
    if not table_id:
        return ()
    table = session.scalar(
        select(DataTable)
        .join(Statistic, Statistic.id == DataTable.statistic_id)
        .where(Statistic.slug == statistic_slug, DataTable.id == table_id)
        .options(selectinload(DataTable.variables))
    )
    if table is None:
        return ()
    served, own = answer_language(table, lang), table_languages(table)[0]
    return tuple(
        HeadlineControl(
            code=v.code,
            label=variable_label(v, served),
            values=tuple(zip(v.codes, dimension(v, None, served, own).labels, strict=True)),
            several=v.role == "metric",
            lang=served,
        )
        # The contents variable first: it decides what the key figures are, the others narrow them.
        for v in sorted(table.variables, key=lambda v: v.role != "metric")
        if v.role != "time"
    )


def read_headline(
    controls: Sequence[HeadlineControl], posted: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, ...]]:
    """The headline a form chose, {variable: codes} as :func:`check_choice` and the statistic service
    take it, from ``posted`` (each control's field name: the values sent; "" is "not chosen"). A
    variable left unchosen is left out, so nothing chosen is {} (the choice cleared). Raises
    BadRequest with an error at each field (pointer ``/<field>``) that sent a value not among its own,
    more than :data:`MAX_FIGURES` ticks, or several values where only one may be chosen."""
    chosen: dict[str, tuple[str, ...]] = {}
    problems = []
    for control in controls:
        sent = {v for v in posted.get(control.field, ()) if v}
        if not sent:
            continue
        pointer = f"/{control.field}"
        values = tuple(code for code, _ in control.values if code in sent)
        if len(values) < len(sent):
            problems.append(FieldError.said(pointer, "keyfig.not_listed", variable=control.label))
        elif control.several and len(values) > MAX_FIGURES:
            problems.append(
                FieldError.said(pointer, "keyfig.too_many", variable=control.label, max=MAX_FIGURES)
            )
        elif not control.several and len(values) > 1:
            problems.append(FieldError.said(pointer, "keyfig.one_value", variable=control.label))
        else:
            chosen[control.code] = values
    if problems:
        raise BadRequest("", tuple(problems)).said("keyfig.headline_refused")
    return chosen
