"""Forms of the public pages. The survey's own fields come from its definition (see flow.py);
the FlaskForm here carries the CSRF token."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..i18n_lazy import _l


class SurveyPageForm(FlaskForm):
    """One page of the survey: CSRF only; the answers are read by the question types."""


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=20)])
    ticket = HiddenField()  # see tickets.py


class NextResidentForm(FlaskForm):
    """"Next resident" on a shared device: where to start the next survey."""

    round_key = HiddenField()
    area_key = HiddenField()
