"""Forms shaped like those people bring from ODK and KoboToolbox: each one loads, or is refused
with problems that name the sheet, row and column of exactly what the app does not support."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsform_helpers import places, problems, read, xlsx

from survey.definitions import DefinitionError

FIXTURES = Path(__file__).parent / "xlsforms"

SETTINGS_EN = """
| settings |
| | form_title | form_id | default_language |
| | Household | household | English (en) |
"""

YES_NO = """
| choices |
| | list_name | name | label |
| | yes_no | yes | Yes |
| | yes_no | no | No |
"""


def test_kobo_form_with_metadata_rows_names_each_one():
    # KoboToolbox adds start, end, today and deviceid to every new form.
    form = """
| survey |
| | type | name | label |
| | start | start | |
| | end | end | |
| | today | today | |
| | deviceid | deviceid | |
| | integer | members | How many people live here? |
""" + SETTINGS_EN
    assert places(problems(form)) == {("not_recorded", "survey", row, "type") for row in (2, 3, 4, 5)}


def test_single_language_form_without_groups_loads():
    definition = read("""
| survey |
| | type | name | label | hint | required |
| | select_one yes_no | owner | Do you own your home? | | yes |
| | integer | rooms | How many rooms? | Count the kitchen too | |
| | text | street | Street | | |
""" + YES_NO + SETTINGS_EN)
    assert definition.key == "household" and list(definition.languages) == ["en"]
    assert definition.title == {"en": "Household"} and definition.languages["en"].review == "source"
    [page] = definition.sections
    assert page.key == "page_1" and page.title == {"en": "Household"}
    owner, rooms, street = page.questions
    assert (owner.type, owner.required) == ("yesno", True)
    assert (rooms.type, rooms.hint, rooms.min, rooms.max) == ("number", {"en": "Count the kitchen too"}, -999_999_999, 999_999_999)
    assert street.type == "text"


def test_translated_columns_groups_and_hints_load_in_every_language():
    definition = read("""
| survey |
| | type | name | label::English (en) | label::Nederlands (nl) | label::Arabic (ar) | hint::English (en) | hint::Nederlands (nl) | hint::Arabic (ar) |
| | begin group | home | Your home | Je huis | منزلك | | | |
| | select_one tenure | tenure | Rent or own? | Huur of koop? | إيجار أم ملك؟ | One answer | Eén antwoord | إجابة واحدة |
| | end group | | | | | | | |
| | begin group | you | About you | Over jou | عنك | | | |
| | integer | age | Age | Leeftijd | العمر | | | |
| | end group | | | | | | | |
| choices |
| | list_name | name | label::English (en) | label::Nederlands (nl) | label::Arabic (ar) |
| | tenure | rent | Rent | Huur | إيجار |
| | tenure | own | Own | Koop | ملك |
| settings |
| | form_title | form_id | default_language |
| | Wonen | wonen | Nederlands (nl) |
""")
    assert list(definition.languages) == ["en", "nl", "ar"] and definition.source_language == "nl"
    assert [s.key for s in definition.sections] == ["home", "you"]
    assert definition.sections[0].title == {"en": "Your home", "nl": "Je huis", "ar": "منزلك"}
    tenure = definition.question("tenure")
    assert tenure.hint["ar"] == "إجابة واحدة" and [o.key for o in tenure.options] == ["rent", "own"]


def test_relevant_with_selected_and_or_other_becomes_conditions_on_a_later_page():
    definition = read("""
