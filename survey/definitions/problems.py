"""Problems found in a survey file, with a stable code, parameters and a place.

A problem keeps its code and parameters apart from its English message, so that the command line
prints the message while a browser page can say the same in the admin's language (by code). The
place is a spreadsheet cell (sheet, row, column) for XLSForm workbooks; YAML and JSON problems
carry their place (section, question, language) in the message, as they always did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# English templates by code. A browser view translates the same codes with the same parameters.
MESSAGES: dict[str, str] = {
    "definition": "%(detail)s",
    # The file as a whole.
    "file_too_large": "the file is %(size)s MB; at most %(max)s MB can be loaded",
    "unsupported_file": "files ending in %(suffix)s cannot be loaded: use .xlsx, .xls, .csv, .yaml or .json",
    "not_a_workbook": "the file cannot be read as a spreadsheet (%(detail)s)",
    "no_survey_sheet": "the workbook has no sheet named 'survey'",
    "empty_survey": "the survey sheet holds no questions",
    "duplicate_column": "the column %(column)s appears twice",
    "missing_column": "the sheet needs a column %(column)s",
    "formula": "the cell holds a formula (%(formula)s): type the value itself",
    "merged_cells": "the cells %(cells)s are merged: unmerge them",
    # Languages.
    "unknown_language": "cannot tell which language %(value)s is: write it as name and code, e.g. 'Nederlands (nl)'",
    "language_not_shipped": "the language %(language)s is not one this app speaks (%(shipped)s)",
    "no_language": "the column %(column)s names no language: write e.g. 'label::Nederlands (nl)', "
                   "or set default_language in the settings sheet",
    "default_language_unused": "the default language %(language)s has no texts in the survey",
    "missing_translation": "the text in %(language)s is missing",
    "missing_title": "the survey's title in %(language)s is missing",
    "per_language_image": "a choice has one picture for every language: use one 'image' column",
    "invalid_review": "the review state %(value)s is not one of source, draft, reviewed",
    # Rows of the survey and choices sheets.
    "missing_type": "the row has no type",
    "missing_name": "the row has no name",
    "invalid_name": "the name %(name)s must start with a lowercase letter and hold only lowercase letters, "
                    "digits and _ (at most 40 characters)",
    "invalid_choice_name": "the choice name %(name)s must hold only lowercase letters, digits and _ "
                           "(at most 40 characters)",
    "invalid_form_id": "the form_id %(value)s must start with a lowercase letter and hold only lowercase "
                       "letters, digits and - (at most 60 characters)",
    "duplicate_name": "the name %(name)s is also used in row %(other)s",
    "duplicate_choice": "the choice %(name)s appears twice in the list %(list)s",
    "missing_label": "the question has no label",
    "missing_choice_label": "the choice has no label",
    "empty_page": "the group or information text has no question after it on its page",
    "unknown_list": "the choice list %(list)s does not exist in the choices sheet",
    "unknown_type": "the type %(type)s is not an XLSForm type this app knows",
    "unsupported_type": "questions of type %(type)s are not supported",
    "not_recorded": "%(type)s is not recorded: answers stay anonymous and keep only the day",
    "repeat": "repeats (the same questions asked several times) are not supported",
    "calculate": "calculations are not supported: the form computes no values",
    "external_choices": "choice lists from a file are not supported (only %(file)s, for the neighbourhood)",
    "or_other_single": "'or_other' is supported only with select_multiple",
    "unsupported_column": "the column %(column)s is not supported (%(value)s)",
    "answer_in_text": "the text shows an earlier answer (%(reference)s), which is not supported",
    "unbalanced_end": "'%(type)s' without a matching 'begin %(kind)s'",
    "unbalanced_begin": "'begin %(kind)s' %(name)s is never ended",
    "required_expression": "required must be yes or no, not %(value)s",
    "condition_syntax": "the condition %(expression)s is not in a supported form: ${question} = 'choice', "
                        "selected(${question}, 'choice'), ${question} != '' or ${question} = '', joined by 'or'",
    "condition_and": "the condition %(expression)s uses 'and', which is not supported yet: only 'or'",
    "condition_not": "the condition %(expression)s uses not(...), which is supported only as not(${question} = '')",
    "condition_reference": "the condition %(expression)s refers to %(name)s, which is not a question before this one",
    "group_condition": "both this question and its group (row %(group_row)s) have a condition; combining them "
                       "needs 'and', which is not supported yet",
    "constraint": "the constraint %(expression)s cannot be checked here; supported: %(supported)s",
    "note_condition": "an information text cannot have a condition",
    "acknowledge_outside_consent": "'acknowledge' is supported only as the first row of a contact group",
    "consent_field": "a contact group holds 'acknowledge' and then text fields only (%(type)s found)",
    "range": "a range needs whole-number start and end and step 1 (%(value)s)",
    "pick": "pick must be a whole number from 1 to 10 (%(value)s)",
    "age_check": "age_check must read like 'question=age_group; min_age=16; below=age_under_14; unsure=age_14_17' (%(value)s)",
    "rank_needs_pick": "ranking %(count)s choices needs a 'pick' column with how many to rank (at most 10)",
    "choices_from": "the choice filter %(expression)s must pick the choices of an earlier select_multiple "
                    "with the same list: selected(${question}, name)",
    "xlsform": "the form is not valid XLSForm: %(detail)s",
}


@dataclass(frozen=True)
class Problem:
    """One problem: ``code`` and ``params`` for translation, ``message`` in English, and its place."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def message(self) -> str:
        return MESSAGES[self.code] % {key: _shown(key, value) for key, value in self.params.items()}

    @property
    def place(self) -> str:
        """Where the problem is, e.g. ``survey sheet, row 7, column relevant``."""
        parts = [f"{self.sheet} sheet"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


# Parameters that are sentences or lists rather than names: shown without quotes.
_VERBATIM = {"detail", "reason", "supported", "shipped", "cells", "file"}


def _shown(key: str, value) -> str:
    """Quote names and values as the YAML loader does; lists become a comma-separated list."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return repr(value) if isinstance(value, str) and key not in _VERBATIM else str(value)


def as_problem(problem: str | Problem) -> Problem:
    """A problem from a plain message, as the YAML loader reports them."""
    return problem if isinstance(problem, Problem) else Problem("definition", {"detail": problem})
