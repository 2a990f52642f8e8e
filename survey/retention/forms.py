"""The retention settings form: a period per kind, within the kind's bounds."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..i18n_lazy import _, _l
from .kinds import ARCHIVED_RESPONSES, AUDIT_LOG, CONTACTS, DOORS, VISITS

KEEP, REDUCE = "keep", "reduce"
BOUNDS = _l("Choose a whole number from %(min)s to %(max)s.")


def _days(kind, label):
    return IntegerField(label, validators=[InputRequired(_l("Fill in a number of days.")),
                                           NumberRange(kind.minimum, kind.maximum, BOUNDS)])


class RetentionForm(FlaskForm):
    contacts = _days(CONTACTS, _l("Contact details of volunteers"))
    visits = _days(VISITS, _l("Visit outcomes (they name an address)"))
    doors = _days(DOORS, _l("Walk lists (addresses)"))
    audit_log = _days(AUDIT_LOG, _l("Audit log entries"))
    archived_mode = RadioField(_l("Responses of archived rounds"), default=KEEP)
    archived_years = IntegerField(_l("Years after archiving"), validators=[
        Optional(), NumberRange(ARCHIVED_RESPONSES.minimum, ARCHIVED_RESPONSES.maximum, BOUNDS)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set after binding, as the other forms do with their choices (plain pairs).
        self.archived_mode.choices = [
            (KEEP, _("Keep them")), (REDUCE, _("Reduce them to the published figures after a number of years"))]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here: the field's Optional() ends its own checks when it is empty.
        if self.archived_mode.data == REDUCE and self.archived_years.data is None and not self.archived_years.errors:
            self.archived_years.errors = [*self.archived_years.errors, _("Fill in after how many years.")]
            return False
        return valid

    def fill(self, periods: dict[str, int | None]) -> None:
        for key in ("contacts", "visits", "doors", "audit_log"):
            getattr(self, key).data = periods[key]
        years = periods["archived_responses"]
        self.archived_mode.data = KEEP if years is None else REDUCE
        self.archived_years.data = years

    def periods(self) -> dict[str, int | None]:
        chosen = {key: getattr(self, key).data for key in ("contacts", "visits", "doors", "audit_log")}
        chosen["archived_responses"] = self.archived_years.data if self.archived_mode.data == REDUCE else None
        return chosen
