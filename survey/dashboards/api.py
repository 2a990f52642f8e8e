"""``GET /api/v1/surveys/<round>/areas/<area>/summary``: a dashboard's numbers as JSON.

The same summary as the pages and exports, so the same suppression: a hidden count is ``null``
with its label in ``display``. Open to signed-in admins and boards (their own neighbourhoods,
district and city totals), and to everyone for a round whose results an admin made public.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, jsonify, request
from flask_login import current_user

from ..extensions import db
from ..i18n import best_language, languages
from ..surveys.queries import round_by_key
from .service import dashboard_summary, find_target, read_filter
from .suppression import MIN_BREAKDOWN, MIN_COUNT, MIN_PERCENT_BASE

api_bp = Blueprint("dashboards_api", __name__, url_prefix="/api/v1")


@api_bp.get("/surveys/<round_key>/areas/<area_key>/summary")
def summary(round_key: str, area_key: str):
    lang = request.args.get("lang")
    g.lang = lang if lang in languages() else best_language()
    survey_round = round_by_key(round_key)
    public = survey_round is not None and survey_round.results_public
    if not public and not current_user.is_authenticated:
        abort(401)
    survey_round, area = find_target(round_key, area_key, public=public)
    view_filter = read_filter(request.args.get("filter"), survey_round)
    data = dashboard_summary(survey_round, area, view_filter)
    db.session.commit()
    data["rules"] = {"min_count": MIN_COUNT, "min_breakdown": MIN_BREAKDOWN, "min_percent_base": MIN_PERCENT_BASE}
    response = jsonify(data)
    response.headers["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
