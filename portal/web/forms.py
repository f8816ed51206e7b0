"""HTML forms. Flask-WTF adds the CSRF token to each."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.i18n import current_language
from portal.programme.models import Frequency


# flask-wtf ships no type information, so mypy sees its base class as Any.
class PortalForm(FlaskForm):  # type: ignore[misc]
    """A form whose validation messages come in the page's language (WTForms ships nb and en)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        meta = dict(kwargs.pop("meta", None) or {})
        meta["locales"] = [current_language()]
        super().__init__(*args, meta=meta, **kwargs)


class LoginForm(PortalForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=500)])


class ButtonForm(PortalForm):
    """A form with nothing but its CSRF token, for one-button actions (log out, revoke)."""


class TokenForm(PortalForm):
    name = StringField(validators=[DataRequired(), Length(min=1, max=100)])


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StatisticForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    name_nb = StringField(validators=[DataRequired(), Length(max=300)])
    name_en = StringField(validators=[DataRequired(), Length(max=300)])
    description_nb = TextAreaField(validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(validators=[Optional(), Length(max=5000)])
    frequency = SelectField(choices=[SelectChoice(f.value) for f in Frequency])
    subject_areas = CheckboxesField(validators=[DataRequired()])
    contact_name = StringField(validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        validators=[Optional(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    )
    producer_url = URLField(validators=[Optional(), Length(max=500), Regexp(r"^https?://\S+$")])
    is_official = BooleanField()
