"""Demand dashboards for community-centre boards, with privacy built in."""

import click
from flask.cli import AppGroup

from . import models  # noqa: F401  (the tables, for migrations)

dashboards_cli = AppGroup("dashboards", help="Dashboard counts: rebuild the tally after bulk loads.")


@dashboards_cli.command("rebuild")
@click.option("--round", "round_key", help="One round (default: every round).")
def rebuild_command(round_key):
    """Count every response of a round again into the dashboard tally."""
    from sqlalchemy import select

    from ..extensions import db
    from ..surveys.models import SurveyRound
    from .queries import clear_cache
    from .tally import rebuild

    query = select(SurveyRound)
    if round_key:
        query = query.where(SurveyRound.key == round_key)
    for survey_round in db.session.scalars(query).all():
        counted = rebuild(survey_round.id)
        db.session.commit()
        click.echo(f"{survey_round.key}: {counted:,} responses counted.")
    clear_cache()


def _on_stored(response, **extra):
    from .tally import add_response

    add_response(response)


def _on_deleted(_sender, round_id, area_id, **extra):
    from .tally import recount_area

    recount_area(round_id, area_id)


def _on_bulk_loaded(_sender, round_id, **extra):
    from .queries import clear_cache
    from .tally import rebuild

    rebuild(round_id)
    clear_cache()


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
    from ..responses.services import response_deleted, response_stored, responses_bulk_loaded
    from .admin import admin_bp
    from .api import api_bp
    from .views import bp, public_bp

    for blueprint in (bp, admin_bp, public_bp, api_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(dashboards_cli)

    # Module-level handlers: blinker holds them weakly, and modules live as long as the process.
    # Each runs inside the submitting request's transaction, so the tally commits with the answers.
    response_stored.connect(_on_stored)
    response_deleted.connect(_on_deleted)
    responses_bulk_loaded.connect(_on_bulk_loaded)
