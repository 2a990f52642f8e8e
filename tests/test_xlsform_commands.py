"""XLSForm files on the command line and through the upload function, and rounds that must not lose
answers when a new version of their survey is loaded."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from io import BytesIO

import openpyxl
import pytest
from sqlalchemy import func, select
from xlsform_helpers import xlsx

from survey.areas.models import Area
from survey.definitions import DefinitionError
from survey.extensions import db
from survey.responses.models import Answer, Channel, Response
from survey.surveys.files import definition_from_upload
from survey.surveys.models import SurveyRound, SurveyVersion
from survey.surveys.queries import round_by_key

from test_cli import SHIPPED as DEFAULT_SURVEY

ROUND = "activities-2026"


def export(runner, tmp_path, *extra) -> openpyxl.Workbook:
    path = tmp_path / "activities.xlsx"
    result = runner.invoke(args=["surveys", "export", "activities", "-o", str(path), *extra])
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(path)


def save(book, tmp_path, name="changed.xlsx"):
    path = tmp_path / name
    book.save(path)
    return path


def versions() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyVersion))


def test_export_then_load_unchanged_stores_nothing_new(app, runner, tmp_path):
    book = export(runner, tmp_path)
    result = runner.invoke(args=["surveys", "load", str(save(book, tmp_path))])
    assert result.exit_code == 0 and "version 1 unchanged" in result.output


def test_changed_workbook_becomes_the_next_version(app, runner, tmp_path):
    book = export(runner, tmp_path)
    book["languages"]["C2"] = "Wat wil jij in jouw buurt? (2027)"
    result = runner.invoke(args=["surveys", "load", str(save(book, tmp_path)), "--round", "activities-2027", "--area", "oost"])
    assert result.exit_code == 0, result.output
    assert "version 2 stored" in result.output and "5 neighbourhoods" in result.output
    with app.app_context():
        assert round_by_key("activities-2027").definition.title["nl"] == "Wat wil jij in jouw buurt? (2027)"
    again = export(runner, tmp_path, "--version", "1")
    assert again["languages"]["C2"].value == "Wat wil jij in jouw buurt?" and again["settings"]["C2"].value == "1"


def test_broken_workbook_is_refused_with_its_cells_and_nothing_is_stored(app, runner, tmp_path):
    book = export(runner, tmp_path)
    book["survey"]["A5"] = "calculate"
    book["survey"]["B8"] = "Activities"
    result = runner.invoke(args=["surveys", "load", str(save(book, tmp_path))])
    assert result.exit_code == 1
    assert "changed.xlsx: 3 problem(s)" in result.output
    assert "survey sheet, row 5, column type: calculations are not supported" in result.output
    assert "survey sheet, row 8, column name: the name 'Activities' must start with a lowercase letter" in result.output
    assert "survey sheet, row 11, column choice_filter: the choice filter 'selected(${activities}, name)'" in result.output
    with app.app_context():
        assert versions() == 1


def test_export_of_an_unknown_survey_or_version_says_so(runner, tmp_path):
    result = runner.invoke(args=["surveys", "export", "sport", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "no survey 'sport'" in result.output
    result = runner.invoke(args=["surveys", "export", "activities", "--version", "9", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "no survey 'activities' with version 9" in result.output


def test_upload_function_takes_a_name_and_bytes(app, runner, tmp_path):
    book = export(runner, tmp_path)
    data = save(book, tmp_path).read_bytes()
    with app.app_context():
        assert definition_from_upload("activities.xlsx", data).key == "activities"
        assert definition_from_upload("activities.yaml", DEFAULT_SURVEY.read_bytes()).key == "activities"
        with pytest.raises(DefinitionError) as error:
            definition_from_upload("notes.txt", b"hello")
        assert [(p.code, p.params) for p in error.value.details] == [("unsupported_file", {"suffix": ".txt"})]
        with pytest.raises(DefinitionError) as error:
            definition_from_upload("form.xlsx", xlsx("| survey |\n| | type | name | label::Deutsch (de) |\n| | integer | a | A |"))
        [problem] = error.value.details
        assert (problem.code, problem.sheet, problem.row, problem.column) == ("language_not_shipped", "survey", 1, "label::Deutsch (de)")
        assert problem.params["shipped"] == ["nl", "ar", "en", "pl", "tr", "uk"]


def test_survey_own_message_for_a_missing_answer_is_shown(app, runner, client, tmp_path):
    book = export(runner, tmp_path)
    survey = book["survey"]
    messages = {"nl": "Kies hoe vaak je gaat.", "en": "Choose how often you go.", "ar": "اختر كم مرة تذهب.",
                "tr": "Ne sıklıkla gittiğinizi seçin.", "pl": "Wybierz, jak często chodzisz.", "uk": "Виберіть, як часто ви ходите."}
    names = {"nl": "Nederlands", "en": "English", "ar": "العربية", "tr": "Türkçe", "pl": "Polski", "uk": "Українська"}
    for code, message in messages.items():
        column = survey.max_column + 1
        survey.cell(1, column).value = f"required_message::{names[code]} ({code})"
        survey.cell(5, column).value = message  # row 5: visit_frequency
    result = runner.invoke(args=["surveys", "load", str(save(book, tmp_path)), "--round", "messages-2026", "--area", "wyckerpoort"])
    assert result.exit_code == 0, result.output
    form = client.get("/nl/r/messages-2026/wyckerpoort/").get_data(as_text=True)
    ticket = re.search(r'name="ticket" value="([^"]+)"', form).group(1)
    response = client.post("/nl/r/messages-2026/wyckerpoort/", data={"page": "0", "action": "next", "ticket": ticket})
    assert response.status_code == 422 and "Kies hoe vaak je gaat." in response.get_data(as_text=True)


def answered(question: str, option: str | None) -> None:
    """A response in the default round with one answer, as a resident would have left it."""
    survey_round = round_by_key(ROUND)
    area = db.session.scalar(select(Area).where(Area.key == "wyckerpoort"))
    response = Response(uuid=str(uuid.uuid4()), round_id=survey_round.id, survey_version_id=survey_round.version.id,
                        area_id=area.id, channel=Channel.ONLINE, language="nl", day=dt.date.today())
    response.answers.append(Answer(question=question, option=option))
    db.session.add(response)
    db.session.commit()


def without_quiz(runner, tmp_path):
    """The survey with the activity 'quiz' removed from the choices."""
    book = export(runner, tmp_path)
    choices = book["choices"]
    row = next(cells[0].row for cells in choices.iter_rows(min_row=2) if (cells[0].value, cells[1].value) == ("activities", "quiz"))
    choices.delete_rows(row)
    return save(book, tmp_path, "without-quiz.xlsx")


def test_round_with_answers_is_not_moved_to_a_version_that_lacks_them(app, runner, tmp_path):
    with app.app_context():
        answered("activities", "quiz")
    result = runner.invoke(args=["surveys", "load", str(without_quiz(runner, tmp_path)), "--round", ROUND])
    assert result.exit_code == 1
    assert "round activities-2026 has 1 responses to survey version 1" in result.output
    assert "option 'quiz' of 'activities'" in result.output and "--round activities-2026-2" in result.output
    with app.app_context():
        assert round_by_key(ROUND).version.number == 1 and versions() == 1


def test_round_with_answers_moves_when_the_new_version_still_has_them(app, runner, tmp_path):
    with app.app_context():
        answered("activities", "cooking_together")
        answered("talent", None)
    result = runner.invoke(args=["surveys", "load", str(without_quiz(runner, tmp_path)), "--round", ROUND])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert round_by_key(ROUND).version.number == 2


def test_round_without_answers_moves_freely_and_a_new_round_is_the_way_out(app, runner, tmp_path):
    path = without_quiz(runner, tmp_path)
    with app.app_context():
        answered("activities", "quiz")
    result = runner.invoke(args=["surveys", "load", str(path), "--round", f"{ROUND}-2"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyRound)) == 2
        assert round_by_key(ROUND).version.number == 1