| survey |
| | type | name | label | relevant |
| | begin group | sport | Sport | |
| | select_multiple sports or_other | sports | Which sports do you do? | |
| | text | club | Which club? | selected(${sports}, 'football') or selected(${sports}, 'hockey') |
| | integer | hours | Hours a week | ${sports} != '' |
| | text | why_not | Why not? | not(${sports} != '') |
| | end group | | | |
| choices |
| | list_name | name | label |
| | sports | football | Football |
| | sports | hockey | Hockey |
""" + SETTINGS_EN)
    # The form shows a question from the answers of earlier pages (also without JavaScript):
    # questions that depend on one on their page continue on the next page of the group.
    assert [s.key for s in definition.sections] == ["sport", "sport_2"]
    assert definition.question("sports").other is True
    club, hours, why_not = definition.sections[1].questions
    assert [c.model_dump(exclude_none=True) for c in club.show_if] == [{"question": "sports", "any_of": ("football", "hockey")}]
    assert hours.show_if[0].answered is True and why_not.show_if[0].answered is False


def test_repeat_is_refused_at_its_row():
    form = """
| survey |
| | type | name | label |
| | integer | members | How many people? |
| | begin repeat | member | Person |
| | text | name | Name |
| | integer | age | Age |
| | end repeat | | |
""" + SETTINGS_EN
    assert places(problems(form)) == {("repeat", "survey", 3, "type")}


def test_calculation_and_an_answer_shown_in_a_label_are_refused():
    form = """
| survey |
| | type | name | label | calculation |
| | integer | age | Age | |
| | calculate | months | | ${age} * 12 |
| | note | told | You are ${age} years old | |
| | integer | rooms | Rooms | |
""" + SETTINGS_EN
    found = problems(form)
    assert places(found) == {("calculate", "survey", 3, "type"), ("answer_in_text", "survey", 4, "label")}
    assert "survey sheet, row 4, column label: the text shows an earlier answer ('${age}')" in str(found[1])


def test_gps_photo_and_question_media_are_refused():
    form = """
| survey |
| | type | name | label | media::image |
| | geopoint | where | Where are you? | |
| | image | front | Photo of the building | |
| | audio | voice | Say something | |
| | integer | rooms | Rooms | rooms.png |
""" + SETTINGS_EN
    assert places(problems(form)) == {
        ("unsupported_type", "survey", 2, "type"), ("unsupported_type", "survey", 3, "type"),
        ("unsupported_type", "survey", 4, "type"), ("unsupported_column", "survey", 5, "media::image"),
    }


def test_cascading_selects_are_refused_at_the_choice_filter():
    form = """
| survey |
| | type | name | label | choice_filter |
| | select_one district | district | District | |
| | select_one hood | hood | Neighbourhood | district=${district} |
| choices |
| | list_name | name | label | district |
| | district | oost | Oost | |
| | hood | wyckerpoort | Wyckerpoort | oost |
""" + SETTINGS_EN
    assert places(problems(form)) == {("unsupported_column", "survey", 3, "choice_filter")}


def test_likert_matrix_loads_as_single_questions_and_a_numbered_likert_as_a_scale():
    definition = read("""
| survey |
| | type | name | label | appearance |
| | begin group | matrix | How do you feel about… | table-list |
| | select_one agree | safety | Safety | |
| | select_one agree | noise | Noise | |
| | end group | | | |
| | select_one points | mood | How happy are you? | likert |
| choices |
| | list_name | name | label |
| | agree | 1 | Disagree |
| | agree | 2 | Neutral |
| | agree | 3 | Agree |
| | points | 1 | Not at all |
| | points | 2 | 2 |
| | points | 3 | 3 |
| | points | 4 | Very |
""" + SETTINGS_EN)
    safety = definition.question("safety")
    assert safety.type == "single" and [o.key for o in safety.options] == ["1", "2", "3"]
    mood = definition.question("mood")
    assert (mood.type, mood.min, mood.max, mood.min_label, mood.max_label) == ("scale", 1, 4, {"en": "Not at all"}, {"en": "Very"})


def test_day_part_grid_and_ranking_of_earlier_choices():
    definition = read("""
