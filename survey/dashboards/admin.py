"""Admin pages of the dashboards: approve open ideas before boards see them, publish results."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..extensions import db
from ..i18n_lazy import _, ngettext
from ..main.urls import language_blueprint
from ..responses.models import Answer
from ..surveys.models import SurveyRound
from ..surveys.queries import round_by_key
from .queries import pending_ideas
from .service import audit

admin_bp = language_blueprint("dashboards_admin", __name__, template_folder="templates")
ANSWER_ID = re.compile(r"[0-9]{1,9}")


class ActionForm(FlaskForm):
    """No fields of its own: the buttons carry the decision; the form carries the CSRF token."""


@admin_bp.get("/admin/dashboards/")
@roles_required(Role.ADMIN)
def rounds():
    found = db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc())).all()
    return render_template("dashboards/admin_rounds.html", rounds=found, form=ActionForm())


@admin_bp.post("/admin/dashboards/<round_key>/public")
@roles_required(Role.ADMIN)
def set_public(round_key: str):
    survey_round = round_by_key(round_key) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    survey_round.results_public = request.form.get("public") == "yes"
    audit("results_public" if survey_round.results_public else "results_private", survey_round)
    db.session.commit()
    flash(_("The results of %(round)s are public now.", round=survey_round.key) if survey_round.results_public
          else _("The results of %(round)s are no longer public.", round=survey_round.key), "ok")
    return redirect(url_for(".rounds"))


@admin_bp.route("/admin/dashboards/<round_key>/ideas", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def moderate(round_key: str):
    """Open ideas can name people: an admin approves or rejects each before any board sees it."""
    survey_round = round_by_key(round_key) or abort(404)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        decisions = {key.removeprefix("idea-"): value for key, value in request.form.items() if key.startswith("idea-")}
        decided = 0
        for raw_id, decision in decisions.items():
            # ASCII digits only ("²" is a digit to str.isdigit), and short enough for any database.
            if not ANSWER_ID.fullmatch(raw_id) or decision not in ("approve", "reject"):
                continue
            answer = db.session.get(Answer, int(raw_id))
            if answer is None or answer.response.round_id != survey_round.id:
                continue
            answer.text_approved = decision == "approve"
            decided += 1
        audit("moderate_ideas", survey_round, detail=f"{decided} decided")
        db.session.commit()
        flash(ngettext("%(num)d idea decided.", "%(num)d ideas decided.", decided), "ok")
        return redirect(url_for(".moderate", round_key=round_key))
    return render_template("dashboards/moderate.html", survey_round=survey_round, pending=pending_ideas(survey_round), form=form)
