"""The shell's own forms: logging in, API tokens and a statistic's facts (the programme)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

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
from portal.kernel.i18n import current_language
from portal.programme.models import Frequency
from portal.web.keyfigures import HeadlineControl


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
    # checked by portal.web.keyfigures.check_choice). The headline's fields depend on that table: see
    # with_headline.
    main_table_id = SelectField(validate_choice=False)

    @classmethod
    def with_headline(cls, controls: Sequence[HeadlineControl], total: str) -> type[StatisticForm]:
        """This form with a field for each variable of the saved main table (``controls``): checkboxes
        for the contents variable, a select whose first choice (``total``, the page's "not chosen")
        leaves the others at their total. The choices are checked by keyfigures.read_headline, which
        words the messages, so the fields do not check them themselves."""
        fields: dict[str, Any] = {}
        for i, control in enumerate(controls):
            # A table without the page's language has its labels in its own, marked (issue 18).
            marked = {"lang": control.lang} if control.lang != current_language() else {}
            choices = [SelectChoice(code, text, dict(marked)) for code, text in control.values]
            # A PX variable code may hold spaces, which an HTML id may not.
            at = control.field if re.fullmatch(r"[\w-]+", control.field) else f"headline-{i}"
            fields[control.field] = (
                CheckboxesField(choices=choices, validate_choice=False, id=at)
                if control.several
                else SelectField(
                    choices=[SelectChoice("", total), *choices], validate_choice=False, id=at
                )
            )
        return type("StatisticHeadlineForm", (cls,), fields)
