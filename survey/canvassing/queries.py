"""Reads of the door-to-door channel: walk lists with each door's last outcome, and coverage.

Counting is done in SQL; a door's "last outcome" is its most recent visit in the round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..accounts.models import User
from ..areas.models import Area
from ..extensions import db
from ..responses.models import Channel, Response, SealedItem
from ..responses.sealing import INTERVIEW
from ..surveys.models import SurveyRound
from ..surveys.queries import open_rounds
from .models import Door, Visit
from .outcomes import VisitOutcome


def _last_visits(round_id: int):
    """A subquery: the latest visit of every visited door in a round."""
    ranked = (
        select(
            Visit.door_id, Visit.outcome, Visit.come_back_at, Visit.language, Visit.visited_on,
            func.row_number().over(partition_by=Visit.door_id, order_by=(Visit.visited_on.desc(), Visit.id.desc())).label("place"),
        )
        .where(Visit.round_id == round_id)
        .subquery()
    )
    return select(ranked).where(ranked.c.place == 1).subquery()


def rounds_to_canvass(user: User, today: dt.date | None = None) -> list[tuple[SurveyRound, list[Area]]]:
    """Open rounds, each with the neighbourhoods in it that this user may visit."""
    allowed = None if user.is_admin else user.neighbourhood_ids()
    found = []
    for survey_round in open_rounds(today):
        hoods = [area for area in survey_round.areas if allowed is None or area.id in allowed]
        if hoods:
            found.append((survey_round, hoods))
    return found


def all_rounds() -> list[SurveyRound]:
    """Every round, the most recently opened first."""
    return list(db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc(), SurveyRound.id.desc())))


def door_counts(area_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Door.neighbourhood_id, func.count()).where(Door.neighbourhood_id.in_(area_ids)).group_by(Door.neighbourhood_id)
    )
    return dict(rows.tuples().all())


@dataclass(frozen=True)
class StreetSummary:
    street: str
    doors: int
    visited: int


def streets(survey_round: SurveyRound, area: Area) -> list[StreetSummary]:
    """The streets of a neighbourhood's walk list, with how many of their doors were visited."""
    last = _last_visits(survey_round.id)
    rows = db.session.execute(
        select(Door.street, func.count(Door.id), func.count(last.c.door_id))
        .outerjoin(last, last.c.door_id == Door.id)
        .where(Door.neighbourhood_id == area.id)
        .group_by(Door.street)
        .order_by(Door.street)
    )
    return [StreetSummary(*row) for row in rows]


@dataclass(frozen=True)
class DoorOnList:
    door: Door
    outcome: VisitOutcome | None
    come_back_at: dt.datetime | None
    language: str | None


def doors_of_street(survey_round: SurveyRound, area: Area, street: str) -> list[DoorOnList]:
    last = _last_visits(survey_round.id)
    rows = db.session.execute(
        select(Door, last.c.outcome, last.c.come_back_at, last.c.language)
        .outerjoin(last, last.c.door_id == Door.id)
        .where(Door.neighbourhood_id == area.id, Door.street == street)
        .order_by(Door.house_number, Door.addition)
    )
    return [DoorOnList(door, VisitOutcome(outcome) if outcome else None, come_back_at, language)
            for door, outcome, come_back_at, language in rows]


@dataclass
class Coverage:
    """Doors and interviews of one neighbourhood or one street."""

    name: str
    doors: int = 0
    visited: int = 0
    by_outcome: dict[VisitOutcome, int] = field(default_factory=dict)
    door_interviews: int = 0  # stored interviews (neighbourhood) or doors interviewed (street)
    online: int | None = None  # online responses; for neighbourhoods only
    streets: list[Coverage] = field(default_factory=list)


def coverage(survey_round: SurveyRound) -> list[Coverage]:
    """Per neighbourhood of a round and per street in it: doors, doors visited by their last
    outcome, and the interviews door-to-door beside the responses online."""
    last = _last_visits(survey_round.id)
    hoods = {area.id: Coverage(area.name) for area in survey_round.areas}
    streets: dict[tuple[int, str], Coverage] = {}
    door_rows = db.session.execute(
        select(Door.neighbourhood_id, Door.street, last.c.outcome, func.count(Door.id))
        .outerjoin(last, last.c.door_id == Door.id)
        .where(Door.neighbourhood_id.in_(hoods))
        .group_by(Door.neighbourhood_id, Door.street, last.c.outcome)
        .order_by(Door.street)
    )
    for hood_id, street, outcome, count in door_rows:
        street_row = streets.setdefault((hood_id, street), Coverage(street))
        for row in (hoods[hood_id], street_row):
            row.doors += count
            if outcome is not None:
                outcome = VisitOutcome(outcome)
                row.visited += count
                row.by_outcome[outcome] = row.by_outcome.get(outcome, 0) + count
    for (hood_id, _), street_row in streets.items():
        street_row.door_interviews = street_row.by_outcome.get(VisitOutcome.INTERVIEWED, 0)
        hoods[hood_id].streets.append(street_row)
    response_rows = db.session.execute(
        select(Response.area_id, Response.channel, func.count())
        .where(Response.round_id == survey_round.id)
        .group_by(Response.area_id, Response.channel)
    )
    for area_id, channel, count in response_rows:
        if area_id not in hoods:
            continue
        if Channel(channel) is Channel.DOOR:
            hoods[area_id].door_interviews += count
        else:
            hoods[area_id].online = (hoods[area_id].online or 0) + count
    # Interviews still sealed (waiting until enough of the neighbourhood can be stored together).
    sealed_rows = db.session.execute(
        select(SealedItem.area_id, func.count())
        .where(SealedItem.round_id == survey_round.id, SealedItem.kind == INTERVIEW)
        .group_by(SealedItem.area_id)
    )
    for area_id, count in sealed_rows:
        if area_id in hoods:
            hoods[area_id].door_interviews += count
    return sorted((row for row in hoods.values() if row.doors or row.door_interviews or row.online),
                  key=lambda row: row.name)


def demo_responses(survey_round: SurveyRound) -> int:
    """Demo responses in a round: counted like any other, and said so wherever they are."""
    return db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id, Response.is_demo.is_(True)))


def language_barriers(survey_round: SurveyRound) -> list[tuple[str, int]]:
    """The languages residents spoke where the visit ended at a language barrier, most often first."""
    rows = db.session.execute(
        select(Visit.language, func.count())
        .where(Visit.round_id == survey_round.id, Visit.outcome == VisitOutcome.LANGUAGE_BARRIER)
        .group_by(Visit.language)
        .order_by(func.count().desc(), Visit.language)
    )
    return list(rows.tuples())
