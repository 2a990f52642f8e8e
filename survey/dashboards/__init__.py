"""Demand dashboards for community-centre boards, with privacy built in."""


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
