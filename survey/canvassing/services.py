"""Writes of the door-to-door channel: import walk lists, receive a device's batch. They flush;
the caller commits once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from ..accounts.models import User
from ..areas.models import Area, AreaKind
from ..extensions import db
from ..locking import reserve_writer
from ..responses.flow import FormState
from ..responses.services import ReceiptTaken, interview_content, receipt_hash, seal_interview, stored_interview
from ..surveys.models import SurveyRound, SurveyVersion
from .models import Door, Visit
from .sync import Interview, Item, Rejection, VisitReport
from .walklist_file import read_walk_list

STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_walk_list(path: str | Path) -> ImportReport:
    """Add the doors of a walk list CSV; a door already known (same postcode, number and addition)
    is updated, so importing a corrected file again is safe. Visits recorded so far are kept.

    :raise WalkListError: listing every problem; nothing is written then.
    """
    path = Path(path)
    hoods = {area.key: area for area in db.session.scalars(select(Area).where(Area.kind == AreaKind.NEIGHBOURHOOD))}
    lines = read_walk_list(path.read_bytes(), path.name, set(hoods))
    existing = {(door.postcode, door.house_number, door.addition): door for door in db.session.scalars(select(Door))}
    report = ImportReport()
    for line in lines:
        fields = {"street": line.street, "neighbourhood_id": hoods[line.neighbourhood].id}
        door = existing.get(line.address_key)
        if door is None:
            db.session.add(Door(postcode=line.postcode, house_number=line.house_number, addition=line.addition, **fields))
            report.created += 1
        elif any(getattr(door, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(door, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report


@dataclass(frozen=True)
class ItemResult:
    """The answer for one item of a batch: ``stored``, ``duplicate`` or ``rejected`` with a code."""

    uuid: str | None
    status: str
    code: str | None = None
    params: dict = field(default_factory=dict)


def receive_batch(items: list[Item], canvasser: User, today: dt.date | None = None) -> list[ItemResult]:
    """Store each item of a device's batch at most once; return one result per item, in order.

    Each item is judged on its own, in its own savepoint: one bad, duplicate or conflicting item
    never takes the others down. A UUID stored before (by an earlier send, another tablet or a
    concurrent request that won the race for the unique index) is ``duplicate`` when the content
    is the same and ``rejected`` with ``conflict`` when it differs (the first content is kept). An
    interview and its door's "interviewed" visit are stored both or neither.
    """
    reserve_writer()
    batch = _Batch(canvasser, today or local_today())
    results: list[ItemResult | None] = [None] * len(items)
    # Interviews first (a visit depends on its interview), visits in the order they were made
    # (a door's last outcome is the last one stored: the day is all that is kept of the time);
    # and so concurrent requests with overlapping items take the unique-index locks in the same
    # order (PostgreSQL would otherwise find a deadlock between two tablets resending them).
    order = sorted(range(len(items)), key=lambda i: (
        type(items[i]).__name__, getattr(items[i], "visited_at", None) or dt.datetime.min, items[i].uuid or ""))
    for index in order:
        results[index] = batch.receive(items[index])
    return results


def local_today() -> dt.date:
    """Today in the municipality's time zone (a tablet's day, not the server's UTC day)."""
    return dt.datetime.now(_zone()).date()


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))


def _rejected(item: Item, code: str, **params) -> ItemResult:
    """The answer for an item that is not stored: a stable code and what the message needs."""
    return ItemResult(item.uuid, REJECTED, code, params)


