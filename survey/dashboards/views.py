"""Dashboard pages for boards and admins, their exports and print view, and the public results."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..i18n import current_language
from ..responses.models import VolunteerContact
from ..surveys.models import SurveyRound
from ..surveys.queries import round_by_key
from ..main.urls import language_blueprint
from . import charts, exports
from .queries import approved_ideas, round_tree, venues_and_requests
from .service import (
    audit, chart_texts, dashboard_summary, export_headings, filter_choices, find_target, may_see_contacts,
    may_use_dashboards, read_filter, visible_areas,
)
from .suppression import MIN_BREAKDOWN, MIN_COUNT

bp = language_blueprint("dashboards", __name__, template_folder="templates")
public_bp = language_blueprint("results", __name__, template_folder="templates")


def _page(template: str, survey_round, area, *, public: bool = False, **extra):
    view_filter = read_filter(None if public else request.args.get("filter"), survey_round)
    summary = dashboard_summary(survey_round, area, view_filter)
    language = current_language()
    figures = charts.figures(summary, chart_texts(), language.is_rtl)
    venues, wanting = venues_and_requests(survey_round, area)
    db.session.commit()  # the tally may just have been (re)built
    return render_template(
        template, survey_round=survey_round, area=area, summary=summary, figures=figures,
        view_filter=view_filter, choices=[] if public else filter_choices(survey_round), public=public,
        ideas=[] if public or view_filter.dim else approved_ideas(survey_round, area),
        show_contacts=not public and may_see_contacts(area), min_count=MIN_COUNT, min_breakdown=MIN_BREAKDOWN,
        parent=area.parent if area.parent is not None and area.parent.key in _tree_keys(survey_round) else None,
        children=_children(survey_round, area), venues=venues, places_wanted=wanting, **extra,
    )


def _tree_keys(survey_round) -> set[str]:
    return set(round_tree(survey_round))


def _children(survey_round, area):
    keys = _tree_keys(survey_round)
    kids = [child for child in area.children if child.key in keys]
    if current_user.is_authenticated and not current_user.is_admin:
        kids = [child for child in kids if current_user.may_see_area(child)]
    return kids


@bp.get("/dashboards/")
@login_required
def index():
    if not may_use_dashboards():
        abort(403)
    rounds = db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc())).all()
    return render_template("dashboards/index.html", rounds=[(r, visible_areas(r)) for r in rounds])


@bp.get("/dashboards/<round_key>/<area_key>/")
@login_required
def dashboard(round_key: str, area_key: str):
    survey_round, area = find_target(round_key, area_key)
    return _page("dashboards/dashboard.html", survey_round, area)


@bp.get("/dashboards/<round_key>/<area_key>/print")
@login_required
def print_view(round_key: str, area_key: str):
    survey_round, area = find_target(round_key, area_key)
    return _page("dashboards/print.html", survey_round, area)


@bp.get("/dashboards/<round_key>/<area_key>/export.<kind>")
@login_required
def export(round_key: str, area_key: str, kind: str):
    survey_round, area = find_target(round_key, area_key)
    if kind not in ("csv", "xlsx"):
        abort(404)
    view_filter = read_filter(request.args.get("filter"), survey_round)
    summary = dashboard_summary(survey_round, area, view_filter)
    headings = export_headings(summary, current_language().is_rtl)
    db.session.commit()
    name = f"{survey_round.key}-{area.key}" + (f"-{view_filter.dim}-{view_filter.value}" if view_filter.dim else "")
    if kind == "csv":
        body, mimetype = exports.to_csv(summary, headings), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.to_xlsx(summary, headings), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'})


@bp.get("/dashboards/<round_key>/<area_key>/contacts")
@login_required
def contacts(round_key: str, area_key: str):
    """Volunteers who left contact details: only for that neighbourhood's board and admins; logged."""
    survey_round, area = find_target(round_key, area_key)
    if not may_see_contacts(area):
        abort(404)
    found = sorted(db.session.scalars(
        select(VolunteerContact).where(VolunteerContact.round_id == survey_round.id, VolunteerContact.area_id == area.id)
    ), key=lambda contact: ((contact.name or "").casefold(), contact.email or "", contact.phone or ""))
    audit("view_contacts", survey_round, area, f"{len(found)} contacts")
    db.session.commit()
    help_labels = _help_labels(survey_round)
    return render_template("dashboards/contacts.html", survey_round=survey_round, area=area, contacts=found,
                           help_labels=help_labels)


def _help_labels(survey_round) -> dict[str, str]:
    definition = survey_round.definition
    question = next((q for q in definition.questions() if q.key == "help"), None)
    return {o.key: definition.text(o.label, g.lang) for o in (question.options if question else ())}


@public_bp.get("/results/<round_key>/<area_key>/")
def public_results(round_key: str, area_key: str):
    """A round's results without sign-in, once an admin made them public."""
    survey_round, area = find_target(round_key, area_key, public=True)
    return _page("dashboards/dashboard.html", survey_round, area, public=True)


@public_bp.get("/results/<round_key>/")
def public_index(round_key: str):
    """A public round's results start at the city."""
    survey_round = round_by_key(round_key)
    if survey_round is None or not survey_round.results_public:
        abort(404)
    tree = round_tree(survey_round)
    city = next(a for a in tree.values() if a.parent is None or a.parent.key not in tree)
    return redirect(url_for(".public_results", round_key=round_key, area_key=city.key))
