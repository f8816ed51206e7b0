"""HTML forms. Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    SelectMultipleField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.kernel.i18n import current_language


# flask-wtf ships no type information, so mypy sees its base class as Any.
class PortalForm(FlaskForm):  # type: ignore[misc]
    """A form whose validation messages come in the page's language (WTForms ships nb and en)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        meta = dict(kwargs.pop("meta", None) or {})
        meta["locales"] = [current_language()]
        super().__init__(*args, meta=meta, **kwargs)


class ButtonForm(PortalForm):
    """A form with nothing but its CSRF token, for one-button actions (log out, revoke)."""


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