| survey |
| | type | name | label | appearance | choice_filter | pick |
| | begin group | wishes | Wishes | | | |
| | select_multiple activity | activities | What would you like? | | | |
| | end group | | | | | |
| | begin group | when | When? | | | |
| | rank activity | top | Put your top 2 in order | | selected(${activities}, name) | 2 |
| | begin group | days | When could you come? | table-list | | |
| | select_multiple daypart | days_mon | Monday | | | |
| | select_multiple daypart | days_sat | Saturday | | | |
| | end group | | | | | |
| | end group | | | | | |
| choices |
| | list_name | name | label |
| | activity | cooking | Cooking |
| | activity | music | Music |
| | activity | quiz | Quiz |
| | daypart | morning | Morning |
| | daypart | evening | Evening |
""" + SETTINGS_EN)
    top, days = definition.sections[1].questions
    assert (top.type, top.choices_from, top.pick) == ("ranking", "activities", 2)
    assert days.type == "grid" and [r.key for r in days.rows] == ["mon", "sat"]
    assert [c.key for c in days.columns] == ["morning", "evening"] and days.text == {"en": "When could you come?"}


def test_contact_group_becomes_consent_with_contact_details_kept_apart():
    definition = read("""
| survey |
| | type | name | label | hint | appearance | relevant | required |
| | select_one yes_no | volunteer | Would you like to help? | | | | |
| | begin group | contact | May we contact you? | Optional | field-list | ${volunteer} = 'yes' | |
| | acknowledge | contact_agree | We keep your details apart from your answers. | | | | yes |
| | text | contact_name | Name | | | ${contact_agree} = 'OK' | |
| | text | contact_mail | Email | | email | ${contact_agree} = 'OK' | |
| | text | contact_phone | Phone | | numbers | | |
| | end group | | | | | | |
""" + YES_NO + SETTINGS_EN)
    contact = definition.question("contact")
    assert contact.type == "consent" and contact.kind.stored_apart and contact.required
    assert contact.statement == {"en": "We keep your details apart from your answers."}
    assert [(f.key, f.kind) for f in contact.fields] == [("name", "name"), ("mail", "email"), ("phone", "phone")]
    assert [c.model_dump(exclude_none=True) for c in contact.show_if] == [{"question": "volunteer", "any_of": ("yes",)}]
    assert [s.key for s in definition.sections] == ["page_1", "page_2"]  # the condition needs an earlier page


def test_conditions_beyond_or_are_refused_with_their_expression():
    form = """
| survey |
| | type | name | label | relevant |
| | select_one yes_no | a | A? | |
| | select_one yes_no | b | B? | |
| | text | both | Both | ${a} = 'yes' and ${b} = 'yes' |
| | text | not_a | Not A | not(selected(${a}, 'yes')) |
| | text | later | Later | ${c} = 'yes' |
| | integer | c | C | |
| | text | more | More | ${c} > 3 |
""" + YES_NO + SETTINGS_EN
    found = problems(form)
    assert places(found) == {("condition_and", "survey", 4, "relevant"), ("condition_not", "survey", 5, "relevant"),
                             ("condition_reference", "survey", 6, "relevant"), ("condition_syntax", "survey", 8, "relevant")}
    assert next(p for p in found if p.row == 6).params == {"expression": "${c} = 'yes'", "name": "c"}


def test_group_condition_and_a_question_condition_together_need_and():
    form = """
| survey |
| | type | name | label | relevant |
| | select_one yes_no | pets | Pets? | |
| | begin group | about_pets | About your pets | ${pets} = 'yes' |
| | integer | dogs | Dogs | |
| | integer | cats | Cats | ${dogs} = '' |
| | end group | | | |
""" + YES_NO + SETTINGS_EN
    found = problems(form)
    assert places(found) == {("group_condition", "survey", 5, "relevant")} and found[0].params == {"group_row": 3}


def test_supported_constraints_set_limits_and_others_are_refused():
    definition = read("""
