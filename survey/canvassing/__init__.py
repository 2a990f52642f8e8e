"""Door to door: walk lists, visit outcomes, offline interviews and their sync."""


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
