"""The shell's own forms: logging in, API tokens and a statistic's facts (the programme)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.http.forms import CheckboxesField, PortalForm
from portal.programme.models import Frequency


class LoginForm(PortalForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=500)])


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
    # The key figures (issue 18): the main table (choices: the statistic's tables, set by the view;
    # checked by portal.web.keyfigures.check_choice) and the headline series, "variable=value; …".
    main_table_id = SelectField(validate_choice=False)
    headline = StringField(validators=[Optional(), Length(max=500)])
