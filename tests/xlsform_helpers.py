"""Build XLSForm files for tests from markdown tables, as pyxform's own tests write their forms.

A table starts with the sheet's name in its first column; the rows below it are that sheet::

    | survey |
    |        | type    | name | label |
    |        | integer | age  | Age   |
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pyxform.xls2json_backends import md_table_to_workbook

from survey.definitions import Definition, DefinitionError
from survey.definitions.problems import Problem
from survey.definitions.upload import read_definition

ROOT = Path(__file__).parents[1]
# The languages the app speaks: a catalog folder each, plus English (the language of the code).
SHIPPED = ["en", *sorted(p.parent.parent.name for p in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))]


def xlsx(markdown: str) -> bytes:
    """The .xlsx file of a form written as markdown tables."""
    out = BytesIO()
    md_table_to_workbook(markdown).save(out)
    return out.getvalue()


def read(form: str | bytes, filename: str = "form.xlsx") -> Definition:
    return read_definition(filename, xlsx(form) if isinstance(form, str) else form, SHIPPED)


def problems(form: str | bytes, filename: str = "form.xlsx") -> list[Problem]:
    """The problems of a form that must be refused (the test fails if it loads)."""
    try:
        read(form, filename)
    except DefinitionError as error:
        assert len(error.problems) == len(error.details)
        return error.details
    raise AssertionError("the form loaded, but should have been refused")


def places(found: list[Problem]) -> set[tuple]:
    """Each problem as (code, sheet, row, column), to compare with what a test expects."""
    return {(p.code, p.sheet, p.row, p.column) for p in found}
