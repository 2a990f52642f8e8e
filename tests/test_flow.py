"""Conditions and page flow of the form, without an app."""

from werkzeug.datastructures import MultiDict

from survey.responses.flow import FormState, is_visible
from test_definitions import DEFINITION


def state(form: dict, page: int = 1, up_to=None) -> FormState:
    return FormState.read(DEFINITION, MultiDict(form), page, up_to)


def test_condition_shows_question_only_when_clause_holds():
    contact = DEFINITION.question("contact")
    assert not is_visible(contact, {})
    assert not is_visible(contact, {"sport": {"options": ["football"], "other": None}})
    assert is_visible(contact, {"sport": {"options": ["football", "chess"], "other": None}})


def test_answered_clause():
    from survey.definitions.schema import Clause

    question = DEFINITION.question("contact").model_copy(update={"show_if": (Clause(question="age", answered=True),)})
    assert not is_visible(question, {}) and is_visible(question, {"age": 30})


def test_required_answer_reports_error_on_its_page():
    read = state({"q-sport": "chess"}, page=1)
    assert set(read.errors) == {"often"} and read.first_error_page == 0


def test_hidden_question_is_never_stored():
    form = {"q-often": "weekly", "q-sport": "football", "q-contact-agree": "yes", "q-contact-email": "a@b.nl"}
    read = state(form, page=1)
    assert "contact" not in read.stored_answers()
    assert "contact" not in [q.key for q in read.visible_questions(1)]


def test_carried_fields_exclude_the_current_page_and_unknown_names():
    form = MultiDict([("q-often", "weekly"), ("q-sport", "chess"), ("q-sport", "football"), ("q-age", "40"),
                      ("q-bogus", "x"), ("csrf_token", "t")])
    read = FormState.read(DEFINITION, form, 1)
    assert read.carried_fields(1) == [("q-often", "weekly"), ("q-sport", "chess"), ("q-sport", "football")]
    assert ("q-age", "40") in read.carried_fields(0)


def test_pages_without_visible_questions_are_skipped():
    read = state({"q-often": "weekly"}, page=0)
    assert read.next_page(0) == 1 and read.is_last_page(1)
    assert read.next_page(1, -1) == 0 and read.next_page(0, -1) == 0
