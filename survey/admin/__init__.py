"""Administration by municipal staff: survey rounds and their languages, languages' review state."""

from .views import bp


def init_app(app):
    from ..i18n_lazy import _l
    from .nav import add_page

    app.register_blueprint(bp)
    from . import accountability
    accountability.init_app(app)
    add_page("dashboards_admin.rounds", _l("Results and ideas"), order=50)
    add_page("canvassing.coverage", _l("Door coverage"), order=60)
