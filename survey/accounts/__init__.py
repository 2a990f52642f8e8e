"""Staff accounts (admins, canvassers, board members), sign-in and per-neighbourhood access."""

from .views import bp


def init_app(app):
    from ..extensions import login_manager
    from .signin import check_session, load_user

    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_to_login)
    app.before_request(check_session)
    app.register_blueprint(bp)


def _to_login():
    """Send a signed-out visitor to the sign-in page in their language; the API answers 401."""
    from flask import abort, g, redirect, request, url_for

    from ..i18n import best_language

    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("accounts.login", lang=g.get("lang") or best_language(), next=request.full_path.rstrip("?")))
