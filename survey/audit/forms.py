"""The audit log's filter (a GET form: a filtered view can be shared) and its export button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from ..admin.forms import _plausible
from ..i18n_lazy import _, _l
from .actions import label_of
from .queries import NOBODY, LogFilter


class LogFilterForm(FlaskForm):
    # Reading changes nothing, so the filter carries no CSRF token: its URL can be bookmarked.
    class Meta:
        csrf = False

    person = SelectField(_l("Person"), default="")
    action = SelectField(_l("Action"), default="")
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until (included)"), validators=[Optional()])

    def fill_choices(self, people: list[tuple[int, str]], actions: list[str]) -> None:
        self.person.choices = [("", _("Everyone")), (NOBODY, _("No account (residents, scheduled jobs)"))] + [
            (str(user_id), email) for user_id, email in people]
        self.action.choices = [("", _("Every action"))] + sorted(
            ((action, label_of(action)) for action in actions), key=lambda choice: choice[1].casefold())

    def validate_since(self, field):
        _plausible(field.data)

    def validate_until(self, field):
        _plausible(field.data)
        if self.since.data and field.data and field.data < self.since.data:
            raise ValidationError(_("The last day cannot come before the first."))

    def log_filter(self) -> LogFilter:
        return LogFilter(self.person.data or "", self.action.data or "", self.since.data, self.until.data)


class ExportForm(FlaskForm):
    """No fields of its own: the filter comes with the URL; the form carries the CSRF token."""
