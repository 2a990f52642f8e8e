"""Writes of the door-to-door channel: import walk lists, receive a device's batch. They flush;
the caller commits once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..areas.models import Area, AreaKind
from ..extensions import db
from ..responses.flow import FormState
from ..responses.models import Channel, Response
from ..responses.services import receipt_hash, store_response
from ..surveys.models import SurveyRound
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

    Each item is stored in its own savepoint, so one bad or duplicate item never takes the others
    down; a UUID stored before (by an earlier send, another tablet or a concurrent request that
    won the race for the unique index) is answered ``duplicate``.
    """
    _reserve_writer()
    batch = _Batch(canvasser, today or dt.date.today())
    results: list[ItemResult | None] = [None] * len(items)
    # Concurrent requests with overlapping items take the unique-index locks in the same order
    # (PostgreSQL would otherwise find a deadlock between two tablets resending the same items).
    order = sorted(range(len(items)), key=lambda i: (type(items[i]).__name__, items[i].uuid or ""))
    for index in order:
        results[index] = batch.receive(items[index])
    return results


def _received_day() -> dt.datetime:
    """When a visit reached the server, to the day only: a precise time would help to line up a
    door's "interviewed" visit with the anonymous response that arrived in the same moment."""
    return dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time())


def _reserve_writer() -> None:
    """On SQLite, take the write lock before the batch's first read.

    The pysqlite driver starts a transaction only at the first write, so a read inside a savepoint
    would start one (without the lock) that cannot become a writer once another request has
    written: "database is locked" at once, whatever the busy timeout. With the lock taken first,
    batches simply wait for each other. PostgreSQL needs nothing: its row locks do this.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _rejected(item: Item, code: str, **params) -> ItemResult:
    """The answer for an item that is not stored: a stable code and what the message needs."""
    return ItemResult(item.uuid, REJECTED, code, params)


class _Batch:
    """What a batch looks up more than once: rounds, areas, doors, the canvasser's neighbourhoods."""

    def __init__(self, canvasser: User, today: dt.date):
        self.canvasser, self.today = canvasser, today
        self.allowed = None if canvasser.is_admin else canvasser.neighbourhood_ids()
        self._rounds: dict[str, SurveyRound | None] = {}
        self._areas: dict[str, Area | None] = {}
        self._round_areas: dict[int, set[int]] = {}

    def receive(self, item: Item) -> ItemResult:
        if isinstance(item, Rejection):
            return _rejected(item, item.code, **item.params)
        model = Response if isinstance(item, Interview) else Visit
        if self._exists(model, item.uuid):
            return ItemResult(item.uuid, DUPLICATE)
        check = self._check_interview if isinstance(item, Interview) else self._check_visit
        try:
            with db.session.begin_nested():
                problem = check(item)
                if problem is not None:
                    return problem
        except IntegrityError:
            # Another request stored the same UUID between our look-up and our insert.
            if self._exists(model, item.uuid):
                return ItemResult(item.uuid, DUPLICATE)
            return _rejected(item, "conflict")
        return ItemResult(item.uuid, STORED)

    @staticmethod
    def _exists(model, item_uuid: str) -> bool:
        return db.session.scalar(select(model.id).where(model.uuid == item_uuid)) is not None

    def _round(self, key: str) -> SurveyRound | None:
        if key not in self._rounds:
            self._rounds[key] = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
        return self._rounds[key]

    def _in_round(self, survey_round: SurveyRound, area_id: int) -> bool:
        if survey_round.id not in self._round_areas:
            self._round_areas[survey_round.id] = {area.id for area in survey_round.areas}
        return area_id in self._round_areas[survey_round.id]

    def _may_visit(self, area_id: int) -> bool:
        return self.allowed is None or area_id in self.allowed

    def _check_interview(self, item: Interview) -> ItemResult | None:
        """Validate an interview and store it; a rejection when it cannot be stored."""
        survey_round = self._round(item.round_key)
        if survey_round is None:
            return _rejected(item, "unknown_round")
        if item.version != survey_round.version.number:
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
        if not survey_round.opens_on <= item.day <= min(survey_round.closes_on, self.today + dt.timedelta(days=1)):
            return _rejected(item, "outside_round")
        if item.receipt is not None and receipt_hash(item.receipt) is None:
            return _rejected(item, "malformed", field="receipt")
        state = FormState.read_complete(survey_round.definition, item.answers)
        if state.errors:
            question, problem = next(iter(state.errors.items()))
            return _rejected(item, "invalid_answers", question=question, problem=problem)
        store_response(survey_round, area, state.stored_answers(), channel=Channel.DOOR, language=item.language,
                       response_uuid=item.uuid, day=item.day, receipt_code=item.receipt)
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
        if item.visited_at.date() > self.today + dt.timedelta(days=1):
            return _rejected(item, "malformed", field="visited_at")
        db.session.add(Visit(
            uuid=item.uuid, round_id=survey_round.id, door_id=door.id, canvasser_id=self.canvasser.id,
            outcome=item.outcome, come_back_at=item.come_back_at, language=item.language,
            visited_at=item.visited_at, received_at=_received_day(),
        ))
        db.session.flush()
        return None
