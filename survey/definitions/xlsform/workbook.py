"""Read the sheets of an XLSForm file (.xlsx, .xls, .csv) with pyxform's own readers.

pyxform reads the ``survey``, ``choices`` and ``settings`` sheets. Before it does, the file is
checked for what its readers would silently misread: a formula is read as its last computed value
(or as nothing, when no spreadsheet program computed it), and merged cells as one filled cell and
empty ones. The ``languages`` sheet is this app's own, so pyxform skips it; it is read here.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import openpyxl
import xlrd
from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import process_header
from pyxform.question import MultipleChoiceQuestion, Option
from pyxform.survey import Survey
from pyxform.xls2json_backends import RE_WHITESPACE, SupportedFileTypes, is_empty, xlsx_value_to_str

from ..problems import Problem

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: a small file can unpack to gigabytes
XLSFORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
LANGUAGES = "languages"

# How pyxform reads each sheet's headers: aliases (``relevance`` → ``bind::relevant``) and known columns.
_HEADERS = {
    "survey": (aliases.survey_header, set(MultipleChoiceQuestion.get_slot_names())),
    "choices": (aliases.list_header, set(Option.get_slot_names())),
    "settings": (aliases.settings_header, set(Survey.get_slot_names())),
    LANGUAGES: ({}, {"language", "review", "title"}),
}


class WorkbookError(Exception):
    """A file that cannot be read as an XLSForm at all; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# The usual header of a column, for problems about a column the sheet does not have.
_USUAL_HEADERS = {
    ("bind", "relevant"): "relevant", ("bind", "required"): "required", ("bind", "constraint"): "constraint",
    ("control", "appearance"): "appearance", ("bind", "jr:requiredMsg"): "required_message",
    ("bind", "jr:constraintMsg"): "constraint_message", ("media", "image"): "image", ("bind", "calculate"): "calculation",
    ("control", "jr:count"): "repeat_count", ("bind", "readonly"): "read_only", ("list name",): "list_name",
    ("id_string",): "form_id", ("title",): "form_title",
}


@dataclass
class Sheet:
    """One sheet: its header tokens as pyxform parses them, and its non-empty rows by number."""

    role: str  # survey, choices, settings or languages
    name: str  # as written in the workbook
    columns: dict[tuple[str, ...], str] = field(default_factory=dict)  # tokens → header as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @classmethod
    def parse(cls, role: str, name: str, headers: list[str], rows: list[tuple[int, dict[str, str]]]) -> Sheet:
        header_aliases, known = _HEADERS[role]
        double_colon = any("::" in header for header in headers)
        columns = {}
        for header in headers:
            _, tokens = process_header(header, double_colon, header_aliases, known)
            columns.setdefault(tuple(t.lower() if i == 0 else t for i, t in enumerate(tokens)), header)
        return cls(role, name, columns, [(number, row) for number, row in rows if row])

    def value(self, row: dict[str, str], *path: str) -> str | None:
        header = self.columns.get(path)
        return row.get(header) if header else None

    def header(self, *path: str) -> str:
        """The column's header as written, or as it is usually written when the sheet lacks it."""
        return self.columns.get(path) or _USUAL_HEADERS.get(path) or "::".join(path)

    def translated(self, *path: str) -> dict[str | None, str]:
        """``{language as written (None without one): header}`` of a translatable column."""
        return {tokens[len(path)] if len(tokens) > len(path) else None: header
                for tokens, header in self.columns.items()
                if tokens[: len(path)] == path and len(tokens) <= len(path) + 1}


@dataclass
class Workbook:
    sheets: dict[str, Sheet]  # by lower-case name
    stem: str  # the file name without its suffix


