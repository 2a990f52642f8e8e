"""The canvasser's pages under ``/<lang>/canvass/``: their rounds and neighbourhoods, the streets
and doors of a walk list, the interview, and the coverage overview for admins.

Every page that a canvasser may need at the door lists, in ``offline_urls``, the pages and assets
the device keeps for work without a connection (see ``static/canvassing/canvass.js``).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, g, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..accounts.access import ensure_area_access, roles_required
from ..accounts.models import Role
from ..areas.models import AreaKind
from ..areas.queries import area_by_key
from ..i18n import languages
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.queries import round_by_key
from . import queries
from .outcomes import VisitOutcome
from .rules import interview_rules
from .texts import (OUTCOME_LABELS, answer_problem_templates, barrier_languages, client_texts, language_name,
                    outcome_labels, wall_clock)
from .tokens import issue_device_token

bp = language_blueprint("canvassing", __name__, template_folder="templates")

CANVASSERS = (Role.CANVASSER, Role.ADMIN)
ASSETS = ("css/app.css", "canvassing/canvass.css", "canvassing/canvass.js", "canvassing/walklist.js",
          "canvassing/interview.js")


def _round_and_area(round_key: str, area_key: str):
    """An open round and one of its neighbourhoods that the signed-in canvasser may visit, or 404."""
    survey_round = round_by_key(round_key)
    area = area_by_key(area_key)
    if survey_round is None or not survey_round.is_open() or area is None or area.kind is not AreaKind.NEIGHBOURHOOD:
        abort(404)
    if area not in survey_round.areas:
        abort(404)
    ensure_area_access(area)
    return survey_round, area


@bp.context_processor
def _helpers():
    return {"wall_clock": wall_clock, "language_name": language_name}


def _device(area=None, **extra) -> dict:
    """What every canvasser page tells its script: who records, how to send, what to keep offline."""
    return {
        "user": current_user.id,
        "token": issue_device_token(current_user),
        # With it the device locks what this canvasser leaves unsent when someone else signs in
        # (canvass.js); it reaches only this canvasser's own pages.
        "vault_key": current_user.vault_key,
        # When the page was made, as the script writes times: what the device recorded later wins.
        "issued": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "area": area.key if area else None,
        "area_name": area.name if area else None,
        "api": url_for("canvassing_api.submissions"),
        "worker": url_for("canvassing_api.service_worker"),
        "lang": g.lang,
        "texts": client_texts(),
        "outcomes": outcome_labels(),
        **extra,
    }


def _assets() -> list[str]:
    return [url_for("static", filename=name) for name in ASSETS]


def _walk_list_urls(survey_round, area) -> list[str]:
    """The pages of one neighbourhood's walk list: its streets, and the interview in every language."""
    urls = [url_for(".walk_list"), url_for(".neighbourhood", round_key=survey_round.key, area_key=area.key)]
    urls += [url_for(".street", round_key=survey_round.key, area_key=area.key, street=row.street)
             for row in queries.streets(survey_round, area)]
    urls += [url_for(".interview", round_key=survey_round.key, area_key=area.key, lang=code)
             for code in _interview_languages(survey_round)]
    return urls + _assets()


def _interview_languages(survey_round) -> list[str]:
    return [code for code in survey_round.languages if code in languages()]


@bp.get("/canvass/")
@roles_required(*CANVASSERS)
def walk_list():
    """The canvasser's entry page: the open rounds and the neighbourhoods they may visit."""
    rounds = queries.rounds_to_canvass(current_user)
    counts = queries.door_counts([area.id for _, hoods in rounds for area in hoods])
    offline = [url_for(".walk_list")] + _assets()
    return render_template("canvassing/home.html", rounds=rounds, door_counts=counts,
                           device=_device(offline_urls=offline))


@bp.get("/canvass/<round_key>/<area_key>/")
@roles_required(*CANVASSERS)
def neighbourhood(round_key: str, area_key: str):
    survey_round, area = _round_and_area(round_key, area_key)
    return render_template(
        "canvassing/neighbourhood.html", survey_round=survey_round, area=area,
        streets=queries.streets(survey_round, area),
        device=_device(area, offline_urls=_walk_list_urls(survey_round, area), refresh_offline=True, round=survey_round.key),
    )


@bp.get("/canvass/<round_key>/<area_key>/streets/<street>/")
@roles_required(*CANVASSERS)
def street(round_key: str, area_key: str, street: str):
    survey_round, area = _round_and_area(round_key, area_key)
    doors = queries.doors_of_street(survey_round, area, street)
    if not doors:
        abort(404)
    return render_template(
        "canvassing/street.html", survey_round=survey_round, area=area, street=street, doors=doors,
        # "Interviewed" is recorded by finishing an interview, not chosen by hand.
        outcomes=OUTCOME_LABELS, interviewed=VisitOutcome.INTERVIEWED, barrier_languages=barrier_languages(),
        device=_device(area, offline_urls=_walk_list_urls(survey_round, area), round=survey_round.key),
    )


@bp.get("/canvass/<round_key>/<area_key>/interview")
@roles_required(*CANVASSERS)
def interview(round_key: str, area_key: str):
    """The whole survey on one page, in the resident's language (the page's), section by section."""
    survey_round, area = _round_and_area(round_key, area_key)
    offered = _interview_languages(survey_round)
    if g.lang not in offered:
        abort(404)
    definition = survey_round.definition
    # The canvasser reads along in the language of their account, in small print under each question.
    canvasser_lang = current_user.language if current_user.language in definition.languages else definition.source_language
    with force_locale(canvasser_lang):
        canvasser_texts = {"back": _("Back to the walk list"), "language": _("Language of the interview")}
    # A ranking lists every option; the script keeps only those chosen earlier in the interview.
    every_option = {q.key: {"options": [o.key for o in definition.options_of(q)]} for q in definition.questions()}
    return render_template(
        "canvassing/interview.html", survey_round=survey_round, area=area, definition=definition,
        sections=[(section, [q for q in section.questions if q.type != "area"]) for section in definition.sections],
        values=MultiDict(), answers=every_option, canvasser_lang=canvasser_lang, canvasser_texts=canvasser_texts,
        languages_offered=offered,
        device=_device(
            area, offline_urls=_walk_list_urls(survey_round, area), round=survey_round.key,
            version=survey_round.version.number, rules=interview_rules(definition),
            problems=answer_problem_templates(),
            home=url_for(".neighbourhood", round_key=survey_round.key, area_key=area.key),
        ),
    )


@bp.get("/canvass/sign-out")
@roles_required(*CANVASSERS)
def sign_out():
    """Sign out on a shared tablet: first what is still waiting, then the device is cleared."""
    return render_template("canvassing/sign_out.html", device=_device(signing_out=True))


@bp.get("/canvass/coverage")
@roles_required(Role.ADMIN)
def coverage():
    rounds = queries.all_rounds()
    chosen = round_by_key(request.args.get("round", "")) or (rounds[0] if rounds else None)
    if chosen is None:
        abort(404)
    return render_template(
        "canvassing/coverage.html", rounds=rounds, survey_round=chosen, rows=queries.coverage(chosen),
        outcomes=OUTCOME_LABELS, barriers=queries.language_barriers(chosen), demo=queries.demo_responses(chosen),
    )
