"""The definition loader and the question types, without an app."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from werkzeug.datastructures import MultiDict

from survey.definitions import DefinitionError, load_definition, parse_definition
from survey.definitions.loader import checksum
from survey.definitions.types import Invalid

SHIPPED = Path(__file__).parents[1] / "survey" / "data" / "surveys" / "activities.yaml"


def text(nl="tekst", en="text"):
    return {"nl": nl, "en": en}


def minimal() -> dict:
    return {
        "key": "mini",
        "source_language": "nl",
        "languages": {"nl": {"review": "source"}, "en": {"review": "draft"}},
        "title": text(),
        "sections": [
            {"key": "one", "title": text(), "questions": [
                {"key": "area", "type": "area", "text": text()},
                {"key": "sport", "type": "multiple", "text": text(), "other": True, "exclusive": ["none"],
                 "options": [{"key": "football", "label": text()}, {"key": "chess", "label": text()}, {"key": "none", "label": text()}]},
                {"key": "often", "type": "single", "required": True, "text": text(),
                 "options": [{"key": "weekly", "label": text()}, {"key": "never", "label": text()}]},
            ]},
            {"key": "two", "title": text(), "questions": [
                {"key": "best", "type": "ranking", "choices_from": "sport", "pick": 2, "text": text()},
                {"key": "age", "type": "number", "min": 0, "max": 120, "text": text()},
                {"key": "happy", "type": "scale", "min": 1, "max": 5, "min_label": text(), "max_label": text(), "text": text()},
                {"key": "member", "type": "yesno", "text": text()},
                {"key": "when", "type": "grid", "text": text(), "rows": [{"key": "mon", "label": text()}],
                 "columns": [{"key": "am", "label": text()}, {"key": "pm", "label": text()}]},
                {"key": "name", "type": "text", "max_length": 10, "text": text()},
                {"key": "story", "type": "longtext", "text": text()},
                {"key": "contact", "type": "consent", "text": text(), "statement": text(),
                 "show_if": [{"question": "sport", "any_of": ["chess"]}],
                 "fields": [{"key": "email", "kind": "email", "label": text()}, {"key": "phone", "kind": "phone", "label": text()}]},
            ]},
        ],
    }


def problems_of(data) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse_definition(data, "mini.yaml")
    assert str(caught.value).startswith("mini.yaml:")
    return caught.value.problems


def test_shipped_survey_loads_and_has_every_question_of_the_brief():
    definition = load_definition(SHIPPED)
    keys = [q.key for q in definition.questions()]
    assert keys == ["area", "visit_frequency", "activities", "top3", "when", "reach", "barriers", "hear", "building",
                    "price", "help", "talent", "age_group", "household", "home_language", "idea", "contact"]
    assert len(definition.question("activities").options) == 24
    assert definition.question("activities").other


def test_minimal_definition_loads():
    definition = parse_definition(minimal())
    assert [q.type for q in definition.questions()][:3] == ["area", "multiple", "single"]


def test_checksum_ignores_layout_but_not_content():
    first = parse_definition(minimal())
    same = parse_definition(json.loads(json.dumps(minimal())))
    changed_data = minimal()
    changed_data["title"]["nl"] = "anders"
    assert checksum(first) == checksum(same) != checksum(parse_definition(changed_data))


def mutate(change) -> dict:
    data = copy.deepcopy(minimal())
    change(data)
    return data


def q(data, section, index):
    return data["sections"][section]["questions"][index]


@pytest.mark.parametrize("change, expected", [
    (lambda d: q(d, 0, 2)["text"].pop("en"), "question 'often': text: language 'en' is missing"),
    (lambda d: q(d, 0, 1)["options"][0]["label"].update(en=" "), "question 'sport': option football: language 'en' is missing"),
    (lambda d: q(d, 0, 2)["text"].update(de="Text"), "question 'often': text: language 'de' is not listed"),
    (lambda d: q(d, 0, 2).update(type="slider"), "question 'often' › 'type': unknown question type 'slider'"),
    (lambda d: q(d, 0, 2).update(colour="red"), "question 'often' › 'colour': is not a known field"),
    (lambda d: q(d, 0, 2).pop("options"), "question 'often': type 'single' needs 'options'"),
    (lambda d: q(d, 0, 2).update(key="sport"), "question key 'sport' is used 2 times"),
    (lambda d: q(d, 0, 1)["options"].append({"key": "chess", "label": text()}), "question 'sport': option key 'chess' is used 2 times"),
    (lambda d: q(d, 0, 1)["options"][0].update(key="Foot Ball"), "question 'sport' › option 'Foot Ball' › 'key'"),
    (lambda d: q(d, 0, 1).update(exclusive=["nobody"]), "exclusive option 'nobody' is not one of the options"),
    (lambda d: q(d, 0, 1)["options"].append({"key": "other", "label": text()}), "adds the option 'other' itself"),
    (lambda d: q(d, 1, 0).update(choices_from="often"), "choices_from must refer to a question of type 'multiple'"),
    (lambda d: q(d, 1, 0).update(choices_from="nothing"), "choices_from refers to unknown question 'nothing'"),
    (lambda d: q(d, 1, 7).update(show_if=[{"question": "age", "answered": True}]), "not in an earlier section"),
    (lambda d: q(d, 1, 7).update(show_if=[{"question": "sport", "any_of": ["golf"]}]), "'golf' is not an option of 'sport'"),
    (lambda d: q(d, 1, 7).update(show_if=[{"question": "sport"}]), "exactly one of 'any_of' or 'answered'"),
    (lambda d: q(d, 1, 1).update(min=10, max=5), "question 'age': 'min' must be smaller than 'max'"),
    (lambda d: q(d, 1, 2).pop("min_label"), "question 'happy': type 'scale' needs 'min_label'"),
    (lambda d: d.update(source_language="fr"), "source_language 'fr' is not listed"),
    (lambda d: d.update(languages={"nl": {}, "EN!": {}}), "'languages': 'EN!' is not a language code"),
    (lambda d: d.pop("sections"), "'sections': is missing"),
    (lambda d: d["sections"][1].update(questions=[]), "section 'two' › 'questions'"),
    (lambda d: d["sections"][0]["questions"].append({"key": "area2", "type": "area", "text": text()}), "at most one question of type 'area'"),
])
def test_every_kind_of_error_is_reported_with_its_place(change, expected):
    problems = problems_of(mutate(change))
    assert any(expected in problem for problem in problems), problems


def test_all_problems_are_reported_at_once():
    def break_twice(d):
        q(d, 0, 2)["text"].pop("en")
        q(d, 1, 1).update(min=10, max=5)

    assert len(problems_of(mutate(break_twice))) == 2


def test_unreadable_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(DefinitionError, match="broken.yaml"):
        load_definition(broken)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_definition(binary)
    with pytest.raises(DefinitionError, match="must hold a mapping"):
        parse_definition(["a", "list"], "list.yaml")


def test_json_definitions_load(tmp_path):
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(minimal()), encoding="utf-8")
    assert load_definition(path).key == "mini"


# --- question types -------------------------------------------------------------------------

DEFINITION = parse_definition(minimal())


def parse(key: str, form: dict, answers: dict | None = None):
    question = DEFINITION.question(key)
    return question.kind.parse(question, DEFINITION, MultiDict(form), answers or {})


def roundtrip(key: str, value):
    question = DEFINITION.question(key)
    return question.kind.from_rows(question, question.kind.to_rows(question, value))


@pytest.mark.parametrize("key, form, expected", [
    ("often", {"q-often": "weekly"}, "weekly"),
    ("often", {}, None),
    ("sport", {"q-sport": ["football", "chess"]}, {"options": ["football", "chess"], "other": None}),
    ("sport", {"q-sport-other": "darts"}, {"options": ["other"], "other": "darts"}),
    ("best", {"q-best-1": "chess", "q-best-2": ""}, ["chess"]),
    ("age", {"q-age": " 42 "}, 42),
    ("happy", {"q-happy": "5"}, 5),
    ("member", {"q-member": "no"}, False),
    ("when", {"q-when": ["mon:am", "mon:am"]}, ["mon:am"]),
    ("name", {"q-name": "  Ali  "}, "Ali"),
    ("story", {"q-story": "a\r\nb"}, "a\nb"),
])
def test_types_parse_and_roundtrip(key, form, expected):
    answers = {"sport": {"options": ["chess", "football"], "other": None}}
    value = parse(key, form, answers)
    assert value == expected
    if value is not None:
        assert roundtrip(key, value) == expected


@pytest.mark.parametrize("key, form, code", [
    ("often", {"q-often": "daily"}, "unknown_option"),
    ("often", {"q-often": ["weekly", "never"]}, "one_only"),
    ("sport", {"q-sport": ["none", "chess"]}, "exclusive"),
    ("sport", {"q-sport": "golf"}, "unknown_option"),
    ("best", {"q-best-1": "football"}, "unknown_option"),  # not chosen earlier
    ("best", {"q-best-1": "chess", "q-best-2": "chess"}, "duplicate_rank"),
    ("age", {"q-age": "forty"}, "not_a_number"),
    ("age", {"q-age": "1e3"}, "not_a_number"),
    ("age", {"q-age": "121"}, "out_of_range"),
    ("happy", {"q-happy": "0"}, "out_of_range"),
    ("member", {"q-member": "maybe"}, "unknown_option"),
    ("when", {"q-when": "tue:am"}, "unknown_option"),
    ("name", {"q-name": "x" * 11}, "too_long"),
    ("contact", {"q-contact-agree": "yes", "q-contact-age": "yes"}, "contact_needed"),
    ("contact", {"q-contact-agree": "yes", "q-contact-email": "nope"}, "invalid_email"),
    ("contact", {"q-contact-agree": "yes", "q-contact-phone": "call me"}, "invalid_phone"),
    ("contact", {"q-contact-agree": "yes", "q-contact-email": "a@b.nl"}, "age_needed"),  # no age known: confirm it
])
def test_types_refuse_bad_values(key, form, code):
    with pytest.raises(Invalid) as caught:
        parse(key, form, {"sport": {"options": ["chess"], "other": None}})
    assert caught.value.code == code


def test_consent_without_agreement_drops_the_details():
    assert parse("contact", {"q-contact-email": "a@b.nl"}) is None
    agreed = {"q-contact-agree": "yes", "q-contact-email": "a@b.nl", "q-contact-age": "yes"}
    assert parse("contact", agreed)["email"] == "a@b.nl"
    question = DEFINITION.question("contact")
    assert question.kind.to_rows(question, {"agree": True, "email": "a@b.nl"}) == []  # stored apart


@pytest.mark.parametrize("age, confirmed, outcome", [
    ("age_under_14", "yes", None),  # too young, whatever is ticked: nothing stored
    ("age_14_17", None, "age_needed"),  # 14 to 17 spans 16: the resident confirms
    ("age_14_17", "no", None),
    ("age_14_17", "yes", "stored"),
    (None, None, "age_needed"),  # age not given
    ("age_46_65", None, "stored"),  # old enough: no extra question
])
def test_contact_details_only_from_residents_of_16_and_older(age, confirmed, outcome):
    definition = load_definition(SHIPPED)
    question = definition.question("contact")
    form = MultiDict({"q-contact-agree": "yes", "q-contact-email": "a@b.nl", **({"q-contact-age": confirmed} if confirmed else {})})
    answers = {"help": {"options": ["cook"], "other": None}, **({"age_group": age} if age else {})}
    if outcome == "age_needed":
        with pytest.raises(Invalid) as caught:
            question.kind.parse(question, definition, form, answers)
        assert caught.value.code == "age_needed" and caught.value.params == {"age": 16}
        return
    value = question.kind.parse(question, definition, form, answers)
    assert (value is not None) == (outcome == "stored")


def test_shipped_file_on_disk_is_yaml_with_quoted_no():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    help_keys = [o["key"] for s in data["sections"] for q in s["questions"] if q["key"] == "help" for o in q["options"]]
    assert "no" in help_keys
