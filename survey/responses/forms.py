"""Forms of the public pages. The survey's own fields come from its definition (see flow.py);
the FlaskForm here carries the CSRF token."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..i18n_lazy import _l


class SurveyPageForm(FlaskForm):
    """One page of the survey: CSRF only; the answers are read by the question types."""


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=20)])
