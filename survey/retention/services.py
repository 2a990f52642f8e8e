"""Retention: the settings, what they would delete now (a preview) and deleting it (the daily run).

Services flush; the caller (the view or ``flask retention``) commits. Every kind is one
condition per table, used both to count (the preview) and to delete (the run), so that the
preview is exactly what the next run does on the same day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, delete, exists, func, select

from ..audit import record
from ..audit.models import AuditEntry
from ..canvassing.models import Door, Visit
from ..dashboards.models import ReleaseArea, Tally
from ..dashboards.releases import current_release, make_release
from ..extensions import db
from ..responses.models import Answer, Response, SealedItem, VolunteerContact
from ..responses.sealing import CONTACT, INTERVIEW
from ..surveys.models import SurveyRound, round_area
from .kinds import ARCHIVED_RESPONSES, AUDIT_LOG, BY_KEY, CONTACTS, DOORS, KINDS, VISITS
from .models import RetentionSetting


class SettingError(ValueError):
    """A period outside the bounds of its kind."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def current_settings() -> dict[str, int | None]:
    """The period of every kind: the admin's choice, else the configured default."""
    chosen = {row.kind: row.period for row in db.session.scalars(select(RetentionSetting))}
    return {kind.key: chosen[kind.key] if kind.key in chosen else kind.default(current_app.config) for kind in KINDS}


def save_settings(periods: dict[str, int | None], user=None) -> list[str]:
    """Store the periods that changed, and log the change; returns what changed (``contacts: 365 → 180``).

    :raise SettingError: when a period is outside its kind's bounds (nothing is stored then).
    """
    for key, period in periods.items():
        if key not in BY_KEY or not BY_KEY[key].valid(period):
            raise SettingError(key)
    before = current_settings()
    changed = []
    for key, period in periods.items():
        if before[key] == period:
            continue
        row = db.session.get(RetentionSetting, key)
        if row is None:
            row = RetentionSetting(kind=key)
            db.session.add(row)
        row.period, row.changed_at, row.changed_by = period, _utcnow(), user.id if user is not None else None
        changed.append(f"{key}: {_shown(before[key])} → {_shown(period)}")
    if changed:
        record("retention_settings", detail="; ".join(changed), user=user)
        db.session.flush()
    return changed


def _shown(period: int | None) -> str:
    return "keep" if period is None else str(period)


# --- what each kind deletes -------------------------------------------------------------------

def _closed_before(day: dt.date):
    return select(SurveyRound.id).where(SurveyRound.closes_on < day)


def _targets(settings: dict[str, int | None], today: dt.date) -> dict[str, list[tuple]]:
    """Per kind: (table, condition) pairs whose rows are past their period on ``today``."""
    targets: dict[str, list[tuple]] = {kind.key: [] for kind in KINDS}
    contact_rounds = _closed_before(CONTACTS.cutoff(settings["contacts"], today))
    targets["contacts"] = [
        (VolunteerContact, VolunteerContact.round_id.in_(contact_rounds)),
        (SealedItem, and_(SealedItem.kind == CONTACT, SealedItem.round_id.in_(contact_rounds))),
    ]
    visit_rounds = _closed_before(VISITS.cutoff(settings["visits"], today))
    targets["visits"] = [(Visit, Visit.round_id.in_(visit_rounds))]
    # A door goes once every round that asked its neighbourhood closed before the cutoff (a door
    # of a neighbourhood no round asked yet was loaded for a coming round and stays), and no visit
    # that is kept names it.
    door_cutoff = DOORS.cutoff(settings["doors"], today)
    asked = select(round_area.c.area_id)
    still_needed = select(round_area.c.area_id).join(SurveyRound, SurveyRound.id == round_area.c.round_id).where(
        SurveyRound.closes_on >= door_cutoff)
    kept_visit = exists().where(Visit.door_id == Door.id, Visit.round_id.not_in(visit_rounds))
    targets["doors"] = [(Door, and_(Door.neighbourhood_id.in_(asked), Door.neighbourhood_id.not_in(still_needed),
                                    ~kept_visit))]
    audit_cutoff = AUDIT_LOG.cutoff(settings["audit_log"], today)
    targets["audit_log"] = [(AuditEntry, AuditEntry.at < dt.datetime.combine(audit_cutoff, dt.time()))]
    reduced = [r.id for r in rounds_to_reduce(settings, today)]
    targets["archived_responses"] = [
        (Response, Response.round_id.in_(reduced)),
        (SealedItem, and_(SealedItem.kind == INTERVIEW, SealedItem.round_id.in_(reduced))),
    ]
    return targets


