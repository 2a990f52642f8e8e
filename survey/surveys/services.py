"""Store survey definitions as versions and open rounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from ..areas.models import Area, AreaKind
from ..definitions import Definition, load_definition
from ..definitions.loader import checksum
from ..extensions import db
from .models import FIRST_ROUND_DAY, LAST_ROUND_DAY, Survey, SurveyRound, SurveyVersion


class RoundError(ValueError):
    """A round that cannot be created as asked; the message says why."""


def store_definition(definition: Definition) -> tuple[SurveyVersion, bool]:
    """Store a validated definition as a new version unless an identical one exists.

    :return: the version and whether it was new. Stored versions are never changed.
    """
    survey = db.session.scalar(select(Survey).where(Survey.key == definition.key))
    if survey is None:
        survey = Survey(key=definition.key)
        db.session.add(survey)
        db.session.flush()
    digest = checksum(definition)
    version = db.session.scalar(
        select(SurveyVersion).where(SurveyVersion.survey_id == survey.id, SurveyVersion.checksum == digest)
    )
    if version is not None:
        return version, False
    number = (db.session.scalar(select(func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)) or 0) + 1
    version = SurveyVersion(survey=survey, number=number, checksum=digest, content=definition.model_dump(mode="json"))
    db.session.add(version)
    db.session.flush()
    return version, True


def load_survey_file(path: str | Path) -> tuple[SurveyVersion, bool]:
    """Validate a definition file and store it (see :func:`store_definition`)."""
    return store_definition(load_definition(path))


def open_round(
    key: str,
    version: SurveyVersion,
    opens_on: dt.date,
    closes_on: dt.date,
    area_keys: list[str] | None = None,
    languages: list[str] | None = None,
) -> SurveyRound:
    """Create a round, or move an existing one (with that key) to this version and these settings.

    :param area_keys: neighbourhoods or districts; all neighbourhoods when empty.
    :raise RoundError: for implausible dates, unknown areas or languages the survey lacks.
    """
    problem = round_dates_problem(opens_on, closes_on)
    if problem:
        raise RoundError(problem)
    offered = list(version.definition.languages)
    languages = languages or offered
    missing = [code for code in languages if code not in offered]
    if missing:
        raise RoundError(f"the survey has no texts in: {', '.join(missing)}")
    areas = _neighbourhoods(area_keys or [])
    survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
    if survey_round is None:
        survey_round = SurveyRound(key=key)
        db.session.add(survey_round)
    survey_round.version = version
    survey_round.opens_on, survey_round.closes_on = opens_on, closes_on
    survey_round.languages = languages
    survey_round.areas = areas
    db.session.flush()
    return survey_round


def round_dates_problem(opens_on: dt.date, closes_on: dt.date) -> str | None:
    """What is wrong with a round's dates, or ``None``."""
    if not (FIRST_ROUND_DAY <= opens_on <= LAST_ROUND_DAY and FIRST_ROUND_DAY <= closes_on <= LAST_ROUND_DAY):
        return f"a round's dates must lie between {FIRST_ROUND_DAY} and {LAST_ROUND_DAY}"
    if closes_on < opens_on:
        return "a round cannot close before it opens"
    return None


def _neighbourhoods(keys: list[str]) -> list[Area]:
    if not keys:
        return list(db.session.scalars(select(Area).where(Area.kind == AreaKind.NEIGHBOURHOOD)))
    found = {a.key: a for a in db.session.scalars(select(Area).where(Area.key.in_(keys)))}
    unknown = [key for key in keys if key not in found]
    if unknown:
        raise RoundError(f"unknown area(s): {', '.join(unknown)}")
    hoods = []
    for key in keys:
        area = found[key]
        if area.kind is AreaKind.NEIGHBOURHOOD:
            hoods.append(area)
        elif area.kind is AreaKind.DISTRICT:
            hoods.extend(area.children)
        else:
            return _neighbourhoods([])
    return list(dict.fromkeys(hoods))
