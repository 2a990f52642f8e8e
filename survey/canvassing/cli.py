"""``flask --app survey walklist ...``: load the doors canvassers visit."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db

walklist_cli = AppGroup("walklist", help="Import the doors of walk lists for door-to-door canvassing.")


@walklist_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file; store nothing.")
def import_command(path, dry_run):
    """Import doors from a CSV with the columns street, house_number, addition, postcode, neighbourhood.

    A door already known (same postcode, house number and addition) is updated. A file with any
    problem is not imported at all; every problem is listed with its line.
    """
    from .services import import_walk_list
    from .walklist_file import WalkListError

    try:
        report = import_walk_list(path)
    except WalkListError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    if dry_run:
        db.session.rollback()
        click.echo(f"Checked: {report.created} new doors, {report.updated} changed, {report.unchanged} unchanged. Nothing stored (--dry-run).")
        return
    db.session.commit()
    click.echo(f"{report.created} doors added, {report.updated} updated, {report.unchanged} unchanged.")
