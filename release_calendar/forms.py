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
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.http.forms import PortalForm

TEXT = [Length(max=20000)]


class AnnounceForm(PortalForm):
    # Offers only the user's own statistics; a forged choice reaches the service, which answers 403.
    statistic = SelectField(validators=[DataRequired()], validate_choice=False)
    title_nb = StringField(validators=[DataRequired(), Length(max=300)])
    title_en = StringField(validators=[DataRequired(), Length(max=300)])
    kind = SelectField(validators=[DataRequired()])
    period_start = DateField(validators=[DataRequired()])
    period_end = DateField(validators=[DataRequired()])
    period_label_nb = StringField(validators=[DataRequired(), Length(max=100)])
    period_label_en = StringField(validators=[DataRequired(), Length(max=100)])
    precision = SelectField(validators=[DataRequired()])
    release_date = DateField(validators=[DataRequired()])
    release_time = TimeField(default=time(8, 0), validators=[DataRequired()])
    confirmed = BooleanField(default=True)
    contents_nb = TextAreaField(validators=[Optional(), *TEXT])
    contents_en = TextAreaField(validators=[Optional(), *TEXT])
    release_note_nb = TextAreaField(validators=[Optional(), *TEXT])
    release_note_en = TextAreaField(validators=[Optional(), *TEXT])
    late_justification = TextAreaField(validators=[Optional(), Length(max=2000)])


class ConfirmForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    release_date = DateField(validators=[DataRequired()])
    release_time = TimeField(default=time(8, 0), validators=[DataRequired()])
    late_justification = TextAreaField(validators=[Optional(), Length(max=2000)])


class RescheduleForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    release_date = DateField(validators=[DataRequired()])
    release_time = TimeField(default=time(8, 0), validators=[DataRequired()])
    reason = SelectField(validators=[DataRequired()])
    reason_text = TextAreaField(validators=[DataRequired(), Length(max=2000)])


class CancelForm(PortalForm):
    version = HiddenField(validators=[Regexp(r"^\d+$")])
    reason = SelectField(validators=[DataRequired()])
    reason_text = TextAreaField(validators=[DataRequired(), Length(max=2000)])


class CorrectionForm(PortalForm):
    what_was_wrong_nb = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_was_wrong_en = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_changed_nb = TextAreaField(validators=[DataRequired(), Length(max=5000)])
    what_changed_en = TextAreaField(validators=[DataRequired(), Length(max=5000)])


class AccessForm(PortalForm):
    recipient = StringField(validators=[DataRequired(), Length(max=300)])
    purpose = TextAreaField(validators=[DataRequired(), Length(max=2000)])
    hours_before = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=336)])


class UploadForm(PortalForm):
    schedule = FileField(validators=[FileRequired()])
