"""Anonymous responses and their answers; contact details of volunteers live apart.

A response holds no name, no address, no IP address and no time of day: only its area, survey
version, channel, language and day. Each chosen option is one ``answer`` row, so that counting
answers per question, option and area is one indexed aggregation.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import BigId, enum_values


class Channel(enum.StrEnum):
    ONLINE = "online"
    DOOR = "door"


class Response(db.Model):
    __tablename__ = "response"
    __table_args__ = (Index("ix_response_round_area", "round_id", "area_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Made on the canvasser's device or by the server: sending the same response twice stores once.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=10, values_callable=enum_values))
    language: Mapped[str] = mapped_column(String(10))
    day: Mapped[dt.date]
    # Copied from the answers so that dashboards filter by it without a join.
    age_group: Mapped[str | None] = mapped_column(String(40))
    # SHA-256 of the resident's receipt code; the code itself is never stored.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (Index("ix_answer_question_option", "question", "option"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(BigId, ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    option: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[int | None] = mapped_column(SmallInteger)
    number: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    # Free text can name people: it reaches boards only once an admin approved it.
    text_approved: Mapped[bool | None]

    response: Mapped[Response] = relationship(back_populates="answers")


class VolunteerContact(db.Model):
    """Contact details left with explicit consent, kept apart from (and not linked to) the answers."""

    __tablename__ = "volunteer_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    # The same receipt code deletes them; the hash does not point at the response row.
    receipt_hash: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    roles: Mapped[str | None] = mapped_column(String(200))  # the ways they offered to help
    talent: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10))
    given_on: Mapped[dt.date] = mapped_column(default=dt.date.today)
