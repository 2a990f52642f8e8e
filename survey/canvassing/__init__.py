"""Door to door: walk lists, visit outcomes, offline interviews and their sync."""

import datetime as dt


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
    from . import models  # noqa: F401  (the tables, for migrations and the test clean-up)
    from .api import bp as api_bp
    from .cli import walklist_cli
    from .views import bp

    # Defaults; a deployment overrides them like any other setting (SURVEY_CANVASS_...).
    app.config.setdefault("CANVASS_SYNC_MAX_ITEMS", 200)
    app.config.setdefault("CANVASS_SYNC_RATE_LIMIT", "120 per minute")
    # A tablet may be out of signal for days; after this long, the canvasser signs in once more
    # (online) before what is waiting can be sent. Nothing is lost meanwhile.
    app.config.setdefault("CANVASS_TOKEN_MAX_AGE", int(dt.timedelta(days=30).total_seconds()))

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(walklist_cli)
