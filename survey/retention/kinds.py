"""The kinds of data that retention deletes, and the bounds of their settings (pure).

A setting is a period (in the kind's unit) after which the data goes, or ``None`` to keep it
where the kind allows that. Defaults come from the configuration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DAYS, YEARS = "days", "years"


@dataclass(frozen=True)
class RetentionKind:
    key: str
    config_key: str  # the configuration setting that gives the default
    unit: str = DAYS
    minimum: int = 0
    maximum: int = 3650
    may_keep: bool = False  # ``None`` ("keep") is allowed

    def default(self, config) -> int | None:
        value = config.get(self.config_key)
        return None if value is None else int(value)

    def valid(self, period: int | None) -> bool:
        if period is None:
            return self.may_keep
        return self.minimum <= period <= self.maximum

    def cutoff(self, period: int, today: dt.date) -> dt.date:
        """The first day that is still kept: data of an earlier day is past the period."""
        if self.unit == DAYS:
            return today - dt.timedelta(days=period)
        try:
            return today.replace(year=today.year - period)
        except ValueError:  # 29 February, in a year without one
            return today.replace(year=today.year - period, day=28)


CONTACTS = RetentionKind("contacts", "CONTACT_RETENTION_DAYS")
VISITS = RetentionKind("visits", "VISIT_RETENTION_DAYS")
DOORS = RetentionKind("doors", "DOOR_RETENTION_DAYS")
# An admin cannot make the log forget recent work through a setting: at least a year is kept
# (the change of the setting is itself logged, and kept that long).
AUDIT_LOG = RetentionKind("audit_log", "AUDIT_RETENTION_DAYS", minimum=365)
ARCHIVED_RESPONSES = RetentionKind("archived_responses", "ARCHIVED_RESPONSES_RETENTION_YEARS", unit=YEARS,
                                   minimum=1, maximum=30, may_keep=True)

KINDS: tuple[RetentionKind, ...] = (CONTACTS, VISITS, DOORS, AUDIT_LOG, ARCHIVED_RESPONSES)
BY_KEY = {kind.key: kind for kind in KINDS}