class _Batch:
    """What a batch looks up more than once: rounds, areas, doors, the canvasser's neighbourhoods."""

    def __init__(self, canvasser: User, today: dt.date):
        self.canvasser, self.today = canvasser, today
        self.allowed = None if canvasser.is_admin else canvasser.neighbourhood_ids()
        self.grace = dt.timedelta(days=current_app.config["SYNC_GRACE_DAYS"])
        self._rounds: dict[str, SurveyRound | None] = {}
        self._areas: dict[str, Area | None] = {}
        self._round_areas: dict[int, set[int]] = {}
        self.interviews: dict[str, str] = {}  # uuid -> status of interviews in this batch

    def receive(self, item: Item) -> ItemResult:
        if isinstance(item, Rejection):
            return _rejected(item, item.code, **item.params)
        result = self._receive(item)
        if isinstance(item, Interview):
            self.interviews[item.uuid] = result.status
        return result

    def _receive(self, item: Interview | VisitReport) -> ItemResult:
        known = self._known(item)
        if known is not None:
            return known
        check = self._check_interview if isinstance(item, Interview) else self._check_visit
        try:
            with db.session.begin_nested():
                problem = check(item)
                if problem is not None:
                    return problem
        except IntegrityError:
            # Another request stored the same UUID between our look-up and our insert.
            return self._known(item) or _rejected(item, "conflict")
        except ReceiptTaken:
            return _rejected(item, "conflict")
        except (DataError, UnicodeError, ValueError, OverflowError):
            # Whatever slipped past the checks: this item is refused, the batch goes on.
            current_app.logger.warning("sync item refused by the database", exc_info=False)
            return _rejected(item, "malformed", field="?")
        return ItemResult(item.uuid, STORED)

    def _known(self, item) -> ItemResult | None:
        """``duplicate`` or ``conflict`` for a UUID stored before; ``None`` for a new one."""
        if isinstance(item, Interview):
            stored = stored_interview(item.uuid)
            if stored is None:
                return None
            same = stored == self._interview_content(item)
        else:
            visit = db.session.scalar(select(Visit).where(Visit.uuid == item.uuid))
            if visit is None:
                return None
            same = _visit_content(visit) == self._visit_content(item)
        return ItemResult(item.uuid, DUPLICATE) if same else _rejected(item, "conflict")

    def _interview_content(self, item: Interview):
        """What identifies an interview's content, comparable with stored_interview()."""
        survey_round = self._round(item.round_key)
        version = self._version(survey_round, item.version) if survey_round else None
        if version is None:
            return None
        state = FormState.read_complete(version.definition, item.answers)
        return interview_content(item.area_key, item.language, version, state.stored_answers())

    def _visit_content(self, item: VisitReport):
        survey_round = self._round(item.round_key)
        return (survey_round.id if survey_round else None, item.door_id, item.outcome.value, item.come_back_at,
                item.language, self._local_day(item.visited_at))

    def _local_day(self, moment: dt.datetime) -> dt.date:
        return moment.replace(tzinfo=dt.UTC).astimezone(_zone()).date()

    def _round(self, key: str) -> SurveyRound | None:
        if key not in self._rounds:
            self._rounds[key] = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
        return self._rounds[key]

    @staticmethod
    def _version(survey_round: SurveyRound, number: int) -> SurveyVersion | None:
        """A version of the round's survey: an interview recorded before an admin loaded a newer
        one is stored with the version it was recorded with."""
        return db.session.scalar(select(SurveyVersion).where(
            SurveyVersion.survey_id == survey_round.version.survey_id, SurveyVersion.number == number))

    def _in_round(self, survey_round: SurveyRound, area_id: int) -> bool:
        if survey_round.id not in self._round_areas:
            self._round_areas[survey_round.id] = {area.id for area in survey_round.areas}
        return area_id in self._round_areas[survey_round.id]

    def _may_visit(self, area_id: int) -> bool:
        return self.allowed is None or area_id in self.allowed

    def _when_problem(self, item, survey_round: SurveyRound, day: dt.date) -> ItemResult | None:
        """Recorded while the round was open (a tablet's clock may be a day ahead), and sent
        before the grace period after its close ran out."""
        if not survey_round.opens_on <= day <= min(survey_round.closes_on, self.today + dt.timedelta(days=1)):
            return _rejected(item, "outside_round")
        if self.today > survey_round.closes_on + self.grace:
            return _rejected(item, "round_closed", days=self.grace.days)
        return None

    def _check_interview(self, item: Interview) -> ItemResult | None:
        """Validate an interview and seal it; a rejection when it cannot be stored."""
        survey_round = self._round(item.round_key)
        if survey_round is None:
            return _rejected(item, "unknown_round")
        version = self._version(survey_round, item.version)
        if version is None:
            return _rejected(item, "wrong_version", sent=item.version, current=survey_round.version.number)
        if item.area_key not in self._areas:
            self._areas[item.area_key] = db.session.scalar(select(Area).where(Area.key == item.area_key))
        area = self._areas[item.area_key]
        if area is None or area.kind is not AreaKind.NEIGHBOURHOOD or not self._in_round(survey_round, area.id):
            return _rejected(item, "area_not_in_round")
        if not self._may_visit(area.id):
            return _rejected(item, "area_not_allowed")
        if item.language not in survey_round.languages:
            return _rejected(item, "language_not_offered")
        problem = self._when_problem(item, survey_round, item.day)
        if problem is not None:
            return problem
        if item.receipt is not None and receipt_hash(item.receipt) is None:
            return _rejected(item, "malformed", field="receipt")
        state = FormState.read_complete(version.definition, item.answers)
        if state.errors:
            question, problem = next(iter(state.errors.items()))
            return _rejected(item, "invalid_answers", question=question, problem=problem)
        seal_interview(survey_round, area, state.stored_answers(), language=item.language, response_uuid=item.uuid,
                       receipt_code=item.receipt, version=version)
        return None

    def _check_visit(self, item: VisitReport) -> ItemResult | None:
        """Validate a door's outcome and store it; a rejection when it cannot be stored."""
        survey_round = self._round(item.round_key)
        if survey_round is None:
            return _rejected(item, "unknown_round")
        door = db.session.get(Door, item.door_id)
        if door is None:
            return _rejected(item, "unknown_door")
        if not self._in_round(survey_round, door.neighbourhood_id):
            return _rejected(item, "area_not_in_round")
        if not self._may_visit(door.neighbourhood_id):
            return _rejected(item, "area_not_allowed")
        day = self._local_day(item.visited_at)
        problem = self._when_problem(item, survey_round, day)
        if problem is not None:
            return problem
        if item.come_back_at is not None and not day <= item.come_back_at.date() <= day + dt.timedelta(days=366):
            return _rejected(item, "malformed", field="come_back_at")
        if item.interview is not None:
            # Both or neither: the interview of this door came in this batch, or earlier.
            status = self.interviews.get(item.interview)
            if status == REJECTED or (status is None and stored_interview(item.interview) is None):
                return _rejected(item, "interview_not_stored")
        db.session.add(Visit(
            uuid=item.uuid, round_id=survey_round.id, door_id=door.id, canvasser_id=self.canvasser.id,
            outcome=item.outcome, come_back_at=item.come_back_at, language=item.language,
            visited_on=day, received_on=self.today,
        ))
        db.session.flush()
        return None


def _visit_content(visit: Visit):
    return (visit.round_id, visit.door_id, visit.outcome.value, visit.come_back_at, visit.language, visit.visited_on)
