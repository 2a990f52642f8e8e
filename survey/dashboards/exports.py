"""CSV and XLSX of exactly what a dashboard shows, suppressed the same way (pure).

Counts that are hidden are written as their label ("<5", "×", "–"), never as a number; a
spreadsheet must not be a way around the privacy rules. Nor a way in: text that a spreadsheet would
read as a formula (an area name, a label or an "other" answer starting with "=", "+", "-", "@", a tab
or a carriage return) is written as text (CSV injection, see OWASP).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = str.maketrans({ch: " " for ch in "[]:*?/\\"})


def rows(summary: dict, headings: dict) -> Iterator[list]:
    """The table rows: section, item, count, share (%), share in the city (%), base."""
    yield [headings["section"], headings["item"], headings["count"], headings["percent"], headings["city_percent"], headings["base"]]
    yield [headings["responses"], summary["area"]["name"], summary["responses"]["display"], "", "", ""]
    for dim, entries in summary["profiles"].items():
        for entry in entries:
            yield [headings[dim], entry["label"], entry["display"], _number(entry["percent"]), "", summary["responses"]["display"]]
    for question in summary["questions"]:
        base = question["base"]["display"]
        if question["type"] == "grid":
            for row in question["cells"]:
                for cell in row:
                    yield [question["text"], cell["label"], cell["display"], _number(cell["percent"]), "", base]
            continue
        for option in question["options"]:
            yield [question["text"], option["label"], option["display"], _number(option["percent"]),
                   _number(option.get("city_percent")), base]


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _csv_text(value):
    """A leading apostrophe makes a spreadsheet read the cell as text, not run it."""
    return "'" + value if looks_like_formula(value) else value


def _number(value):
    return "" if value is None else value


def _cell(value):
    """Numbers as numbers (a shown count is text like "37" in the summary); labels stay text."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def to_csv(summary: dict, headings: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    head = [[headings["title"]], [headings["legend"]]] + ([[headings["demo"]]] if headings.get("demo") else [])
    for row in [*head, *rows(summary, headings)]:
        writer.writerow([_csv_text(value) for value in row])
    return "\ufeff" + buffer.getvalue()  # a BOM, so that spreadsheet programs read UTF-8


def to_xlsx(summary: dict, headings: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    # Excel refuses some characters in a sheet's name (an area may be called "Wyck/Oost").
    sheet.title = headings["sheet"].translate(SHEET_TITLE_FORBIDDEN).strip()[:31] or "-"
    if headings.get("rtl"):
        sheet.sheet_view.rightToLeft = True
    _append(sheet, [headings["title"]])
    sheet["A1"].font = Font(bold=True, size=13)
    _append(sheet, [headings["legend"]])
    if headings.get("demo"):
        _append(sheet, [headings["demo"]])
    for index, row in enumerate(rows(summary, headings)):
        _append(sheet, [_cell(value) for value in row])
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (40, 50, 10, 10, 14, 10)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list) -> None:
    """A row; text that looks like a formula is stored as text, shown as typed (Excel's quote prefix)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
