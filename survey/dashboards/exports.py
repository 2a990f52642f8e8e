"""CSV and XLSX of exactly what a dashboard shows, suppressed the same way (pure).

Counts that are hidden are written as their label ("<5", "×", "–"), never as a number; a
spreadsheet must not be a way around the privacy rules.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Font


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
    writer.writerow([headings["title"]])
    writer.writerow([headings["legend"]])
    if headings.get("demo"):
        writer.writerow([headings["demo"]])
    for row in rows(summary, headings):
        writer.writerow(row)
    return "\ufeff" + buffer.getvalue()  # a BOM, so that spreadsheet programs read UTF-8


def to_xlsx(summary: dict, headings: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = headings["sheet"][:31]
    if headings.get("rtl"):
        sheet.sheet_view.rightToLeft = True
    sheet.append([headings["title"]])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([headings["legend"]])
    if headings.get("demo"):
        sheet.append([headings["demo"]])
    for index, row in enumerate(rows(summary, headings)):
        sheet.append([_cell(value) for value in row])
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (40, 50, 10, 10, 14, 10)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