def read_workbook(data: bytes, filename: str) -> Workbook:
    """The sheets of an XLSForm file.

    :raise WorkbookError: for a file that is too large, no spreadsheet, or holds formulas or
        merged cells; nothing of such a file is read further.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in XLSFORM_SUFFIXES:
        raise WorkbookError([Problem("unsupported_file", {"suffix": suffix or filename})])
    if too_large := size_problem(len(data)):
        raise WorkbookError([too_large])
    extra, raw_texts = {}, {}
    # Opening a file that is not what it claims raises anything from zipfile, lxml, xlrd or
    # openpyxl; whatever it is, the admin needs one clear sentence, not a traceback.
    try:
        if suffix == ".xls":
            extra = _check_xls(data)
        elif suffix != ".csv":
            extra, raw_texts = _check_xlsx(data)
        book = SupportedFileTypes.get_processors()[SupportedFileTypes(suffix)](BytesIO(data))
    except WorkbookError:
        raise
    except PyXFormError as error:
        message = str(error)
        if message.startswith("Duplicate column header: "):
            raise WorkbookError([Problem("duplicate_column", {"column": message.split(": ", 1)[1]})]) from None
        raise WorkbookError([Problem("not_a_workbook", {"detail": _short(message)})]) from None
    except Exception as error:  # noqa: BLE001 - see above
        raise WorkbookError([Problem("not_a_workbook", {"detail": _short(str(error) or type(error).__name__)})]) from None
    sheets = {}
    for name in ("survey", "choices", "settings", LANGUAGES):
        rows, header = book.get(name), book.get(f"{name}_header")
        if name in extra:
            header, rows = extra[name]
        elif header:
            header = list(header[0])
        if header is None:
            continue
        numbered = [(number, _restored(raw_texts, name, number, row)) for number, row in enumerate(rows or (), start=2)]
        sheets[name] = Sheet.parse(name, _written_name(book, name), header, numbered)
    return Workbook(sheets, Path(filename).stem)


def _check_xlsx(data: bytes) -> tuple[dict, dict]:
    """Refuse zip bombs, formulas and merged cells; read the ``languages`` sheet and raw texts."""
    if not zipfile.is_zipfile(BytesIO(data)):
        raise WorkbookError([Problem("not_a_workbook", {"detail": "not an .xlsx file"})])
    with zipfile.ZipFile(BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if too_large := size_problem(unpacked, MAX_UNPACKED_BYTES):
        raise WorkbookError([too_large])
    workbook = openpyxl.load_workbook(BytesIO(data), data_only=False)
    problems, extra, raw_texts = [], {}, {}
    for sheet in _form_sheets(workbook.worksheets, lambda ws: ws.title):
        name = sheet.title.lower()
        headers = [_header(cell.value) for cell in next(sheet.iter_rows(max_row=1), ())]
        problems += _duplicate_headers(sheet.title, headers)
        for cells in sheet.merged_cells.ranges:
            problems.append(Problem("merged_cells", {"cells": cells.coord}, sheet.title, cells.min_row,
                                    _column_at(headers, cells.min_col - 1)))
        rows = []
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if cell.data_type == "f":
                    formula = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "")
                    problems.append(Problem("formula", {"formula": _short(str(formula), 40)}, sheet.title, cell.row,
                                            _column_at(headers, cell.column - 1)))
                elif isinstance(cell.value, str) and "\xa0" in cell.value:
                    raw_texts[(name, cell.row, _column_at(headers, cell.column - 1))] = cell.value.strip()
            if name == LANGUAGES:
                rows.append({h: xlsx_value_to_str(c.value).strip() for h, c in zip(headers, cells) if h and not is_empty(c.value)})
        if name == LANGUAGES:
            extra[LANGUAGES] = ([h for h in headers if h], rows)
    if problems:
        raise WorkbookError(problems)
    return extra, raw_texts


def _check_xls(data: bytes) -> dict:
    """Refuse merged cells in an .xls file; read its ``languages`` sheet. (xlrd shows no formulas.)"""
    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    problems, extra = [], {}
    for sheet in _form_sheets(book.sheets(), lambda s: s.name):
        headers = [_header(value) for value in (sheet.row_values(0) if sheet.nrows else [])]
        problems += _duplicate_headers(sheet.name, headers)
        for first_row, end_row, first_col, end_col in sheet.merged_cells:  # the ends are exclusive
            cells = f"{xlrd.colname(first_col)}{first_row + 1}:{xlrd.colname(end_col - 1)}{end_row}"
            problems.append(Problem("merged_cells", {"cells": cells}, sheet.name, first_row + 1, _column_at(headers, first_col)))
        if sheet.name.lower() == LANGUAGES:
            rows = [{h: str(v).strip() for h, v in zip(headers, sheet.row_values(r)) if h and str(v).strip()}
                    for r in range(1, sheet.nrows)]
            extra[LANGUAGES] = ([h for h in headers if h], rows)
    if problems:
        raise WorkbookError(problems)
    return extra


def _form_sheets(sheets, name_of):
    """The sheets an XLSForm reader looks at (a lone sheet is the survey, whatever its name)."""
    return [s for s in sheets if name_of(s).lower() in _HEADERS or len(sheets) == 1]


def _duplicate_headers(sheet: str, headers: list[str | None]) -> list[Problem]:
    seen, problems = set(), []
    for header in headers:
        if header and header in seen:
            problems.append(Problem("duplicate_column", {"column": header}, sheet, 1, header))
        seen.add(header)
    return problems


def _header(value) -> str | None:
    """A header as pyxform cleans it: trimmed, runs of spaces made one."""
    return RE_WHITESPACE.sub(" ", str(value).strip()) if not is_empty(value) else None


def _column_at(headers: list[str | None], index: int) -> str | None:
    return headers[index] if 0 <= index < len(headers) else None


def _restored(raw_texts: dict, sheet: str, number: int, row: dict[str, str]) -> dict[str, str]:
    """Put back the non-breaking spaces pyxform turns into spaces ("€ 2" must not break apart)."""
    if not raw_texts:
        return row
    return {header: raw_texts.get((sheet, number, header), value) for header, value in row.items()}


def _written_name(book: dict, name: str) -> str:
    """The sheet's name as written (a lone sheet is the survey sheet whatever its name)."""
    names = book.get("sheet_names") or ()
    if name == "survey" and len(names) == 1:
        return names[0]
    return next((n for n in names if n.lower() == name), name)


def size_problem(size: int, limit: int = MAX_BYTES) -> Problem | None:
    """A file (or its unpacked content) over the limit: refused before anything reads it."""
    return Problem("file_too_large", {"size": _mb(size), "max": _mb(limit)}) if size > limit else None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
