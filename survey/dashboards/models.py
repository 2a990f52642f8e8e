"""Released counts for the dashboards and the published figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Tally(db.Model):
    """How many *released* respondents of one neighbourhood, in one slice, gave one answer.

    One row per (round, slice, neighbourhood, question, option, rank). A slice is a filter
    dimension and its value: ``all`` (everyone), ``age_group``, ``channel``, ``language`` or
    ``period`` (a month, ``2026-11``); an unknown age is the value ``""``. Special rows: question
    ``_n`` counts responses; option ``""`` counts the respondents who answered the question (the
    base); rank 0 counts an option chosen (or ranked anywhere), rank 1..N a place in a ranking.
    ``key_sum`` adds up the record keys of those respondents (the cell-key method). Only a release
    writes it (releases.py), one neighbourhood at a time, from the responses it released.
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
    key_sum: Mapped[int] = mapped_column(BigInteger)


class Release(db.Model):
    """A moment at which a round's published figures changed; between releases nothing changes."""

    __tablename__ = "dashboard_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    made_at: Mapped[dt.datetime]  # UTC
    # Neighbourhoods whose figures changed in this release (a count; which ones is not kept).
    areas_changed: Mapped[int] = mapped_column(default=0)
    includes_demo: Mapped[bool] = mapped_column(default=False)
    # The round's responses were reduced to these figures (retention): no release follows.
    final: Mapped[bool] = mapped_column(default=False, server_default="0")


class ReleaseArea(db.Model):
    """Per round and neighbourhood: answers deleted by their residents since its figures last changed."""

    __tablename__ = "dashboard_release_area"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    withdrawn: Mapped[int] = mapped_column(default=0)


class PublishedCell(db.Model):
    """A figure of the current release as every output shows it: the perturbed value and its status.

    Written whole at each release (all areas, all filter dimensions), so that reading a dashboard
    is one indexed look-up however many responses there are.
    """

    __tablename__ = "dashboard_published"
    __table_args__ = {"sqlite_with_rowid": False}

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    dim: Mapped[str] = mapped_column(String(12), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    question: Mapped[str] = mapped_column(String(40), primary_key=True)
    option: Mapped[str] = mapped_column(String(40), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    shown: Mapped[int] = mapped_column(Integer)  # the perturbed count
    status: Mapped[str] = mapped_column(String(8))  # suppression.Status
