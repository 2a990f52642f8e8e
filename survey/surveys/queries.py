"""Reads of surveys and rounds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import Survey, SurveyRound, SurveyVersion


def round_by_key(key: str) -> SurveyRound | None:
    # With its version in the same query: almost every use needs the definition.
    return db.session.scalar(select(SurveyRound).where(SurveyRound.key == key).options(joinedload(SurveyRound.version)))


def open_rounds(today: dt.date | None = None) -> list[SurveyRound]:
    today = today or dt.date.today()
    return list(
        db.session.scalars(
            select(SurveyRound)
            .where(SurveyRound.opens_on <= today, SurveyRound.closes_on >= today)
            .order_by(SurveyRound.opens_on.desc())
        )
    )


def survey_version(survey_key: str, number: int | None = None) -> SurveyVersion | None:
    """A stored version of a survey: ``number``, or the latest when it is ``None``."""
    query = select(SurveyVersion).join(Survey).where(Survey.key == survey_key)
    if number is not None:
        return db.session.scalar(query.where(SurveyVersion.number == number))
    return db.session.scalar(query.order_by(SurveyVersion.number.desc()).limit(1))
