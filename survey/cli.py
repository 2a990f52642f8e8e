"""Command-line commands: ``flask --app survey <command>``."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from .extensions import db

areas_cli = AppGroup("areas", help="Import districts, neighbourhoods, venues and postcodes.")
surveys_cli = AppGroup("surveys", help="Load survey definitions (YAML, JSON or XLSForm), export them, and open rounds.")
users_cli = AppGroup("users", help="Manage staff accounts.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@click.command("setup")
@with_appcontext
def setup_command():
    """Load the reference areas and the default survey with its round (safe to run again)."""
    from .areas.services import import_reference_file
    from .responses.models import Response
    from .surveys.models import SurveyRound
    from .surveys.services import load_survey_file, open_round

    root = Path(current_app.root_path)
    report = import_reference_file(root / current_app.config["REFERENCE_AREAS_FILE"])
    version, new = load_survey_file(root / current_app.config["DEFAULT_SURVEY_FILE"])
    key = current_app.config["DEFAULT_ROUND_KEY"]
    survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
    if survey_round is None:
        today = dt.date.today()
        survey_round = open_round(key, version, today, today + dt.timedelta(days=120))
        click.echo(f"Opened round {key} until {survey_round.closes_on}.")
    elif survey_round.version is not version:
        answered = db.session.scalar(select(func.count()).where(Response.round_id == survey_round.id))
        if answered:
            click.echo(f"Survey version {version.number} stored; round {key} keeps version "
                       f"{survey_round.version.number} because it has {answered} responses.")
        else:
            # Languages new in this version are offered; those an admin switched off stay off.
            before = survey_round.version.definition.languages
            survey_round.languages = [
                code for code in version.definition.languages if code in survey_round.languages or code not in before
            ]
            survey_round.version = version
            click.echo(f"Round {key} now asks survey version {version.number}.")
    db.session.commit()
    click.echo(f"Areas: {report.created} created, {report.updated} updated. "
               f"Survey {version.survey.key} version {version.number}{' (new)' if new else ''}.")
    from .accounts.models import User

    if not db.session.scalar(select(func.count()).select_from(User)):
        click.echo("No staff accounts yet. Residents need none; to sign in as staff, create one:\n"
                   "  .venv/bin/flask --app survey users create you@example.nl --role admin")


def _import_file(run, path):
    """Run an import service; commit what it stored, or report every problem and store nothing."""
    from .areas.services import AreaFileError

    try:
        result = run(path)
    except AreaFileError as error:
        _fail(str(error))
    db.session.commit()
    return result


@areas_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_areas(path):
    """Import a reference file of districts, neighbourhoods and venues (YAML)."""
    from .areas.services import import_reference_file

    report = _import_file(import_reference_file, path)
    click.echo(f"{report.created} areas created, {report.updated} updated.")


@areas_cli.command("postcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_postcodes(path):
    """Import a CSV of 6-character postcodes with the columns postcode,neighbourhood."""
    from .areas.services import import_postcodes as run

    click.echo(f"{_import_file(run, path)} postcodes loaded.")


@surveys_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--round", "round_key", help="Also open (or move) this round to the loaded version.")
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="First day of the round (default today).")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), help="Last day of the round (default in 120 days).")
@click.option("--area", "areas", multiple=True, help="Neighbourhood or district key; all when left out.")
@click.option("--language", "languages", multiple=True, help="Language the round offers; all of the survey's when left out.")
def load_survey(path, round_key, opens, closes, areas, languages):
    """Validate a survey file (YAML, JSON, or XLSForm .xlsx/.xls/.csv) and store it as a version."""
    from .definitions import DefinitionError
    from .surveys.services import RoundError, load_survey_file, open_round

    try:
        version, new = load_survey_file(path)
        click.echo(f"Survey {version.survey.key}: version {version.number} {'stored' if new else 'unchanged'}.")
        if round_key:
            opens_on = opens.date() if opens else dt.date.today()
            closes_on = closes.date() if closes else opens_on + dt.timedelta(days=120)
            survey_round = open_round(round_key, version, opens_on, closes_on, list(areas), list(languages))
            click.echo(f"Round {survey_round.key}: {survey_round.opens_on} to {survey_round.closes_on}, "
                       f"{len(survey_round.areas)} neighbourhoods, languages {', '.join(survey_round.languages)}.")
    except DefinitionError as error:
        _fail(str(error))
    except RoundError as error:
        _fail(str(error))
    db.session.commit()


@surveys_cli.command("export")
@click.argument("key")
@click.option("--version", "number", type=click.IntRange(1), help="The version number (default: the latest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The .xlsx file to write.")
def export_survey(key, number, output):
    """Write a stored survey version as an XLSForm workbook (.xlsx), with a column per language.

    Change it in Excel, or fill an empty language column, and load it again as the next version.
    """
    from .surveys.files import xlsform_of
    from .surveys.queries import survey_version

    version = survey_version(key, number)
    if version is None:
        _fail(f"no survey {key!r}" + (f" with version {number}" if number else ""))
    Path(output).write_bytes(xlsform_of(version))
    click.echo(f"Survey {key} version {version.number} written to {output}.")


def _new_password() -> str:
    return os.environ.get("SURVEY_NEW_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "canvasser", "board"]), required=True)
@click.option("--area", "areas", multiple=True, help="Neighbourhood or district key (repeat for more).")
@click.option("--language", default="nl", show_default=True, help="The language the person works in.")
def create_user_command(email, role, areas, language):
    """Create an account; the password comes from SURVEY_NEW_PASSWORD or a prompt."""
    from .accounts.models import Role
    from .accounts.services import AccountError, create_user

    password = _new_password()
    try:
        user = create_user(email, password, Role(role), list(areas), language)
    except AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}" + (f" for {', '.join(a.key for a in user.areas)}." if user.areas else "."))


def _account(email: str):
    from .accounts.services import user_by_email

    user = user_by_email(email)
    if user is None:
        _fail(f"no account for {email}")
    return user


def _ended(count: int) -> str:
    return f"{count} session(s) and their device tokens ended"


@users_cli.command("list")
@click.option("--role", type=click.Choice(["admin", "canvasser", "board"]), help="Only accounts with this role.")
def list_users_command(role):
    """List the accounts: role, active or not, language, areas and live sessions."""
    from .accounts.queries import accounts_with_live_sessions
    from .accounts.signin import policy

    for user, sessions in accounts_with_live_sessions(policy()):
        if role and user.role.value != role:
            continue
        areas = ", ".join(area.key for area in user.areas) or "-"
        click.echo(f"{user.email:<40} {user.role.value:<10} {'active' if user.active else 'inactive':<9} "
                   f"{user.language:<3} {areas}  ({sessions} live session(s))")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_user_command(email):
    """Deactivate an account: it can no longer sign in, and its sessions and device tokens end now."""
    from .accounts.services import set_active

    user = _account(email)
    ended = set_active(user, False)
    db.session.commit()
    click.echo(f"Deactivated {user.email}; {_ended(ended)}.")


@users_cli.command("activate")
@click.argument("email")
def activate_user_command(email):
    """Activate an account again (it signs in anew; ended sessions stay ended)."""
    from .accounts.services import set_active

    user = _account(email)
    set_active(user, True)
    db.session.commit()
    click.echo(f"Activated {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
def set_password_command(email):
    """Give an account a new password (SURVEY_NEW_PASSWORD or a prompt); its sessions and device tokens end."""
    from .accounts.services import AccountError, set_password

    user = _account(email)
    try:
        ended = set_password(user, _new_password())
    except AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"New password for {user.email}; {_ended(ended)}.")


@users_cli.command("set-areas")
@click.argument("email")
@click.option("--area", "areas", multiple=True, help="Neighbourhood or district key (repeat for more); replaces the current ones.")
def set_areas_command(email, areas):
    """Replace the neighbourhoods or districts an account works in."""
    from .accounts.services import AccountError, set_areas

    user = _account(email)
    try:
        set_areas(user, list(areas))
    except AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"{user.email} now works in: {', '.join(a.key for a in user.areas) or 'every area (admin)'}.")


@users_cli.command("sign-out")
@click.argument("email")
def sign_out_user_command(email):
    """End every session of an account now, e.g. for a lost tablet: its device tokens stop working."""
    from .accounts.services import revoke_sessions

    user = _account(email)
    ended = revoke_sessions(user)
    db.session.commit()
    click.echo(f"Signed out {user.email} everywhere; {_ended(ended)}.")


@click.command("demo-data")
@with_appcontext
@click.option("--responses", "count", type=click.IntRange(1, 10_000_000), required=True, help="How many responses to add.")
@click.option("--round", "round_key", help="The round (default: the default round).")
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--remove", is_flag=True, help="First delete the round's earlier demo responses.")
def demo_data_command(count, round_key, seed, remove):
    """Fill the database with synthetic responses, marked as demo data."""
    from . import demo
    from .surveys.queries import round_by_key

    survey_round = round_by_key(round_key or current_app.config["DEFAULT_ROUND_KEY"])
    if survey_round is None:
        _fail("no such round; run `flask --app survey setup` first")
    if remove:
        click.echo(f"Removed {demo.remove(survey_round)} earlier demo responses.")
        db.session.commit()
    started = time.perf_counter()

    def progress(done):
        if done % 100_000 == 0 or done == count:
            click.echo(f"  {done:,} responses ({time.perf_counter() - started:.0f} s)")

    stored = demo.generate(survey_round, count, seed=seed, progress=progress)
    db.session.commit()
    click.echo(f"Stored {stored:,} demo responses in {time.perf_counter() - started:.1f} s.")
    # Whatever keeps derived counts (the dashboards) brings them up to date now, not on first view.
    from .responses.services import responses_bulk_loaded

    started = time.perf_counter()
    responses_bulk_loaded.send(None, round_id=survey_round.id)
    db.session.commit()
    click.echo(f"Derived counts brought up to date in {time.perf_counter() - started:.1f} s.")


@click.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted today.")
def retention_command(dry_run):
    """Delete what is kept longer than the retention settings allow (run it daily, e.g. from cron).

    The settings are chosen by admins in the browser (defaults: CONTACT_RETENTION_DAYS and the
    other *_RETENTION_* settings); the run is written to the audit log.
    """
    from .retention.services import apply, current_settings, preview

    settings = current_settings()
    outcome = preview(settings) if dry_run else apply()
    counts = outcome.counts
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} the contact details of {counts['contacts']} volunteer(s) whose round closed more than "
               f"{settings['contacts']} days ago.")
    click.echo(f"{verb} {counts['visits']} visit outcome(s) of rounds closed more than {settings['visits']} days ago.")
    click.echo(f"{verb} {counts['doors']} door(s) of walk lists no round has used for {settings['doors']} days.")
    click.echo(f"{verb} {counts['audit_log']} audit log entr(y/ies) older than {settings['audit_log']} days.")
    if settings["archived_responses"] is None:
        click.echo("Responses of archived rounds are kept.")
    else:
        click.echo(f"{verb} {counts['archived_responses']} response(s) of rounds archived more than "
                   f"{settings['archived_responses']} years ago, keeping their published figures"
                   + (f": {', '.join(outcome.rounds)}." if outcome.rounds else "."))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()


def register_commands(app):
    from .translate import translate_cli

    for command in (setup_command, demo_data_command, retention_command, areas_cli, surveys_cli, users_cli, translate_cli):
        app.cli.add_command(command)
