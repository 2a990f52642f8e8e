"""The question types, as a registry of classes.

Each type knows which definition fields it needs, how to read and validate its answer from
submitted form data, how to store the answer as rows and how to read it back. Rendering lives in a
template macro of the same name (``responses/templates/responses/questions.html``); summaries in
SQL belong to the dashboards. Adding a type is adding a class here and a macro there.

Errors are returned as codes (``Invalid``) rather than sentences: this module is pure, and the
views translate the codes into the resident's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()\-]{6,20}$")


@dataclass(frozen=True)
class AnswerRow:
    """One stored row of an answer: an option chosen, a rank, a number or a text."""

    question: str
    option: str | None = None
    rank: int | None = None
    number: int | None = None
    text: str | None = None


@dataclass
class Invalid(Exception):
    """An answer that cannot be accepted: ``code`` names the problem, ``params`` fill the message."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def field_name(question, suffix: str = "") -> str:
    """The form field name of a question (and of a part of it)."""
    return f"q-{question.key}{'-' + suffix if suffix else ''}"


def clean_text(value: str | None, max_length: int) -> str | None:
    """Strip a submitted text and refuse one that is too long; empty becomes ``None``."""
    value = (value or "").strip().replace("\r\n", "\n")
    if len(value) > max_length:
        raise Invalid("too_long", {"max": max_length})
    return value or None


QUESTION_TYPES: dict[str, QuestionType] = {}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]


class QuestionType:
    """Base class: a question type is registered under ``name`` by subclassing."""

    name: ClassVar[str]
    needs: ClassVar[tuple[str, ...]] = ()  # definition fields the type requires
    stored_apart: ClassVar[bool] = False  # the answer is not written with the anonymous answers

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        QUESTION_TYPES[cls.name] = cls()

    def check(self, question, definition) -> list[str]:
        """Problems with the type's own fields in a definition (empty when all is well)."""
        return [f"type {self.name!r} needs '{need}'" for need in self.needs if getattr(question, need) in (None, ())]

    def parse(self, question, definition, form: MultiDict, answers: dict) -> Any:
        """The answer from submitted form data, or ``None`` when left empty.

        :param answers: the answers to earlier questions, for types that depend on them.
        :raise Invalid: when the submitted value cannot be accepted.
        """
        raise NotImplementedError

    def to_rows(self, question, value) -> list[AnswerRow]:
        raise NotImplementedError

    def from_rows(self, question, rows: list[AnswerRow]) -> Any:
        raise NotImplementedError

    def option_keys(self, question, definition) -> set[str]:
        return {option.key for option in definition.options_of(question)}

    def stored_options(self, question, definition) -> set[str]:
        """Every value the ``option`` of this question's stored rows can hold (none for texts)."""
        return self.option_keys(question, definition)


class AreaType(QuestionType):
    """The neighbourhood: preset by the link or the canvasser and stored on the response itself."""

    name = "area"

    def parse(self, question, definition, form, answers):
        return None

    def to_rows(self, question, value):
        return []

    def from_rows(self, question, rows):
        return None


class SingleChoice(QuestionType):
    name = "single"
    needs = ("options",)

    def parse(self, question, definition, form, answers):
        values = [v for v in form.getlist(field_name(question)) if v]
        if not values:
            return None
        if len(values) > 1:
            raise Invalid("one_only")
        if values[0] not in self.option_keys(question, definition):
            raise Invalid("unknown_option")
        return values[0]

    def to_rows(self, question, value):
        return [AnswerRow(question.key, option=value)]

    def from_rows(self, question, rows):
        return rows[0].option if rows else None


