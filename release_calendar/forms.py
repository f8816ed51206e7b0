"""The producers' calendar forms."""

from __future__ import annotations

from datetime import time

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.http.forms import PortalForm
from portal.kernel.i18n import translate

TEXT = [Length(max=20000)]


# A date or a time that cannot be read is told as such, in the page's language (WTForms has no
# Norwegian for a bad time); they take InputRequired, since DataRequired would replace that with
# "required" for something the person did type.
class DayField(DateField):  # type: ignore[misc]
    """A date (YYYY-MM-DD, as a browser's date input sends it)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(translate("cal.bad_day")) from None


class ClockField(TimeField):  # type: ignore[misc]
    """A time of day (HH:MM)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(translate("cal.bad_time")) from None


class AnnounceForm(PortalForm):
    # Offers only the user's own statistics; a forged choice reaches the service, which answers 403.
    statistic = SelectField(validators=[DataRequired()], validate_choice=False)
    title_nb = StringField(validators=[DataRequired(), Length(max=300)])
    title_en = StringField(validators=[DataRequired(), Length(max=300)])
    kind = SelectField(validators=[DataRequired()])
    period_start = DayField(validators=[InputRequired()])
    period_end = DayField(validators=[InputRequired()])
    period_label_nb = StringField(validators=[DataRequired(), Length(max=100)])
    period_label_en = StringField(validators=[DataRequired(), Length(max=100)])
    precision = SelectField(validators=[DataRequired()])
    release_date = DayField(validators=[InputRequired()])
    release_time = ClockField(default=time(8, 0), validators=[InputRequired()])
    confirmed = BooleanField(default=True)
    contents_nb = TextAreaField(validators=[Optional(), *TEXT])
    contents_en = TextAreaField(validators=[Optional(), *TEXT])
    release_note_nb = TextAreaField(validators=[Optional(), *TEXT])
    release_note_en = TextAreaField(validators=[Optional(), *TEXT])
    late_justification = TextAreaField(validators=[Optional(), Length(max=2000)])
    late_justification_en = TextAreaField(validators=[Optional(), Length(max=2000)])


class ConfirmForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    release_date = DayField(validators=[InputRequired()])
    release_time = ClockField(default=time(8, 0), validators=[InputRequired()])
    late_justification = TextAreaField(validators=[Optional(), Length(max=2000)])
    late_justification_en = TextAreaField(validators=[Optional(), Length(max=2000)])


class RescheduleForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    release_date = DayField(validators=[InputRequired()])
    release_time = ClockField(default=time(8, 0), validators=[InputRequired()])
    reason = SelectField(validators=[DataRequired()])
    reason_text = TextAreaField(validators=[DataRequired(), Length(max=2000)])
    reason_text_en = TextAreaField(validators=[Optional(), Length(max=2000)])


class CancelForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    reason = SelectField(validators=[DataRequired()])
    reason_text = TextAreaField(validators=[DataRequired(), Length(max=2000)])
    reason_text_en = TextAreaField(validators=[Optional(), Length(max=2000)])


class CorrectionForm(PortalForm):
    what_was_wrong_nb = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_was_wrong_en = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_changed_nb = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_changed_en = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class AccessForm(PortalForm):
    recipient = StringField(validators=[DataRequired(), Length(max=300)])
    purpose = TextAreaField(validators=[DataRequired(), Length(max=2000)])
    purpose_en = TextAreaField(validators=[Optional(), Length(max=2000)])
    hours_before = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=336)])


class UploadForm(PortalForm):
    schedule = FileField(validators=[FileRequired()])
