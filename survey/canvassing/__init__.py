"""Door to door: walk lists, visit outcomes, offline interviews and their sync."""


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
    from . import models  # noqa: F401  (the tables, for migrations and the test clean-up)
    from .api import bp as api_bp
    from .cli import walklist_cli
    from .views import bp

    # Defaults; a deployment overrides them like any other setting (SURVEY_CANVASS_...).
    app.config.setdefault("CANVASS_SYNC_MAX_ITEMS", 200)
    app.config.setdefault("CANVASS_SYNC_RATE_LIMIT", "120 per minute")
    # A device token lives as long as the session it was issued in (tokens.py): once that ended,
    # the canvasser signs in once more (online) before what is waiting can be sent. Nothing is
    # lost meanwhile.

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(walklist_cli)
