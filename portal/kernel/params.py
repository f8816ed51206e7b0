"""Numbers in a query string, read alike by every page and API that takes them: a parameter names its
own error, and nothing is read past. No Flask: callers pass the arguments (``request.args``) in."""

from __future__ import annotations

from collections.abc import Mapping

from portal.kernel.errors import BadRequest, FieldError
from portal.kernel.i18n import register_messages

register_messages(
    {
        "params.whole_number": (
            "{name} må være et helt tall.",
            "{name} must be a whole number.",
        ),
        "params.not_integer": ("ikke et helt tall", "not an integer"),
        "params.required_id": ("{name} må være et id-nummer.", "{name} must be {what}."),
        "params.a_number": ("et tall", "a number"),
    }
)


def whole_number(args: Mapping[str, str], name: str, default: int) -> int:
    """``args[name]`` as an integer, ``default`` when it is absent or empty. Raises BadRequest naming
    the parameter."""
    raw = args.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest("", (FieldError.said(name, "params.not_integer"),)).said(
            "params.whole_number", name=name
        ) from None


def required_id(args: Mapping[str, str], name: str, what: str) -> int:
    """``args[name]``, the id of the object it names, ``what`` saying which (``a version id``). Raises
    BadRequest naming the parameter when it is absent or not a number."""
    try:
        return int(args[name])
    except (KeyError, ValueError):
        raise BadRequest("", (FieldError.said(name, "params.a_number"),)).said(
            "params.required_id", name=name, what=what
        ) from None
