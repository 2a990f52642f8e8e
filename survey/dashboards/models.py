"""Pre-aggregated counts for the dashboards, their freshness, and the audit log of personal data seen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import BigId


class Tally(db.Model):
    """How many respondents of one neighbourhood, in one slice, gave one answer.

    One row per (round, slice, neighbourhood, question, option, rank). A slice is a filter
    dimension and its value: ``all`` (everyone), ``age_group``, ``channel``, ``language`` or
    ``period`` (a month, ``2026-11``); an unknown age is the value ``""``. Special rows: question
    ``_n`` counts responses; option ``""`` counts the respondents who answered the question (the
    base); rank 0 counts an option chosen (or ranked anywhere), rank 1..N a place in a ranking.
    Kept up to date on every stored response and rebuilt after bulk loads; the dashboards read
    only this table, so a city summary adds up a few thousand rows instead of millions of answers.
    """

    __tablename__ = "dashboard_tally"
    __table_args__ = {"sqlite_with_rowid": False}

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    dim: Mapped[str] = mapped_column(String(12), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    option: Mapped[str] = mapped_column(String(40), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class TallyState(db.Model):
    """What the tally of a round was built from: how many responses, up to which response id.

    ``version`` goes up with every change, so cached dashboard numbers of any process are keyed
    by it; a mismatch with the response table (after a bulk load) triggers a rebuild.
    """

    __tablename__ = "dashboard_tally_state"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    responses: Mapped[int] = mapped_column(BigId)
    checked_max_id: Mapped[int] = mapped_column(BigId)
    version: Mapped[int] = mapped_column(BigId, default=0)


class AuditEntry(db.Model):
    """Who saw or exported personal data (volunteer contacts), and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(200))
