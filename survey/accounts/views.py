"""Sign in and out."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db, limiter
from ..i18n_lazy import _
from ..main.urls import language_blueprint
from .forms import LoginForm
from .redirects import local_path
from .services import authenticate
from .signin import sign_in, sign_out

bp = language_blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            db.session.commit()
            return redirect(local_path(request.args.get("next")) or url_for(".home"))
        form.password.errors.append(_("The email address or password is not right."))
    return render_template("accounts/login.html", form=form), (401 if form.errors else 200)


@bp.post("/logout")
def logout():
    """End the session on the server; the sign-in page then also clears a shared tablet."""
    sign_out()
    db.session.commit()
    flash(_("You are signed out."), "info")
    return redirect(url_for(".login"))


@bp.get("/account")
@login_required
def home():
    return render_template("accounts/home.html", user=current_user)
