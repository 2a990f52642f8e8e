"""Doors of a walk list and the outcome of each visit to them.

A visit names a door; an interview's answers (``response``) never do. Nothing links the two: the
device sends the interview and the door's outcome "interviewed" as separate items, a visit keeps
only its day, and interviews are stored later, several at once in a random order (see
``responses.sealing``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Area
from ..extensions import db
from ..models import BigId, enum_values
from .outcomes import VisitOutcome


class Door(db.Model):
    """An address on a walk list: a postcode, house number and addition are unique in the country."""

    __tablename__ = "door"
    __table_args__ = (
        UniqueConstraint("postcode", "house_number", "addition"),
        Index("ix_door_neighbourhood_street", "neighbourhood_id", "street"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    street: Mapped[str] = mapped_column(String(120))
    house_number: Mapped[int]
    # "" rather than NULL, so that the unique constraint also holds for doors without an addition.
    addition: Mapped[str] = mapped_column(String(10), default="")
    postcode: Mapped[str] = mapped_column(String(6))

    neighbourhood: Mapped[Area] = relationship()

    @property
    def label(self) -> str:
        """The address as a canvasser reads it: ``Tongersestraat 12 A``."""
        return " ".join(part for part in (self.street, str(self.house_number), self.addition) if part)


class Visit(db.Model):
    """What happened at a door on one visit, recorded on a canvasser's device."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_round_door", "round_id", "door_id", "visited_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Made on the device: sending the same visit twice stores it once.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    door_id: Mapped[int] = mapped_column(ForeignKey("door.id"), index=True)
    canvasser_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[VisitOutcome] = mapped_column(
        Enum(VisitOutcome, native_enum=False, length=20, values_callable=enum_values)
    )
    # The resident's own words for a time, kept as the wall-clock time they named (no time zone).
    come_back_at: Mapped[dt.datetime | None]
    language: Mapped[str | None] = mapped_column(String(40))
    # Days only: a time would help to line a door's "interviewed" visit up with its interview.
    visited_on: Mapped[dt.date]  # the canvasser's local day, from the device
    received_on: Mapped[dt.date]  # the server's day

    door: Mapped[Door] = relationship()
