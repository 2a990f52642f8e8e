"""Reading the audit log: filtered by person, action and days, a page at a time or whole (CSV)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ..accounts.models import User
from ..areas.models import Area
from ..extensions import db
from ..surveys.models import SurveyRound
from .models import AuditEntry

NOBODY = "none"  # entries without an account: residents' own deletions, scheduled jobs


@dataclass(frozen=True)
class LogFilter:
    person: str = ""  # "" everyone, NOBODY, or an account's id
    action: str = ""
    since: dt.date | None = None  # local days, both included
    until: dt.date | None = None

    def describe(self) -> str:
        """The filter in words for the log's own entry about an export (no personal data)."""
        parts = [f"person={self.person}" if self.person else "", f"action={self.action}" if self.action else "",
                 f"since={self.since.isoformat()}" if self.since else "", f"until={self.until.isoformat()}" if self.until else ""]
        return " ".join(part for part in parts if part) or "everything"


@dataclass(frozen=True)
class LogRow:
    entry: AuditEntry
    email: str | None
    round_key: str | None
    area_name: str | None


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))


def _utc_start(day: dt.date) -> dt.datetime:
    """The start of a local day as the naive UTC moment the log stores."""
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone()).astimezone(dt.UTC).replace(tzinfo=None)


def _conditions(log_filter: LogFilter) -> list:
    conditions = []
    if log_filter.person == NOBODY:
        conditions.append(AuditEntry.user_id.is_(None))
    elif log_filter.person:
        conditions.append(AuditEntry.user_id == int(log_filter.person))
    if log_filter.action:
        conditions.append(AuditEntry.action == log_filter.action)
    if log_filter.since:
        conditions.append(AuditEntry.at >= _utc_start(log_filter.since))
    if log_filter.until:
        conditions.append(AuditEntry.at < _utc_start(log_filter.until + dt.timedelta(days=1)))
    return conditions


def _rows(log_filter: LogFilter):
    return (select(AuditEntry, User.email, SurveyRound.key, Area.name)
            .outerjoin(User, User.id == AuditEntry.user_id)
            .outerjoin(SurveyRound, SurveyRound.id == AuditEntry.round_id)
            .outerjoin(Area, Area.id == AuditEntry.area_id)
            .where(*_conditions(log_filter))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))


def count(log_filter: LogFilter) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(*_conditions(log_filter)))


def page_of(log_filter: LogFilter, page: int, per_page: int) -> list[LogRow]:
    """One page of entries, newest first."""
    found = db.session.execute(_rows(log_filter).limit(per_page).offset((page - 1) * per_page))
    return [LogRow(*row) for row in found]


def every_entry(log_filter: LogFilter, batch: int = 1000) -> Iterator[LogRow]:
    """All entries of a filter, newest first, read in batches (a log grows to many thousands)."""
    for row in db.session.execute(_rows(log_filter).execution_options(yield_per=batch)):
        yield LogRow(*row)


def people() -> list[tuple[int, str]]:
    """Every account, by e-mail address (deactivated ones too: their entries stay)."""
    return list(db.session.execute(select(User.id, User.email).order_by(User.email)).tuples())


def actions_in_log() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) moment in local time."""
    return moment.replace(tzinfo=dt.UTC).astimezone(_zone())
