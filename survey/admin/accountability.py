"""Accountability and data: the audit log, retention settings and the researchers' export."""

from ..i18n_lazy import _l
from .nav import add_page


def init_app(app):
    from ..audit.views import bp as audit_bp
    from ..research.views import bp as research_bp
    from ..retention.views import bp as retention_bp

    for blueprint in (audit_bp, retention_bp, research_bp):
        app.register_blueprint(blueprint)
    add_page("audit_log.log", _l("Audit log"), _l("Who did what with personal data, accounts and results."), order=80)
    add_page("retention.settings", _l("Retention"), _l("How long each kind of data is kept."), order=85)
    add_page("research.export", _l("Export for researchers"),
             _l("Anonymous answers, one row per response, as CSV or SPSS."), order=90)