class MultipleChoice(QuestionType):
    name = "multiple"
    needs = ("options",)
    OTHER = "other"

    def check(self, question, definition):
        problems = super().check(question, definition)
        keys = {option.key for option in question.options or ()}
        problems += [f"exclusive option {key!r} is not one of the options" for key in question.exclusive if key not in keys]
        if question.other and self.OTHER in keys:
            problems.append("'other: true' adds the option 'other' itself; remove the option named 'other'")
        return problems

    def option_keys(self, question, definition):
        keys = super().option_keys(question, definition)
        return keys | {self.OTHER} if question.other else keys

    def parse(self, question, definition, form, answers):
        chosen = list(dict.fromkeys(v for v in form.getlist(field_name(question)) if v))
        other_text = clean_text(form.get(field_name(question, "other")), 200) if question.other else None
        if other_text and self.OTHER not in chosen:
            chosen.append(self.OTHER)  # typing in "other" is choosing it
        if not chosen:
            return None
        unknown = [key for key in chosen if key not in self.option_keys(question, definition)]
        if unknown:
            raise Invalid("unknown_option")
        if len(chosen) > 1 and any(key in question.exclusive for key in chosen):
            raise Invalid("exclusive")
        if question.max_choices and len(chosen) > question.max_choices:
            raise Invalid("too_many", {"max": question.max_choices})
        return {"options": chosen, "other": other_text}

    def to_rows(self, question, value):
        return [
            AnswerRow(question.key, option=key, text=value["other"] if key == self.OTHER else None)
            for key in value["options"]
        ]

    def from_rows(self, question, rows):
        if not rows:
            return None
        other = next((row.text for row in rows if row.option == self.OTHER), None)
        return {"options": [row.option for row in rows], "other": other}


class Ranking(QuestionType):
    """The top ``pick`` options in order, drawn from an earlier multiple-choice answer."""

    name = "ranking"
    needs = ("pick",)

    def check(self, question, definition):
        problems = super().check(question, definition)
        if not question.choices_from and not question.options:
            problems.append("type 'ranking' needs 'choices_from' or 'options'")
        return problems

    def choices(self, question, definition, answers) -> list[str]:
        """The option keys a resident may rank: those they chose earlier, when there is a source."""
        keys = [option.key for option in definition.options_of(question)]
        if question.choices_from:
            earlier = answers.get(question.choices_from) or {"options": []}
            keys = [key for key in keys if key in earlier["options"]]
        return keys

    def parse(self, question, definition, form, answers):
        ranked = [form.get(field_name(question, str(place)), "") for place in range(1, question.pick + 1)]
        ranked = [key for key in ranked if key]
        if not ranked:
            return None
        if any(key not in self.choices(question, definition, answers) for key in ranked):
            raise Invalid("unknown_option")
        if len(set(ranked)) != len(ranked):
            raise Invalid("duplicate_rank")
        return ranked

    def to_rows(self, question, value):
        return [AnswerRow(question.key, option=key, rank=place) for place, key in enumerate(value, start=1)]

    def from_rows(self, question, rows):
        return [row.option for row in sorted(rows, key=lambda row: row.rank)] or None


class WholeNumber(QuestionType):
    name = "number"
    needs = ("min", "max")

    def check(self, question, definition):
        problems = super().check(question, definition)
        if question.min is not None and question.max is not None and question.min >= question.max:
            problems.append("'min' must be smaller than 'max'")
        return problems

    def parse(self, question, definition, form, answers):
        raw = (form.get(field_name(question)) or "").strip()
        if not raw:
            return None
        if not re.fullmatch(r"-?[0-9]{1,9}", raw):
            raise Invalid("not_a_number")
        number = int(raw)
        if not question.min <= number <= question.max:
            raise Invalid("out_of_range", {"min": question.min, "max": question.max})
        return number

    def to_rows(self, question, value):
        return [AnswerRow(question.key, number=value)]

    def from_rows(self, question, rows):
        return rows[0].number if rows else None


class Scale(WholeNumber):
    name = "scale"
    needs = ("min", "max", "min_label", "max_label")

    def to_rows(self, question, value):
        # The point of the scale is also an option, so that it counts like a choice.
        return [AnswerRow(question.key, option=str(value), number=value)]

    def stored_options(self, question, definition):
        return {str(point) for point in range(question.min, question.max + 1)}


class YesNo(QuestionType):
    name = "yesno"

    def parse(self, question, definition, form, answers):
        raw = form.get(field_name(question)) or ""
        if not raw:
            return None
        if raw not in ("yes", "no"):
            raise Invalid("unknown_option")
        return raw == "yes"

    def to_rows(self, question, value):
        return [AnswerRow(question.key, option="yes" if value else "no")]

    def stored_options(self, question, definition):
        return {"yes", "no"}

    def from_rows(self, question, rows):
        return rows[0].option == "yes" if rows else None