| survey |
| | type | name | label | constraint |
| | integer | age | Age | . >= 14 and . < 121 |
| | text | nickname | Nickname | string-length(.) <= 30 |
| | select_multiple pick | picks | Pick | count-selected(.) <= 2 and not(selected(., 'none') and count-selected(.) > 1) |
| choices |
| | list_name | name | label |
| | pick | a | A |
| | pick | none | None |
""" + SETTINGS_EN)
    age, nickname, picks = definition.questions()
    assert (age.min, age.max, nickname.max_length, picks.max_choices, picks.exclusive) == (14, 120, 30, 2, ("none",))
    form = """
| survey |
| | type | name | label | constraint |
| | text | postcode | Postcode | regex(., '^[0-9]{4}[A-Z]{2}$') |
| | integer | year | Year | . >= ${age} |
""" + SETTINGS_EN
    found = problems(form)
    assert places(found) == {("constraint", "survey", 2, "constraint"), ("constraint", "survey", 3, "constraint")}
    assert "supported: string-length(.) <= 200" in str(found[0])


def test_choice_lists_from_files_are_refused_except_the_neighbourhood():
    definition = read("""
| survey |
| | type | name | label |
| | select_one_from_file neighbourhoods.csv | buurt | Which neighbourhood? |
| | integer | rooms | Rooms |
""" + SETTINGS_EN)
    assert definition.question("buurt").type == "area"
    form = """
| survey |
| | type | name | label | choice_filter |
| | select_one_from_file cities.csv | city | City | |
| | select_one_external street | street | Street | city=${city} |
""" + SETTINGS_EN
    assert places(problems(form)) == {("external_choices", "survey", 2, "type"), ("external_choices", "survey", 3, "type")}


def test_numeric_codes_ranges_and_decimals_load_and_upper_case_names_are_refused():
    definition = read("""
| survey |
| | type | name | label | parameters |
| | select_one edu | education | Education | |
| | range | grade | Grade for your street | start=1 end=10 step=1 |
| | decimal | hours | Hours a week | |
| choices |
| | list_name | name | label |
| | edu | 1 | Primary |
| | edu | 2 | Secondary |
""" + SETTINGS_EN)
    education, grade, hours = definition.questions()
    assert [o.key for o in education.options] == ["1", "2"]
    assert (grade.type, grade.min, grade.max, hours.type) == ("number", 1, 10, "number")
    form = """
| survey |
| | type | name | label |
| | select_one yn | Owner | Owner? |
| choices |
| | list_name | name | label |
| | yn | Yes | Yes |
| | yn | No | No |
""" + SETTINGS_EN
    assert places(problems(form)) == {("invalid_name", "survey", 2, "name"), ("invalid_choice_name", "choices", 2, "name"),
                                      ("invalid_choice_name", "choices", 3, "name")}


def test_notes_introduce_the_survey_and_the_pages_they_open():
    definition = read("""
| survey |
| | type | name | label | relevant |
| | note | welcome | Welcome! | |
| | begin group | one | One | |
| | note | one_intro | About you | |
| | integer | age | Age | |
| | note | middle | Now about your street | |
| | integer | trees | Trees | |
| | end group | | | |
""" + SETTINGS_EN)
    assert definition.intro == {"en": "Welcome!"}
    assert [(s.key, s.intro) for s in definition.sections] == [("one", {"en": "About you"}), ("one_2", {"en": "Now about your street"})]
    form = """
| survey |
| | type | name | label | relevant |
| | integer | age | Age | |
| | note | adult | Welcome, adult | ${age} != '' |
| | integer | trees | Trees | |
""" + SETTINGS_EN
    assert places(problems(form)) == {("note_condition", "survey", 3, "relevant")}


def test_a_csv_form_loads_like_a_workbook():
    csv = (
        "survey,type,name,label\n"
        ",select_one yes_no,owner,Do you own your home?\n"
        "choices,list_name,name,label\n"
        ",yes_no,yes,Yes\n"
        ",yes_no,no,No\n"
        "settings,form_title,form_id,default_language\n"
        ",Wonen,wonen,English (en)\n"
    )
    definition = read(csv.encode(), "wonen.csv")
    assert definition.key == "wonen" and definition.question("owner").type == "yesno"


@pytest.mark.parametrize("header, code", [
    ("label::Nederlands (nl)", "nl"), ("label::nl", "nl"), ("label::Dutch", "nl"), ("label::Türkçe (tr)", "tr"),
    ("label::Ukrainian", "uk"), ("label::العربية (ar)", "ar"),
])
def test_language_columns_are_understood_as_people_write_them(header, code):
    definition = read(f"""
