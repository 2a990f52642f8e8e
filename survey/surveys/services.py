"""Store survey definitions as versions and open rounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from ..areas.models import Area, AreaKind
from ..definitions import Definition
from ..definitions.loader import checksum
from ..extensions import db
from ..responses.models import Answer, Response
from .files import definition_from_upload
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
    """Validate a definition file (YAML, JSON or XLSForm) and store it (see :func:`store_definition`)."""
    path = Path(path)
    return store_definition(definition_from_upload(path.name, path.read_bytes()))


def open_round(
    key: str,
    version: SurveyVersion,
    opens_on: dt.date,
    closes_on: dt.date,
    area_keys: list[str] | None = None,
    languages: list[str] | None = None,
) -> SurveyRound:
    """Create a round, or move an existing one (with that key) to this version and these settings.

    A round that has responses moves to another version only when that version still has every
    question and option answered so far, so that no answer drops out of the dashboards.

    :param area_keys: neighbourhoods or districts; all neighbourhoods when empty.
    :raise RoundError: for implausible dates, unknown areas or languages the survey lacks, or a
        move that would lose answers.
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
    elif survey_round.version is not version:
        _check_move(survey_round, version)
    survey_round.version = version
    survey_round.opens_on, survey_round.closes_on = opens_on, closes_on
    survey_round.languages = languages
    survey_round.areas = areas
    db.session.flush()
    return survey_round


def _check_move(survey_round: SurveyRound, version: SurveyVersion) -> None:
    """Refuse to move a round with responses to a version that lacks what they answered."""
    responses = db.session.scalar(select(func.count()).select_from(Response).where(Response.round_id == survey_round.id))
    if not responses:
        return
    answered = db.session.execute(
        select(Answer.question, Answer.option).join(Response).where(Response.round_id == survey_round.id).distinct()
    ).all()
    lost = lost_answers(survey_round.version.definition, version.definition, answered)
    if lost:
        shown = ", ".join(lost[:8]) + (f" and {len(lost) - 8} more" if len(lost) > 8 else "")
        raise RoundError(
            f"round {survey_round.key} has {responses} responses to survey version {survey_round.version.number}, "
            f"and version {version.number} lacks what they answered ({shown}): moving the round would drop those "
            f"answers from its dashboards. The round keeps version {survey_round.version.number}; to ask version "
            f"{version.number}, open a new round with another key (--round {survey_round.key}-2)."
        )


def lost_answers(old: Definition, new: Definition, answered) -> list[str]:
    """What of the ``(question, option)`` pairs answered under ``old`` the ``new`` version lacks."""
    new_keys = {q.key for q in new.questions()}
    old_types = {q.key: q.type for q in old.questions()}
    lost: dict[str, None] = {}
    for question_key, option in answered:
        if question_key not in new_keys:
            lost.setdefault(f"question {question_key!r}")
            continue
        question = new.question(question_key)
        if old_types.get(question_key, question.type) != question.type:
            lost.setdefault(f"question {question_key!r} (now of type {question.type!r})")
        elif option is not None and option not in question.kind.stored_options(question, new):
            lost.setdefault(f"option {option!r} of {question_key!r}")
    return sorted(lost)


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
