"""HTML forms. Flask-WTF adds the CSRF token to each; messages are looked up in the page's language."""

from __future__ import annotations

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

from portal.i18n import translate
from portal.programme.models import Frequency


class Lazy(str):
    """A validator message translated when shown, since forms are declared before any request."""

    def __new__(cls, key: str) -> Lazy:
        obj = super().__new__(cls, key)
        obj.key = key  # type: ignore[attr-defined]
        return obj

    def __str__(self) -> str:
        return translate(self.key)  # type: ignore[attr-defined]


class LoginForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=500)])


class ButtonForm(FlaskForm):
    """A form with nothing but its CSRF token, for one-button actions (log out, revoke)."""


class TokenForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(min=1, max=100)])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StatisticForm(FlaskForm):
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
