"""``flask translate ...``: the translator's workflow around pybabel, and survey texts per language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

translate_cli = AppGroup("translate", help="Extract, update and compile the interface catalogs.")


def _paths() -> tuple[Path, Path, Path]:
    root = Path(current_app.root_path).parent
    translations = root / "translations"
    return root, translations, translations / "messages.pot"


def _pybabel(*args: str) -> None:
    root, _, _ = _paths()
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=root)
    if result.returncode:
        raise click.ClickException(f"pybabel {args[0]} failed")


@translate_cli.command("extract")
def extract():
    """Collect every interface text from the code into translations/messages.pot."""
    root, translations, pot = _paths()
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--add-comments=i18n:", "--sort-by-file",
             "--no-location", "--project=Buurtpeiling", "-o", str(pot), "survey")


@translate_cli.command("update")
def update():
    """Extract, then merge the new texts into every catalog."""
    root, translations, pot = _paths()
    extract.callback()
    _pybabel("update", "-i", str(pot), "-d", str(translations), "--no-fuzzy-matching", "--ignore-obsolete")


@translate_cli.command("compile")
def compile_catalogs():
    """Compile every catalog to .mo (done by `make run` and `make test`)."""
    _, translations, _ = _paths()
    _pybabel("compile", "-d", str(translations), "--statistics")


@translate_cli.command("init")
@click.argument("language")
def init(language):
    """Start a catalog for a new language, marked draft."""
    _, translations, pot = _paths()
    extract.callback()
    _pybabel("init", "-i", str(pot), "-d", str(translations), "-l", language)
    (translations / language / "language.yaml").write_text("review: draft\n", encoding="utf-8")


@translate_cli.command("survey-export")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False))
@click.option("--language", "-l", required=True, help="The language to translate into, e.g. ar.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="A .csv or .po file (default: standard output as CSV).")
def survey_export(definition, language, output):
    """Write a survey's texts with their translation into LANGUAGE, for a translator."""
    from .definitions import DefinitionError
    from .definitions.translation import export_texts, to_csv, to_po

    try:
        rows = export_texts(definition, language)
    except DefinitionError as error:
        raise click.ClickException(str(error)) from None
    if output and output.endswith(".po"):
        Path(output).write_bytes(to_po(rows, language, Path(definition).stem))
    elif output:
        Path(output).write_text(to_csv(rows, language), encoding="utf-8")
    else:
        click.echo(to_csv(rows, language), nl=False)
    missing = sum(1 for row in rows if not row[language])
    click.echo(f"{len(rows)} texts, {missing} without a translation into {language}.", err=True)


@translate_cli.command("survey-import")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False))
@click.argument("translations", type=click.Path(exists=True, dir_okay=False))
@click.option("--language", "-l", required=True)
@click.option("--review", type=click.Choice(["draft", "reviewed"]), default="draft", show_default=True,
              help="The review state to record for a language new to the survey.")
def survey_import(definition, translations, language, review):
    """Write a translator's CSV or PO file back into the survey definition (validated first)."""
    from .definitions import DefinitionError
    from .definitions.translation import import_texts

    try:
        count = import_texts(definition, translations, language, review)
    except DefinitionError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} texts in {language} written to {definition}.")
