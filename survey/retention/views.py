"""Retention settings for admins: /<lang>/admin/retention/ (what is kept how long, and what the
next daily run would delete)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.access import roles_required
from ..accounts.models import Role
from ..extensions import db
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from . import models  # noqa: F401  (the table, for migrations)
from .forms import RetentionForm
from .services import current_settings, preview, save_settings

bp = language_blueprint("retention", __name__, path="/admin/retention")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings():
    form = RetentionForm()
    if request.method == "GET":
        form.fill(current_settings())
    elif form.validate_on_submit():
        if "preview" in request.form:
            # Counted for the periods typed in, before anything is saved.
            return render_template("admin/retention/settings.html", form=form, outcome=preview(form.periods()),
                                   previewing=True)
        changed = save_settings(form.periods(), current_user)
        db.session.commit()
        flash(_("The retention settings have been saved.") if changed else _("Nothing changed."), "ok")
        return redirect(url_for(".settings"))
    else:
        return render_template("admin/retention/settings.html", form=form, outcome=None, previewing=False), 400
    return render_template("admin/retention/settings.html", form=form, outcome=preview(), previewing=False)