| survey |
| | type | name | {header} |
| | integer | age | ? |
| settings |
| | form_id |
| | age |
""")
    assert list(definition.languages) == [code] and definition.title == {code: "age"}


def test_workbook_without_settings_takes_its_key_from_the_file_name():
    definition = read(xlsx("""
| survey |
| | type | name | label::English (en) |
| | integer | age | Age |
"""), "Buurt Peiling 2027.xlsx")
    assert definition.key == "buurt-peiling-2027"


SMALL_FORM = xlsx("""
| survey |
| | type | name | label::English (en) | label::Nederlands (nl) | relevant | constraint | appearance | choice_filter | pick |
| | note | welcome | Welcome | Welkom | | | | | |
| | begin group | one | One | Een | | | field-list | | |
| | select_multiple act or_other | act | Activities? | Activiteiten? | | count-selected(.) <= 2 | | | |
| | integer | age | Age | Leeftijd | | . >= 0 and . <= 120 | | | |
| | end group | | | | | | | | |
| | begin group | two | Two | Twee | ${age} != '' | | | | |
| | rank act | top | Top | Top | | | | selected(${act}, name) | 1 |
| | begin group | when | When? | Wanneer? | | | table-list | | |
| | select_multiple act | when_mon | Monday | Maandag | | | | | |
| | end group | | | | | | | | |
| | end group | | | | | | | | |
| choices |
| | list_name | name | label::English (en) | label::Nederlands (nl) |
| | act | cook | Cook | Koken |
| | act | quiz | Quiz | Quiz |
| settings |
| | form_id | default_language |
| | small | Nederlands (nl) |
""")
NASTY = ["", "begin group", "end group", "begin repeat", "end group", "${act}", "${nope} = 'x'", "select_one nope", "rank act",
         "note", "acknowledge", "range", "yes", "0", "-1", "x" * 300, "selected(${act}, 'cook') and ${age} = ''", ". >= 3",
         "not(", "${", "'", "label::Klingon", "default", "table-list", "likert", "calculate", "a b", "1.5", "Polski (pl)", "=1+1"]


def test_the_form_edited_below_loads_as_it_is():
    assert [[q.key for q in s.questions] for s in read(SMALL_FORM).sections] == [["act", "age"], ["top", "when"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 16), st.integers(1, 10), st.sampled_from(NASTY)), min_size=1, max_size=4))
def test_any_edit_of_a_form_loads_or_is_refused_with_placed_problems(edits):
    book = openpyxl.load_workbook(BytesIO(SMALL_FORM))
    for sheet, row, column, value in edits:
        book.worksheets[sheet].cell(row, column).value = value
    out = BytesIO()
    book.save(out)
    try:
        read(out.getvalue())
    except DefinitionError as error:
        assert error.details and all(problem.message for problem in error.details)


def test_an_xls_workbook_loads_and_its_merged_cells_are_refused():
    definition = read((FIXTURES / "household.xls").read_bytes(), "household.xls")
    assert (definition.key, list(definition.languages), definition.source_language) == ("wonen", ["en", "nl"], "nl")
    assert [s.key for s in definition.sections] == ["home", "home_2"]
    found = problems((FIXTURES / "household-merged.xls").read_bytes(), "household-merged.xls")
    assert places(found) == {("merged_cells", "survey", 3, "label::Nederlands (nl)")} and found[0].params == {"cells": "D3:D4"}
