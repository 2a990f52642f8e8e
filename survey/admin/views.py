"""Admin pages under /<lang>/admin/."""

from flask import abort, flash, redirect, render_template, url_for

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..extensions import db
from ..i18n import languages
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from ..surveys.queries import round_by_key
from .forms import RoundForm
from .nav import admin_pages
from .queries import interface_languages, rounds_with_counts

bp = language_blueprint("admin", __name__, path="/admin", template_folder="templates")


@bp.get("/")
@roles_required(Role.ADMIN)
def overview():
    return render_template("admin/overview.html", rounds=rounds_with_counts(), interface=interface_languages(),
                           pages=admin_pages())


@bp.route("/rounds/<round_key>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_round(round_key: str):
    survey_round = round_by_key(round_key)
    if survey_round is None:
        abort(404)
    definition = survey_round.definition
    form = RoundForm(obj=survey_round)
    names = languages()
    form.languages.choices = [
        (code, names[code].name if code in names else code) for code in definition.languages
    ]
    if form.validate_on_submit():
        # Keep the definition's order, so that the switcher lists languages the same way everywhere.
        survey_round.languages = [code for code in definition.languages if code in form.languages.data]
        survey_round.opens_on, survey_round.closes_on = form.opens_on.data, form.closes_on.data
        db.session.commit()
        flash(_("The round has been saved."), "success")
        return redirect(url_for(".overview"))
    return render_template("admin/round.html", form=form, survey_round=survey_round, definition=definition), (
        400 if form.errors else 200
    )
