"""The registry's producer forms. Choices offer only the user's own things; a forged choice reaches the
service, which answers 403 or 404."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.http.forms import PortalForm
from portal.kernel.i18n import translate


def no_nul(form: Any, field: Any) -> None:
    """Refuse text holding a NUL character. The edge checks every other form for them; the import
    forms take files past MAX_CONTENT_LENGTH, and the edge leaves their bodies to them."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError(translate("cl.no_nul"))


#: The kinds of list, as Klass names them; a producer sees them by their label (:func:`kind_choices`).
KINDS = ("CODELIST", "CLASSIFICATION")


def kind_choices() -> list[SelectChoice]:
    """The kinds of list, each labelled in the page's language."""
    return [SelectChoice(k, translate(f"reg.kind.{k}")) for k in KINDS]


class CodeListForm(PortalForm):
    producer = SelectField(validators=[DataRequired()], validate_choice=False)
    kind = SelectField(choices=[SelectChoice(k) for k in KINDS])
    name_nb = StringField(validators=[DataRequired(), Length(max=300)])
    name_en = StringField(validators=[DataRequired(), Length(max=300)])
    description_nb = TextAreaField(validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(validators=[Optional(), Length(max=5000)])


class VersionUploadForm(PortalForm):
    file = FileField(validators=[FileRequired()])
    valid_from = DateField(validators=[DataRequired()])
    valid_to = DateField(validators=[Optional()])


class ItemForm(PortalForm):
    version = SelectField(validators=[DataRequired()], validate_choice=False)
    code = StringField(validators=[DataRequired(), Length(max=50)])
    parent_code = StringField(validators=[Optional(), Length(max=50)])
    level = IntegerField(default=1, validators=[DataRequired(), NumberRange(min=1, max=20)])
    name_nb = StringField(validators=[DataRequired(), Length(max=500)])
    name_en = StringField(validators=[Optional(), Length(max=500)])


class VariantForm(PortalForm):
    version = SelectField(validators=[DataRequired(), no_nul], validate_choice=False)
    name_nb = StringField(validators=[DataRequired(), Length(max=300), no_nul])
    name_en = StringField(validators=[Optional(), Length(max=300), no_nul])
    valid_from = DateField(validators=[DataRequired()])
    valid_to = DateField(validators=[Optional()])
    file = FileField(validators=[FileRequired()])


class TableForm(PortalForm):
    version = SelectField(validators=[DataRequired(), no_nul], validate_choice=False)
    target_version = IntegerField(validators=[DataRequired(), NumberRange(min=1)])
    description = TextAreaField(validators=[Optional(), Length(max=2000), no_nul])
    file = FileField(validators=[FileRequired()])
