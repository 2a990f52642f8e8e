"""Surveys as XLSForm workbooks: the default survey out and back in every language, a translator's
column, the XForm that ODK runs, and spreadsheets that are refused with a clear problem."""

from __future__ import annotations

import shutil
import zipfile
from io import BytesIO

import openpyxl
import pytest
from pyxform.xls2xform import convert
from xlsform_helpers import SHIPPED, places, problems, read, xlsx

from survey.definitions import DefinitionError, load_definition, parse_definition
from survey.definitions.loader import texts
from survey.definitions.xlsform import write_xlsform
from survey.definitions.xlsform.languages import column_language

from test_cli import SHIPPED as DEFAULT_SURVEY

DEFAULT = load_definition(DEFAULT_SURVEY)


@pytest.fixture(scope="module")
def exported() -> bytes:
    return write_xlsform(DEFAULT, version=1, languages=SHIPPED)


@pytest.fixture(scope="module")
def read_back(exported):
    return read(exported, "activities.xlsx")


def test_default_survey_comes_back_the_same(read_back):
    assert read_back == DEFAULT


@pytest.mark.parametrize("language", SHIPPED)
def test_every_text_of_a_language_comes_back(read_back, language):
    assert language in DEFAULT.languages
    before = {text_id: text.get(language) for text_id, text in texts(DEFAULT) if text}
    after = {text_id: text.get(language) for text_id, text in texts(read_back) if text}
    assert after == before and all(before.values())


def test_export_holds_a_column_per_language_settings_and_review_states(exported):
    book = openpyxl.load_workbook(BytesIO(exported))
    assert book.sheetnames == ["survey", "choices", "settings", "languages"]
    headers = [cell.value for cell in book["survey"][1]]
    assert {f"label::{column_language(code)}" for code in SHIPPED} <= set(headers)
    assert "label::Nederlands (nl)" in headers and "hint::Українська (uk)" in headers
    assert [c.value for c in book["settings"][2]] == ["Wat wil jij in jouw buurt?", "activities", "1", "Nederlands (nl)"]
    assert [(r[0], r[1]) for r in book["languages"].iter_rows(min_row=2, values_only=True)][:2] == [
        ("Nederlands (nl)", "source"), ("English (en)", "draft")]


def test_exported_default_survey_converts_to_an_xform(exported):
    warnings: list[str] = []
    result = convert(exported, warnings=warnings, file_type=".xlsx")
    for code in SHIPPED:
        assert f'<translation lang="{column_language(code)}"' in result.xform
    assert 'instance id="neighbourhoods" src="jr://file-csv/neighbourhoods.csv"' in result.xform
    assert "<odk:rank" in result.xform and 'appearance="table-list' not in result.xform  # pyxform rewrites it
    # The one warning: pyxform's "Other" choice is in English only (docs/survey-format.md).
    assert all("or_other" in warning for warning in warnings)


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_exported_default_survey_passes_odk_validate(exported):
    convert(exported, warnings=[], validate=True, file_type=".xlsx")


def test_translator_fills_the_empty_polish_columns():
    without_polish = _without(DEFAULT, "pl")
    empty = openpyxl.load_workbook(BytesIO(write_xlsform(without_polish, languages=SHIPPED)))
    full = openpyxl.load_workbook(BytesIO(write_xlsform(DEFAULT, languages=SHIPPED)))
    # The empty columns of the export do not make Polish a language of the survey yet.
    assert "pl" not in read(_saved(empty)).languages
    for name in ("survey", "choices"):  # the translator types into every empty Polish cell
        source = [cell.value for cell in full[name][1]]
        for cell in empty[name][1]:
            if cell.value.endswith("(pl)"):
                for row in range(2, empty[name].max_row + 1):
                    empty[name].cell(row, cell.column).value = full[name].cell(row, source.index(cell.value) + 1).value
    polish_row = next(row for row in empty["languages"].iter_rows(min_row=2) if row[0].value == "Polski (pl)")
    polish_row[2].value = DEFAULT.title["pl"]
    translated = read(_saved(empty))
    assert translated == DEFAULT.model_copy(update={"languages": {**without_polish.languages, "pl": DEFAULT.languages["pl"]}})
    assert translated.languages["pl"].review == "draft"


def test_a_half_translated_column_names_each_missing_cell():
    book = openpyxl.load_workbook(BytesIO(write_xlsform(_without(DEFAULT, "pl"), languages=SHIPPED)))
    survey = book["survey"]
    column = [cell.value for cell in survey[1]].index("label::Polski (pl)") + 1
    survey.cell(4, column).value = "Na jakim osiedlu mieszkasz?"
    found = problems(_saved(book))
    assert ("missing_translation", "survey", 2, "label::Polski (pl)") in places(found)
    assert ("missing_translation", "choices", 2, "label::Polski (pl)") in places(found)
    assert ("missing_title", "languages", 7, "title") in places(found)  # the row the export gave Polish
    assert "survey sheet, row 4, column hint::Polski (pl): the text in 'Polski (pl)' is missing" in map(str, found)


