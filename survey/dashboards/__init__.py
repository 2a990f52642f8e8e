"""Demand dashboards for community-centre boards, with privacy built in."""

import click
from flask.cli import AppGroup

from . import models  # noqa: F401  (the tables, for migrations)

dashboards_cli = AppGroup("dashboards", help="Dashboard releases: the published figures.")


@dashboards_cli.command("release")
@click.option("--round", "round_key", help="One round (default: every round).")
@click.option("--force", is_flag=True, help="Also when no release is due (for trying out; it adds an observation).")
def release_command(round_key, force):
    """Make the day's release of the figures (run it from cron at RELEASE_HOUR)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..surveys.models import SurveyRound
    from .releases import ensure_released, make_release

    query = select(SurveyRound).order_by(SurveyRound.id)
    if round_key:
        query = query.where(SurveyRound.key == round_key)
    found = db.session.scalars(query).all()
    if round_key and not found:
        raise click.ClickException(f"no round {round_key!r}")
    for survey_round in found:
        release = make_release(survey_round, force=True) if force else ensure_released(survey_round)
        db.session.commit()
        click.echo(f"{survey_round.key}: release {release.number} of {release.made_at:%Y-%m-%d %H:%M} UTC, "
                   f"{release.areas_changed} neighbourhood(s) changed.")


def _on_deleted(_sender, round_id, area_id, released=False, **extra):
    if released:
        from .releases import note_withdrawn

        note_withdrawn(round_id, area_id)


def _on_bulk_loaded(_sender, round_id, **extra):
    """Demo data and imports are released at once: they are not residents' answers arriving one by one."""
    from ..extensions import db
    from ..surveys.models import SurveyRound
    from .queries import clear_cache
    from .releases import make_release

    make_release(db.session.get(SurveyRound, round_id), force=True, everything=True)
    clear_cache()


def _utc_datetime(text: str):
    """An ISO moment from a summary (``2026-12-02T05:00+00:00``) as a datetime for format_datetime."""
    import datetime as dt

    return dt.datetime.fromisoformat(text)


def init_app(app):
    """Register the feature's blueprints, CLI commands and signal handlers."""
    from ..responses.services import response_deleted, responses_bulk_loaded
    from .admin import admin_bp
    from .api import api_bp
    from .views import bp, public_bp

    for blueprint in (bp, admin_bp, public_bp, api_bp):
        app.register_blueprint(blueprint)
    app.cli.add_command(dashboards_cli)
    app.add_template_filter(_utc_datetime, "utc_datetime")

    # Module-level handlers: blinker holds them weakly, and modules live as long as the process.
    # Each runs inside the request's transaction, so what it writes commits with the change.
    response_deleted.connect(_on_deleted)
    responses_bulk_loaded.connect(_on_bulk_loaded)
