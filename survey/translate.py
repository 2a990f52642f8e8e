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
