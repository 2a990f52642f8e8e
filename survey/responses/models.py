"""Anonymous responses and their answers; contact details of volunteers live apart.

A response holds no name, no address, no IP address and no time of day: only its area, survey
version, channel, language and day. Each chosen option is one ``answer`` row, so that counting
answers per question, option and area is one indexed aggregation.

Nothing stored joins a response to the contact details a volunteer left, or a door-to-door
interview to its door: the receipt code is stored as two different keyed hashes (one per table),
contact rows have random ids and no date, and door interviews wait sealed (``SealedItem``) until
several of the same neighbourhood can be stored together in a random order (see
``responses.sealing``).
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import BigId, enum_values, random_id


RECORD_KEYS = 1 << 32  # record keys of the cell-key method are 0 <= key < 2^32


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
    # A keyed hash of the resident's receipt code (services.receipt_hash, purpose "response");
    # the code itself is never stored.
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Given in a round's test mode by staff trying it out: never counted, exported or published.
    is_test: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The secret random key of the cell-key method (dashboards/perturbation.py): the key of a
    # published count is the sum of the keys of the responses it counts.
    cell_key: Mapped[int] = mapped_column(BigInteger, default=lambda: secrets.randbelow(RECORD_KEYS))
    # The dashboard release that first counted this response; ``None`` while it waits for one.
    release_id: Mapped[int | None] = mapped_column(ForeignKey("dashboard_release.id", ondelete="SET NULL"), index=True)

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
    """Contact details left with explicit consent, kept apart from (and not linked to) the answers.

    The id is random and there is no date, so neither the order nor the time of the rows lines up
    with the responses; new rows arrive sealed and are written at a release, when the round's
    contacts of that neighbourhood are written again in a random order.
    """

    __tablename__ = "volunteer_contact"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False, default=random_id)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    # The same receipt code deletes them, through a hash of its own (purpose "contact"): it
    # equals nothing in the response table.
    receipt_hash: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    roles: Mapped[str | None] = mapped_column(String(200))  # the ways they offered to help
    talent: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10))


class SealedItem(db.Model):
    """An interview or a volunteer's contact details waiting, encrypted, for the next release.

    A door-to-door interview reaches the server with its door's visit; stored at once, the order
    of the response rows would follow the order of the visits. So it waits here, unreadable
    without the app's key, until at least five interviews of its neighbourhood are waiting; then
    they are stored together, in a random order, under the day of that release. Contact details
    wait for the next release likewise. The receipt code finds (and deletes) sealed items too.
    """

    __tablename__ = "sealed_item"
    __table_args__ = (Index("ix_sealed_item_round_area", "round_id", "kind", "area_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False, default=random_id)
    kind: Mapped[str] = mapped_column(String(12))  # "interview" or "contact"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    # An interview's UUID from the device, so that sending it again stores it once.
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
