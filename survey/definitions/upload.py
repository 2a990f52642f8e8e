"""A definition from a file's name and content, whatever its format: YAML, JSON or XLSForm.

The command line and the admin's upload page both load files through :func:`read_definition`,
so that a file gives the same problems, in the same words, wherever it is loaded.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from .loader import DefinitionError, parse_definition_text
from .problems import Problem
from .schema import Definition
from .xlsform import XLSFORM_SUFFIXES, read_xlsform
from .xlsform.workbook import size_problem

DEFINITION_SUFFIXES = (".yaml", ".yml", ".json")
SUFFIXES = DEFINITION_SUFFIXES + XLSFORM_SUFFIXES


def read_definition(filename: str, data: bytes, languages: Collection[str]) -> Definition:
    """Parse and validate a survey file.

    :param filename: the file's name; its suffix tells the format.
    :param languages: the language codes the app speaks (a workbook column in another is refused).
    :raise DefinitionError: naming every problem with its place; ``details`` holds them structured.
    """
    name = Path(filename).name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise DefinitionError(name, [Problem("unsupported_file", {"suffix": suffix or name})])
    if suffix in XLSFORM_SUFFIXES:
        return read_xlsform(data, name, languages)
    if too_large := size_problem(len(data)):
        raise DefinitionError(name, [too_large])
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DefinitionError(name, [f"cannot be read: {error}"]) from None
    return parse_definition_text(raw, name)
