"""The bodies PxWebApi 2.0 takes by POST, as pydantic models: a VariablesSelection (a data request,
and a saved query's selection) and a SavedQuery. Upstream's field names and quirks are kept: a
falsy ``selection``, ``valueCodes``, ``placement``, ``stub``, ``heading``, ``language`` or
``outputFormatParams`` counts as absent, ``codelist`` may be spelt ``codeList``, and unknown fields are
ignored. A body that does not fit answers the same 400 problem the hand-written checks answered
before (its first fault, in the order of the fields), with upstream's titles ("Illegal placment",
sic). No Flask: the endpoints in :mod:`pxbridge.api.pxwebapi` read the request and call these."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from portal.kernel.errors import PortalError
from pxbridge.query.selection import problem

#: PxWebApi's language ids, and the portal language each one reads.
LANGUAGES = {"no": "nb", "nb": "nb", "nn": "nb", "en": "en"}
DEFAULT_LANGUAGE = "no"
#: What a language id may look like ("no", "en", "sv", "fi", "se" …; at most the five characters
#: ``saved_query.language`` holds). Whether the table has it is asked once the table is known.
LANGUAGE_ID = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{1,2})?$")

#: (requested value codes by variable, stub, heading, code list ids by variable)
Parsed = tuple[dict[str, list[str]], list[str], list[str], dict[str, str]]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class VariableSelection(_Body):
    """One variable of a VariablesSelection: its code, the value codes or selection expressions
    asked for, and the code list (``codelist``, or ``codeList``) they name values of."""

    variable_code: StrictStr = Field(alias="variableCode")
    value_codes: list[StrictStr] = Field(alias="valueCodes")
    codelist: StrictStr | None = None

    @model_validator(mode="before")
    @classmethod
    def _upstream_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        codelist = data.get("codelist") or data.get("codeList")
        return {**data, "valueCodes": data.get("valueCodes") or [], "codelist": codelist}


class Placement(_Body):
    """Which variables go in the stub and which in the heading (``placement``)."""

    stub: list[StrictStr]
    heading: list[StrictStr]

    @model_validator(mode="before")
    @classmethod
    def _upstream_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {"stub": data.get("stub") or [], "heading": data.get("heading") or []}


class VariablesSelection(_Body):
    """``{selection: [{variableCode, codelist, valueCodes}], placement: {stub, heading}}``."""

    selection: list[VariableSelection]
    placement: Placement

    @model_validator(mode="before")
    @classmethod
    def _upstream_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {"selection": data.get("selection") or [], "placement": data.get("placement") or {}}

    def parsed(self) -> Parsed:
        """The selection as the query service reads it; a variable named twice gets both lists."""
        requested: dict[str, list[str]] = {}
        wanted: dict[str, str] = {}
        for item in self.selection:
            if item.codelist:
                wanted[item.variable_code] = item.codelist
            requested.setdefault(item.variable_code, []).extend(item.value_codes)
        return requested, list(self.placement.stub), list(self.placement.heading), wanted


class SavedQueryIn(_Body):
    """A SavedQuery to store: the table, the language (``no`` when absent; one of the portal's or one
    only the table has, which :func:`pxbridge.saved_queries.save_query` checks), the output format
    and its parameters it runs with, and the selection (checked as a VariablesSelection later, after
    the other fields, as upstream does)."""

    table_id: StrictStr = Field(alias="tableId", min_length=1)
    language: str
    output_format: str | None = Field(alias="outputFormat")
    output_format_params: list[StrictStr] = Field(alias="outputFormatParams")
    selection: Any

    @model_validator(mode="before")
    @classmethod
    def _upstream_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            **data,
            "language": data.get("language") or DEFAULT_LANGUAGE,
            "outputFormat": data.get("outputFormat"),
            "outputFormatParams": data.get("outputFormatParams") or [],
            "selection": data.get("selection") or {},
        }

    @field_validator("language", mode="before")
    @classmethod
    def _known_language(cls, value: Any) -> str:
        if not isinstance(value, str) or not LANGUAGE_ID.match(value):
            raise PydanticCustomError("language", "unsupported language")
        return value

    @field_validator("output_format", mode="before")
    @classmethod
    def _known_format(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        formats: Collection[str] = (info.context or {})["formats"]
        if str(value).lower() not in formats:
            raise PydanticCustomError("output_format", "unsupported output format")
        return str(value).lower()


def parse_selection(body: Any) -> Parsed:
    """A VariablesSelection as (requested values by variable, stub, heading, codelist ids by
    variable). Raises 400 problems, for the first fault in the order of the fields."""
    try:
        return VariablesSelection.model_validate(body).parsed()
    except ValidationError as error:
        raise _selection_problem(error.errors()[0]["loc"]) from None


def parse_saved_query(body: Any, formats: Collection[str]) -> tuple[SavedQueryIn, Parsed]:
    """A SavedQuery body and its parsed selection; ``formats``: the output formats' names. Raises 400
    problems, for the first fault in the order of the fields, the selection's last."""
    try:
        saved = SavedQueryIn.model_validate(body, context={"formats": formats})
    except ValidationError as error:
        first = error.errors()[0]
        raise _saved_query_problem(first["loc"], first["input"]) from None
    return saved, parse_selection(saved.selection)


def _selection_problem(loc: tuple[int | str, ...]) -> PortalError:
    if not loc:
        return problem(400, "Parameter error", "sel.body_selection")
    if loc[0] == "placement":
        if len(loc) == 1:
            return problem(400, "Parameter error", "sel.placement_object")
        return problem(400, "Illegal placment", "sel.placement_body")
    if len(loc) == 1:
        return problem(400, "Parameter error", "sel.selection_list")
    field = loc[2] if len(loc) > 2 else "variableCode"
    if field == "valueCodes":
        return problem(400, "Parameter error", "sel.value_codes_list")
    if field == "codelist":
        return problem(400, "Non-existent codelist", "sel.no_codelist")
    return problem(400, "Parameter error", "sel.variable_code")


def _saved_query_problem(loc: tuple[int | str, ...], given: Any) -> PortalError:
    field = loc[0] if loc else None
    if field == "tableId":
        return problem(400, "Parameter error", "sel.table_id")
    if field == "language":
        return problem(400, "Unsupported language", "sel.language", language=given)
    if field == "outputFormat":
        return problem(400, "Unsupported output format", "sel.output_format", format=given)
    if field == "outputFormatParams":
        return problem(400, "Parameter error", "sel.format_params")
    return problem(400, "Parameter error", "sel.body_saved_query")
