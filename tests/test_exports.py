"""Exports never hand a spreadsheet a formula: text starting with =, +, -, @, a tab or a carriage
return (an area's name, a label) is written as text, in CSV and in XLSX alike."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from survey.dashboards import exports
from survey.extensions import db
from test_dashboards import HOOD, ROUND, store

HOSTILE = ['=HYPERLINK("http://evil.example","klik")', "+31 6 12345678", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]

HEADINGS = {"title": "=title", "legend": "-legend", "sheet": "Wyck/Oost: [1]", "section": "Question", "item": "Answer",
            "count": "Respondents", "percent": "%", "city_percent": "% city", "base": "Base", "responses": "Responses"}


def summary_with(labels: list[str]) -> dict:
    """The least a summary needs for the export, with ``labels`` as area name and option labels."""
    return {
        "area": {"name": labels[0]}, "responses": {"display": "40"}, "profiles": {},
        "questions": [{"type": "multiple", "text": labels[0], "base": {"display": "40"},
                       "options": [{"label": label, "display": "12", "percent": 30.0, "city_percent": 25.5} for label in labels]}],
    }


def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe():
    text = exports.to_csv(summary_with(HOSTILE), HEADINGS).lstrip("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for label in HOSTILE:
        assert "'" + label in cells
    assert "12" in cells and "30.0" in cells  # numbers stay numbers


def test_xlsx_cells_that_look_like_formulas_are_text_shown_as_typed():
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(summary_with(HOSTILE), HEADINGS))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    by_value = {cell.value: cell for cell in cells}
    for label in HOSTILE:
        cell = by_value[label.replace("\r", "\n")]  # XML reads a carriage return back as a newline
        assert cell.data_type == "s" and cell.quotePrefix, label
    assert sheet.title == "Wyck Oost   1"  # Excel forbids / : [ ] in a sheet's name
    assert any(cell.value == 12 for cell in cells)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_area_named_like_a_formula_is_exported_as_text(app, client, accounts, kind):
    from survey.areas.queries import area_by_key

    store(app, 12)
    with app.app_context():
        area = area_by_key(HOOD)
        original, area.name = area.name, '=HYPERLINK("http://evil.example","Wyckerpoort")'
        db.session.commit()
    try:
        accounts.login_as("admin")
        response = client.get(f"/en/dashboards/{ROUND}/{HOOD}/export.{kind}")
        assert response.status_code == 200
        if kind == "csv":
            body = response.get_data(as_text=True)
            assert "'=HYPERLINK" in body and '\n"=HYPERLINK' not in body and "\n=HYPERLINK" not in body
        else:
            sheet = load_workbook(io.BytesIO(response.data)).active
            assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    finally:
        with app.app_context():
            area_by_key(HOOD).name = original
            db.session.commit()