class ShortText(QuestionType):
    name = "text"
    default_length = 200

    def max_length(self, question) -> int:
        return question.max_length or self.default_length

    def parse(self, question, definition, form, answers):
        return clean_text(form.get(field_name(question)), self.max_length(question))

    def to_rows(self, question, value):
        return [AnswerRow(question.key, text=value)]

    def from_rows(self, question, rows):
        return rows[0].text if rows else None


class LongText(ShortText):
    name = "longtext"
    default_length = 2000


class Grid(QuestionType):
    """A set of cells of a rows × columns grid, such as weekday × part of the day."""

    name = "grid"
    needs = ("rows", "columns")

    def cells(self, question) -> set[str]:
        return {f"{row.key}:{column.key}" for row in question.rows for column in question.columns}

    def stored_options(self, question, definition):
        return self.cells(question)

    def parse(self, question, definition, form, answers):
        chosen = list(dict.fromkeys(v for v in form.getlist(field_name(question)) if v))
        if not chosen:
            return None
        if any(cell not in self.cells(question) for cell in chosen):
            raise Invalid("unknown_option")
        return chosen

    def to_rows(self, question, value):
        return [AnswerRow(question.key, option=cell) for cell in value]

    def from_rows(self, question, rows):
        return [row.option for row in rows] or None


class Consent(QuestionType):
    """Agreement to be contacted, with contact details: stored apart from the anonymous answers.

    Only from residents old enough to consent (16 in the Netherlands): where an earlier age answer
    does not settle it (``age_check``), the resident confirms it; details of a younger resident are
    never stored.
    """

    name = "consent"
    needs = ("statement", "fields")
    stored_apart = True
    limits = {"name": 100, "email": 254, "phone": 20}
    DEFAULT_MIN_AGE = 16

    def check(self, question, definition):
        problems = super().check(question, definition)
        check = question.age_check
        if check is not None:
            earlier = [q.key for q in definition.questions()]
            earlier = earlier[: earlier.index(question.key)]
            if check.question not in earlier:
                problems.append(f"age_check refers to {check.question!r}, which is not an earlier question")
            else:
                options = {o.key for o in definition.options_of(definition.question(check.question))}
                problems += [f"age_check: {key!r} is not an option of {check.question!r}"
                             for key in (*check.below, *check.unsure) if key not in options]
        return problems

    def min_age(self, question) -> int:
        return question.age_check.min_age if question.age_check else self.DEFAULT_MIN_AGE

    def age_state(self, question, answers: dict) -> str:
        """``"below"`` (too young: no contact details), ``"ask"`` (confirm the age) or ``"old_enough"``."""
        check = question.age_check
        if check is None:
            return "ask"
        age = answers.get(check.question)
        if age in check.below:
            return "below"
        if age is None or age in check.unsure:
            return "ask"
        return "old_enough"

    def parse(self, question, definition, form, answers):
        agreed = form.get(field_name(question, "agree")) == "yes"
        details = {}
        for contact_field in question.fields:
            value = clean_text(form.get(field_name(question, contact_field.key)), self.limits[contact_field.kind])
            if value and contact_field.kind == "email" and not EMAIL.match(value):
                raise Invalid("invalid_email")
            if value and contact_field.kind == "phone" and not PHONE.match(value):
                raise Invalid("invalid_phone")
            details[contact_field.key] = value
        age = self.age_state(question, answers)
        if not agreed or age == "below":
            # Details typed without consent, or by a resident too young to give it, are dropped.
            return None
        if age == "ask":
            confirmed = form.get(field_name(question, "age"))
            if confirmed == "no":
                return None
            if confirmed != "yes":
                raise Invalid("age_needed", {"age": self.min_age(question)})
        if not any(details[f.key] for f in question.fields if f.kind in ("email", "phone")):
            raise Invalid("contact_needed")
        return {"agree": True, **details}

    def to_rows(self, question, value):
        return []

    def from_rows(self, question, rows):
        return None