def rounds_to_reduce(settings: dict[str, int | None], today: dt.date) -> list[SurveyRound]:
    """Archived rounds past their period that still hold responses (or interviews waiting sealed)."""
    years = settings["archived_responses"]
    if years is None:
        return []
    cutoff = ARCHIVED_RESPONSES.cutoff(years, today)
    holds = exists().where(Response.round_id == SurveyRound.id) | exists().where(
        SealedItem.round_id == SurveyRound.id, SealedItem.kind == INTERVIEW)
    return list(db.session.scalars(select(SurveyRound).where(
        SurveyRound.archived_on.is_not(None), SurveyRound.archived_on < cutoff, holds).order_by(SurveyRound.key)))


@dataclass
class Outcome:
    """How many rows of each kind are past their period (a preview) or were deleted (a run)."""

    counts: dict[str, int]
    rounds: list[str] = field(default_factory=list)  # archived rounds reduced to their figures

    def summary(self) -> str:
        return ", ".join(f"{key} {count}" for key, count in self.counts.items())


def preview(settings: dict[str, int | None] | None = None, today: dt.date | None = None) -> Outcome:
    """What a run would delete today, without deleting anything."""
    settings = settings or current_settings()
    today = today or dt.date.today()
    counts = {}
    for key, targets in _targets(settings, today).items():
        counts[key] = sum(db.session.scalar(select(func.count()).select_from(model).where(condition))
                          for model, condition in targets)
    return Outcome(counts, [r.key for r in rounds_to_reduce(settings, today)])


def apply(today: dt.date | None = None) -> Outcome:
    """Delete everything past its period, and log the run (the entry outlives the log's own clean-up)."""
    settings = current_settings()
    today = today or dt.date.today()
    outcome = preview(settings, today)
    reduced = rounds_to_reduce(settings, today)
    targets = _targets(settings, today)
    for key in ("contacts", "visits", "doors"):  # visits before the doors they name
        for model, condition in targets[key]:
            db.session.execute(delete(model).where(condition))
    for survey_round in reduced:
        deleted = reduce_to_figures(survey_round)
        record("responses_reduced", survey_round, detail=f"{deleted} responses")
    for model, condition in targets["audit_log"]:
        db.session.execute(delete(model).where(condition))
    record("retention_run", detail=outcome.summary())
    db.session.flush()
    return outcome


def reduce_to_figures(survey_round: SurveyRound) -> int:
    """Delete an archived round's responses, keeping the published figures of its last release.

    That release becomes final: no later release recounts the round (there is nothing left to
    count, and a recount would publish empty figures). A round never released gets its release
    first, under the usual rules. The tally goes too: its raw counts of small groups, such as
    the one respondent of 80+ in a neighbourhood, would still tell one person's answers.
    """
    release = current_release(survey_round.id) or make_release(survey_round, force=True)
    release.final = True
    responses = select(Response.id).where(Response.round_id == survey_round.id)
    db.session.execute(delete(Answer).where(Answer.response_id.in_(responses)))
    deleted = db.session.execute(delete(Response).where(Response.round_id == survey_round.id)).rowcount
    deleted += db.session.execute(delete(SealedItem).where(
        SealedItem.round_id == survey_round.id, SealedItem.kind == INTERVIEW)).rowcount
    db.session.execute(delete(Tally).where(Tally.round_id == survey_round.id))
    db.session.execute(delete(ReleaseArea).where(ReleaseArea.round_id == survey_round.id))
    db.session.flush()
    return deleted
