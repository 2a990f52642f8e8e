"""Survey files in and out: a definition from any file the admin loads, and the XLSForm export."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from ..definitions import Definition
from ..definitions.upload import read_definition
from ..definitions.xlsform import write_xlsform
from ..i18n import languages
from .models import SurveyVersion


def definition_from_upload(filename: str, data: bytes) -> Definition:
    """The validated definition of a survey file (YAML, JSON, or an XLSForm .xlsx, .xls or .csv).

    For the command line and the admin's upload page alike; nothing is stored.

    :raise DefinitionError: listing every problem with its place; ``details`` holds each as a
        :class:`~survey.definitions.problems.Problem` (code, parameters, sheet, row, column).
    """
    return read_definition(filename, data, list(languages()))


def xlsform_of(version: SurveyVersion) -> bytes:
    """A stored version as an XLSForm workbook, with (empty) columns for every language the app speaks."""
    definition = version.definition
    codes = list(dict.fromkeys([*definition.languages, *languages()]))
    yes_no = {}
    for code in codes:
        # The words the form itself shows for a yes/no question, so that ODK shows the same.
        with force_locale(code):
            yes_no[code] = (gettext("Yes"), gettext("No"))
    return write_xlsform(definition, version=version.number, languages=codes, yes_no=yes_no)
