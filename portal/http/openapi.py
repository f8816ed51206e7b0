"""The OpenAPI 3.1 document, generated from the routes and the operation each view declares.

Every route under /api/v1 (and /healthz) must carry an :func:`operation`; building the document fails on
one that does not, so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema


class FieldProblem(BaseModel):
    pointer: str
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None


View = Callable[..., Any]


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class RequestBody:
    """A body that is not one JSON model: a file (CSV, PX, a Klass answer) in one of several media
    types, each with its schema (a JSON Schema, or a model to reference), so generated clients and
    fuzzers can send it."""

    description: str
    content: dict[str, dict[str, Any] | type[BaseModel]]


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    responses: dict[int, tuple[str, type[BaseModel] | None]]
    query: tuple[Param, ...] = ()
    #: The request body: a JSON model (``application/json``), or a :class:`RequestBody`.
    body: type[BaseModel] | RequestBody | None = None
    auth: bool = False
    headers: tuple[Param, ...] = ()

    def body_models(self) -> list[type[BaseModel]]:
        if self.body is None:
            return []
        if isinstance(self.body, RequestBody):
            return [m for m in self.body.content.values() if not isinstance(m, dict)]
        return [self.body]


def operation(spec: Operation) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        view.openapi = spec  # type: ignore[attr-defined]
        return view

    return decorator


PROBLEM_STATUSES = {
    400: "Invalid input: malformed JSON, wrong types, unknown fields or bad parameters.",
    401: "No API token, or an unknown or revoked one.",
    403: "The token belongs to another producer.",
    404: "No such resource.",
    409: "Conflicts with existing data (a taken slug), or another write of the same thing came first "
    "(a stale version, a lost race); nothing was changed.",
    412: "If-Match names an older version than the stored one.",
    413: "The request body is too large.",
    415: "The request body is not application/json.",
    429: "Too many requests; see Retry-After.",
}

_CONVERTER = re.compile(r"<(?:[a-z_]+:)?([a-z_]+)>")


def operation_of(view: View) -> Operation:
    """The operation a view declared. Raises LookupError for an undocumented API view."""
    spec = getattr(view, "openapi", None)
    if not isinstance(spec, Operation):
        raise LookupError(f"{view.__name__} has no OpenAPI operation")
    return spec


def documented_rules(app: Flask) -> list[tuple[str, str, View]]:
    """(OpenAPI path, method, view) for every API route; the test compares these with the document."""
    found = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"):
            continue
        view = app.view_functions[rule.endpoint]
        if rule.rule.endswith("/docs"):
            continue  # the HTML rendering of this document; its JSON twin is the document itself
        path = _CONVERTER.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), view))
    return found


#: Module prefixes of models that moved since the document first published them, with the prefix it
#: published them under (pydantic qualifies a component's name by its module when two models share a
#: class name). Generated clients name their types after these names, so a move must not rename one.
_PUBLISHED_MODULES: dict[str, str] = {}


def keep_component_names(moved: dict[str, str]) -> None:
    """Publish the models of module prefix ``moved[k]``'s new home ``k`` under their old names."""
    _PUBLISHED_MODULES.update(moved)


class _PublishedNames(GenerateJsonSchema):
    def normalize_name(self, name: str) -> str:
        for moved, published in _PUBLISHED_MODULES.items():
            if name.startswith(moved):
                name = published + name[len(moved) :]
        return super().normalize_name(name)


def build_document(app: Flask) -> dict[str, Any]:
    models: set[type[BaseModel]] = {Problem}
    for _, _, view in documented_rules(app):
        spec = operation_of(view)
        models.update(m for _, m in spec.responses.values() if m is not None)
        models.update(spec.body_models())
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, top = models_json_schema(
        [(m, "validation") for m in ordered],
        ref_template="#/components/schemas/{model}",
        schema_generator=_PublishedNames,
    )
    components = top.get("$defs", {})

    paths: dict[str, dict[str, Any]] = {}
    for path, method, view in documented_rules(app):
        spec = operation_of(view)
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{([a-z_]+)}", path)
        ]
        params += [
            {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": p.description,
                "schema": p.schema,
            }
            for p in spec.query
        ]
        params += [
            {
                "name": p.name,
                "in": "header",
                "required": False,
                "description": p.description,
                "schema": p.schema,
            }
            for p in spec.headers
        ]
        op: dict[str, Any] = {
            "operationId": view.__name__,
            "summary": spec.summary,
            "tags": [spec.tag],
            "responses": {},
        }
        if params:
            op["parameters"] = params
        if spec.auth:
            op["security"] = [{"token": []}]
        if isinstance(spec.body, RequestBody):
            op["requestBody"] = {
                "required": True,
                "description": spec.body.description,
                "content": {
                    media: {
                        "schema": schema
                        if isinstance(schema, dict)
                        else refs[(schema, "validation")]
                    }
                    for media, schema in spec.body.content.items()
                },
            }
        elif spec.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[(spec.body, "validation")]}},
            }
        for status, (description, model) in sorted(spec.responses.items()):
            response: dict[str, Any] = {"description": description}
            if model is not None:
                media = "application/problem+json" if model is Problem else "application/json"
                response["content"] = {media: {"schema": refs[(model, "validation")]}}
            op["responses"][str(status)] = response
        paths.setdefault(path, {})[method] = op

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Statistikkportalen API",
            "version": "1",
            "description": "Producers, subject areas and statistics of Norway's official statistics.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A producer's API token (`portal token create`).",
                }
            },
        },
    }


def problems(*statuses: int) -> dict[int, tuple[str, type[BaseModel] | None]]:
    """Problem responses for the given statuses, with their standard descriptions."""
    return {s: (PROBLEM_STATUSES[s], Problem) for s in statuses}
