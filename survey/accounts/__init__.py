"""Staff accounts (admins, canvassers, board members), sign-in and per-neighbourhood access."""

from .views import bp


def init_app(app):
    from ..extensions import login_manager
    from .services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    app.register_blueprint(bp)
