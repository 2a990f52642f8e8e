"""The languages of an XLSForm and its translated cells, each problem placed in its cell."""

from __future__ import annotations

from collections.abc import Collection

from ..problems import Problem
from .conventions import UNIT
from .languages import column_language, language_code
from .workbook import Sheet, Workbook

# Translatable columns, each in one column per language.
TEXT_COLUMNS = {
    "survey": (("label",), ("hint",), ("bind", "jr:requiredMsg"), (UNIT,)),
    "choices": (("label",),),
}
OTHER_TRANSLATED = {"survey": (("bind", "jr:constraintMsg"), ("guidance_hint",), ("media", "image")),
                    "choices": (("media", "image"),)}


class Texts:
    """Which column holds which language, which languages the survey has, and reading texts."""

    def __init__(self, workbook: Workbook, shipped: Collection[str], problems: list[Problem]):
        self.problems, self.shipped = problems, list(shipped)
        settings = workbook.sheets.get("settings")
        first = settings.rows[0] if settings and settings.rows else (2, {})
        default = settings.value(first[1], "default_language") if settings else None
        where = (settings.name, first[0], settings.header("default_language")) if settings else ("settings", None, None)
        self.default = self._code(default, *where)
        self.column_code: dict[tuple[str, str], str] = {}  # (sheet, header) → language code
        for name in TEXT_COLUMNS:
            sheet = workbook.sheets.get(name)
            for path in TEXT_COLUMNS[name] + OTHER_TRANSLATED[name] if sheet else ():
                for suffix, header in sheet.translated(*path).items():
                    if suffix is None:
                        if self.default is None and _has_content(sheet, header) and path in TEXT_COLUMNS[name]:
                            problems.append(Problem("no_language", {"column": header}, sheet.name, 1, header))
                        code = self.default
                    else:
                        code = self._code(suffix, sheet.name, 1, header)
                    if code:
                        self.column_code[(name, header)] = code
        self.languages = self._languages(workbook)
        self.source = self.default if self.default in self.languages else (self.languages[0] if self.languages else "nl")
        if self.default and self.default not in self.languages and self.languages:
            problems.append(Problem("default_language_unused", {"language": default}, *where))

    def _code(self, value: str | None, sheet: str, row: int, column: str | None) -> str | None:
        """The language code ``value`` names, or ``None`` with a problem when it names none we ship."""
        if not value or value == "default":
            return None
        code = language_code(value, self.shipped)
        if code is None:
            self.problems.append(Problem("unknown_language", {"value": value}, sheet, row, column))
        elif code not in self.shipped:
            self.problems.append(Problem("language_not_shipped", {"language": code, "shipped": self.shipped}, sheet, row, column))
            return None
        return code

    def _languages(self, workbook: Workbook) -> list[str]:
        """The languages whose label column in the survey sheet holds text, in the order of the
        languages sheet, then of the columns.

        A column left empty (a language the export offers for translating) makes no language.
        """
        survey, found = workbook.sheets.get("survey"), []
        for header in survey.translated("label").values() if survey else ():
            code = self.column_code.get(("survey", header))
            if code and code not in found and _has_content(survey, header):
                found.append(code)
        languages_sheet = workbook.sheets.get("languages")
        listed = [language_code(row.get(languages_sheet.header("language"), ""), self.shipped)
                  for _, row in (languages_sheet.rows if languages_sheet else ())]
        return [code for code in listed if code in found] + [code for code in found if code not in listed]

    def read(self, sheet: Sheet, number: int, row: dict[str, str], *path: str, required: bool = False,
             missing: str = "missing_label") -> dict[str, str] | None:
        """The text of a translatable column in every language of the survey.

        :param required: whether a row without any text is a problem (``missing``).
        """
        by_code: dict[str, str] = {}
        for header in sheet.translated(*path).values():
            code = self.column_code.get((sheet.role, header))
            if code in self.languages and row.get(header) and code not in by_code:
                by_code[code] = row[header]
        if not by_code:
            if required and self.languages:  # with no language at all, the columns' problems say why
                self.problems.append(Problem(missing, {}, sheet.name, number, sheet.header(*path)))
            return None
        for code in self.languages:
            if code not in by_code:
                self.problems.append(Problem("missing_translation", {"language": column_language(code)}, sheet.name, number,
                                             self.header(sheet, path, code)))
        for code, value in by_code.items():
            if "${" in value:
                self.problems.append(Problem("answer_in_text", {"reference": value[value.index("${"):].split("}")[0] + "}"},
                                             sheet.name, number, self.header(sheet, path, code)))
        return {code: by_code[code] for code in self.languages if code in by_code}

    def header(self, sheet: Sheet, path: tuple[str, ...], code: str) -> str:
        """The column of a text in a language, or the one to add when it does not exist."""
        for header in sheet.translated(*path).values():
            if self.column_code.get((sheet.role, header)) == code:
                return header
        written = next(iter(sheet.translated(*path).values()), None)
        stem = written.split("::")[0] if written and "::" in written else sheet.header(*path)
        return f"{stem}::{column_language(code)}"


def _has_content(sheet: Sheet, header: str) -> bool:
    return any(row.get(header) for _, row in sheet.rows)