def _without(definition, code):
    """The definition as it was before a language was added."""
    data = definition.model_dump(mode="json", exclude_none=True)

    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != code or not isinstance(v, str)}
        return [strip(item) for item in node] if isinstance(node, list) else node

    data = strip(data)
    del data["languages"][code]
    return type(definition).model_validate(data)


def _saved(book) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# Spreadsheets that must be refused with one clear problem each, never with a traceback.

def _workbook(*sheets: tuple[str, list[list]], merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if merge:
        book[sheets[0][0]].merge_cells(merge)
    return _saved(book)


QUESTIONS = [["type", "name", "label::English (en)"], ["integer", "age", "Age"], ["integer", "rooms", "Rooms"]]


def _zip(name: str, content: str) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


BAD = {
    "empty survey sheet": (_workbook(("survey", [])), "form.xlsx", {("empty_survey", "survey", None, None)}),
    "headers only": (_workbook(("survey", [QUESTIONS[0]])), "form.xlsx", {("empty_survey", "survey", None, None)}),
    "no survey sheet": (_workbook(("questions", QUESTIONS), ("choices", [["list_name", "name", "label"]])), "form.xlsx",
                        {("no_survey_sheet", None, None, None)}),
    "duplicate names": (_workbook(("survey", [*QUESTIONS, ["text", "age", "Age again"]])), "form.xlsx",
                        {("duplicate_name", "survey", 4, "name")}),
    "choice list that does not exist": (_workbook(("survey", [*QUESTIONS, ["select_one tenure", "tenure", "Rent?"]])),
                                        "form.xlsx", {("unknown_list", "survey", 4, "type")}),
    "language the app does not ship": (
        _workbook(("survey", [[*QUESTIONS[0], "label::Français (fr)"], ["integer", "age", "Age", "Âge"]])), "form.xlsx",
        {("language_not_shipped", "survey", 1, "label::Français (fr)")}),
    "language nobody can tell": (_workbook(("survey", [[*QUESTIONS[0], "label::Klingon"], ["integer", "age", "Age", "?"]])),
                                 "form.xlsx", {("unknown_language", "survey", 1, "label::Klingon")}),
    "formula": (_workbook(("survey", [*QUESTIONS, ["integer", "=LOWER(\"X\")", "X"]])), "form.xlsx",
                {("formula", "survey", 4, "name")}),
    "merged cells": (_workbook(("survey", QUESTIONS), merge="C2:C3"), "form.xlsx",
                     {("merged_cells", "survey", 2, "label::English (en)")}),
    "duplicate column": (_workbook(("survey", [[*QUESTIONS[0], "name"], ["integer", "age", "Age", "age"]])), "form.xlsx",
                         {("duplicate_column", "survey", 1, "name")}),
    "end without begin": (_workbook(("survey", [*QUESTIONS, ["end group"]])), "form.xlsx",
                          {("unbalanced_end", "survey", 4, "type")}),
    "begin without end": (_workbook(("survey", [*QUESTIONS, ["begin group", "more", "More"], ["integer", "x", "X"]])),
                          "form.xlsx", {("unbalanced_begin", "survey", 4, "type")}),
    "20 MB file": (b"PK" + b"\0" * (20 * 1024 * 1024), "form.xlsx", {("file_too_large", None, None, None)}),
    "zip bomb": (_zip("[Content_Types].xml", "x" * (60 * 1024 * 1024)), "form.xlsx", {("file_too_large", None, None, None)}),
    "picture renamed": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "form.xlsx", {("not_a_workbook", None, None, None)}),
    "zip that is no workbook": (_zip("word/document.xml", "<w:document/>"), "form.xlsx", {("not_a_workbook", None, None, None)}),
    "text file as .xls": (b"type,name,label\n", "form.xls", {("not_a_workbook", None, None, None)}),
    "binary as .csv": (b"\xff\xfe\0\0", "form.csv", {("not_a_workbook", None, None, None)}),
    "a word document": (b"%PDF-1.4", "form.pdf", {("unsupported_file", None, None, None)}),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_spreadsheet_is_refused_with_a_clear_problem(name):
    data, filename, expected = BAD[name]
    found = problems(data, filename)
    assert places(found) == expected
    assert all(problem.message and "Traceback" not in str(problem) for problem in found)


def test_refused_problem_reads_well_on_the_command_line():
    data, filename, _ = BAD["formula"]
    with pytest.raises(DefinitionError) as error:
        read(data, filename)
    assert str(error.value) == ("form.xlsx: 1 problem(s)\n"
                                "  - survey sheet, row 4, column name: the cell holds a formula ('=LOWER(\"X\")'): "
                                "type the value itself")


def test_every_problem_of_a_form_is_listed_at_once():
    form = xlsx("""
| survey |
| | type | name | label::English (en) | label::Nederlands (nl) | relevant |
| | calculate | total | | | |
| | integer | Age | Age | | |
| | select_one missing | tenure | Rent? | Huur? | ${nothing} = 'x' |
| | geotrace | route | Route | Route | |
""")
    assert places(problems(form)) == {
        ("calculate", "survey", 2, "type"), ("invalid_name", "survey", 3, "name"),
        ("missing_translation", "survey", 3, "label::Nederlands (nl)"), ("unknown_list", "survey", 4, "type"),
        ("condition_reference", "survey", 4, "relevant"), ("unsupported_type", "survey", 5, "type"),
    }


def _text(nl: str, en: str | None = None) -> dict:
    return {"nl": nl, "en": en or f"{nl} (en)"}


# A definition with every question type and field the format has, to show the workbook keeps them all.
EVERY_TYPE = {
    "key": "every-type", "source_language": "nl",
    "languages": {"nl": {"review": "source"}, "en": {"review": "reviewed"}},
    "title": _text("Alles"), "intro": _text("Welkom"),
    "sections": [
        {"key": "first", "title": _text("Eerst"), "intro": _text("Over jou"), "questions": [
            {"key": "area", "type": "area", "text": _text("Buurt")},
            {"key": "owner", "type": "yesno", "text": _text("Eigen huis?"), "required": True,
             "required_message": _text("Zeg ja of nee")},
            {"key": "mood", "type": "scale", "text": _text("Hoe gaat het?"), "min": 0, "max": 4,
             "min_label": _text("Slecht"), "max_label": _text("Goed")},
            {"key": "age", "type": "number", "text": _text("Leeftijd"), "min": 14, "max": 120, "unit": _text("jaar", "years")},
            {"key": "sports", "type": "multiple", "text": _text("Sport"), "other": True, "exclusive": ["none"], "max_choices": 3,
             "options": [{"key": "swim", "label": _text("Zwemmen"), "image": "swim.png"}, {"key": "1", "label": _text("Een")},
                         {"key": "none", "label": _text("Geen")}]},
            {"key": "often", "type": "single", "text": _text("Hoe vaak?"), "hint": _text("Eén antwoord"),
             "options": [{"key": "weekly", "label": _text("Elke week")}, {"key": "never", "label": _text("Nooit")}]},
        ]},
        {"key": "second", "title": _text("Dan"), "questions": [
            {"key": "top", "type": "ranking", "text": _text("Top"), "choices_from": "sports", "pick": 2,
             "show_if": [{"question": "sports", "any_of": ["swim", "1"]}, {"question": "owner", "any_of": ["yes"]}]},
            {"key": "order", "type": "ranking", "text": _text("Volgorde"), "pick": 1,
             "options": [{"key": "a", "label": _text("A")}, {"key": "b", "label": _text("B")}]},
            {"key": "slots", "type": "grid", "text": _text("Wanneer?"), "required": True,
             "rows": [{"key": "mon", "label": _text("Maandag")}], "columns": [{"key": "am", "label": _text("Ochtend")}]},
            {"key": "why", "type": "text", "text": _text("Waarom?"), "max_length": 80,
             "show_if": [{"question": "often", "answered": False}]},
            {"key": "story", "type": "longtext", "text": _text("Vertel"), "show_if": [{"question": "age", "answered": True}]},
        ]},
        {"key": "third", "title": _text("Tot slot"), "questions": [
            {"key": "why_not", "type": "text", "text": _text("Waarom niet?"), "show_if": [{"question": "slots", "any_of": ["mon:am"]}]},
            {"key": "contact", "type": "consent", "text": _text("Contact?"), "required": True, "statement": _text("Akkoord"),
             "show_if": [{"question": "often", "any_of": ["weekly"]}],
             "fields": [{"key": "who", "kind": "name", "label": _text("Naam")}, {"key": "mail", "kind": "email", "label": _text("Mail")},
                        {"key": "tel", "kind": "phone", "label": _text("Telefoon")}]},
        ]},
    ],
}


def test_every_type_and_field_comes_back_and_converts():
    definition = parse_definition(EVERY_TYPE)
    data = write_xlsform(definition, version=3, yes_no={"nl": ("Ja", "Nee")})
    assert read(data, "every.xlsx") == definition
    result = convert(data, warnings=[], file_type=".xlsx")
    assert "<value>Ja</value>" in result.xform and "<value>Yes</value>" in result.xform  # the app's words
    if shutil.which("java"):
        convert(data, warnings=[], validate=True, file_type=".xlsx")
