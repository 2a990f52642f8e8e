"""Which responses the researchers' export holds, read from the database in a random order.

In: a round's responses that are neither demo data nor test-mode answers, and that are released
(counted by the dashboards), or whose round closed more than SYNC_GRACE_DAYS ago (nothing can
arrive any more). A response that is not released yet waits, as on the dashboards: otherwise two
downloads an hour apart would show which rows arrived in that hour, and so roughly when a
resident answered. Releases come once a day and in batches of several per neighbourhood.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import and_, case, func, select

from ..areas.models import Area
from ..extensions import db
from ..i18n import languages as interface_languages
from ..responses.models import Answer, Response
from ..surveys.models import SurveyRound, SurveyVersion
from .codebook import Place, Variable, variables
from .dataset import StoredResponse, row_of


def _included(survey_round: SurveyRound, today: dt.date | None = None):
    today = today or dt.date.today()
    settled = survey_round.closes_on + dt.timedelta(days=current_app.config["SYNC_GRACE_DAYS"]) < today
    conditions = [Response.round_id == survey_round.id, Response.is_demo.is_(False), Response.is_test.is_(False)]
    if not settled:
        conditions.append(Response.release_id.is_not(None))
    return and_(*conditions)


@dataclass(frozen=True)
class Counts:
    included: int
    demo: int
    test: int
    waiting: int


def counts(survey_round: SurveyRound) -> Counts:
    """How many responses the export holds, and how many it leaves out, by reason."""
    included = _included(survey_round)
    row = db.session.execute(select(
        func.count(case((included, 1))),
        func.count(case((Response.is_demo.is_(True), 1))),
        func.count(case((and_(Response.is_test.is_(True), Response.is_demo.is_(False)), 1))),
    ).where(Response.round_id == survey_round.id)).one()
    total = db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id))
    return Counts(row[0], row[1], row[2], total - row[0] - row[1] - row[2])


def places(survey_round: SurveyRound) -> list[Place]:
    """The round's neighbourhoods with their districts."""
    found = []
    for area in survey_round.areas:
        parent = area.parent
        found.append(Place(area.key, area.name, parent.key if parent else "", parent.name if parent else ""))
    return found


def stored_responses(survey_round: SurveyRound, rng: random.Random | None = None) -> list[StoredResponse]:
    """The responses the export holds, without ids, shuffled."""
    area = db.aliased(Area)
    district = db.aliased(Area)
    found = db.session.execute(
        select(Response.id, area.key, district.key, Response.channel, Response.language, Response.day, SurveyVersion.number)
        .join(area, area.id == Response.area_id).outerjoin(district, district.id == area.parent_id)
        .join(SurveyVersion, SurveyVersion.id == Response.survey_version_id)
        .where(_included(survey_round))
    ).all()
    answers = defaultdict(list)
    for response_id, *answer in db.session.execute(
        select(Answer.response_id, Answer.question, Answer.option, Answer.rank, Answer.number, Answer.text, Answer.text_approved)
        .join(Response, Response.id == Answer.response_id).where(_included(survey_round))
    ):
        answers[response_id].append(tuple(answer))
    rows = [StoredResponse(area_key, district_key or "", str(channel), language, day.strftime("%Y-%m"), number,
                           tuple(answers.get(response_id, ())))
            for response_id, area_key, district_key, channel, language, day, number in found]
    (rng or random.SystemRandom()).shuffle(rows)
    return rows


def codebook_texts(codes: list[str]) -> dict[str, dict[str, str]]:
    """The codebook's own words in each of these languages that the interface speaks."""
    words = {
        "chosen": lambda: gettext("chosen"), "not_chosen": lambda: gettext("not chosen"),
        "other": lambda: gettext("Other"), "yes": lambda: gettext("Yes"), "no": lambda: gettext("No"),
        "place": lambda: gettext("place"), "neighbourhood": lambda: gettext("Neighbourhood"),
        "district": lambda: gettext("District"), "channel": lambda: gettext("Channel"),
        "online": lambda: gettext("online"), "door": lambda: gettext("door to door"),
        "language": lambda: gettext("Language of the answers"), "month": lambda: gettext("Month"),
        "version": lambda: gettext("Survey version"),
    }
    spoken = [code for code in codes if code in interface_languages()]
    texts: dict[str, dict[str, str]] = {key: {} for key in words}
    for code in spoken:
        with force_locale(code):
            for key, word in words.items():
                texts[key][code] = word()
    return texts


def export_variables(survey_round: SurveyRound) -> list[Variable]:
    definition = survey_round.definition
    names = interface_languages()
    langs = {code: names[code].name if code in names else code for code in definition.languages}
    return variables(definition, places(survey_round), langs, codebook_texts(list(definition.languages)))


def export_rows(survey_round: SurveyRound, variables_: list[Variable]) -> list[dict]:
    return [row_of(response, variables_) for response in stored_responses(survey_round)]

