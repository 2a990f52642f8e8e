from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n_lazy import _, _l
from ..surveys.models import FIRST_ROUND_DAY, LAST_ROUND_DAY


class RoundForm(FlaskForm):
    """The dates of a round and the languages it offers."""

    opens_on = DateField(_l("Opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day)"), validators=[DataRequired()])
    languages = SelectMultipleField(
        _l("Languages offered"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )

    def validate_opens_on(self, field):
        _plausible(field.data)

    def validate_closes_on(self, field):
        _plausible(field.data)
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_("The round cannot close before it opens."))

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one language."))


def _plausible(day) -> None:
    if day and not FIRST_ROUND_DAY <= day <= LAST_ROUND_DAY:
        raise ValidationError(_("Choose a day between %(first)s and %(last)s.", first=FIRST_ROUND_DAY.isoformat(),
                                last=LAST_ROUND_DAY.isoformat()))
