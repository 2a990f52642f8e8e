"""The shape of a survey definition file, as pydantic models that are also used at run time."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
# Option keys may also start with a digit: survey tools often code choices 1, 2, 3 (XLSForm, SPSS).
OPTION_KEY_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
SURVEY_KEY_PATTERN = r"^[a-z][a-z0-9-]*$"

# A text in every language of the survey: {"nl": "...", "en": "..."}.
Text = dict[str, str]


def pick(text: Text | None, lang: str, fallback: str) -> str:
    """The text in ``lang``, else in ``fallback``; empty when there is no text at all."""
    if not text:
        return ""
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageInfo(Strict):
    review: Literal["source", "draft", "reviewed"] = "draft"


class Option(Strict):
    key: str = Field(pattern=OPTION_KEY_PATTERN, max_length=40)
    label: Text
    # A picture beside the label: a file name, as XLSForm's ``image`` column holds it (kept, not shown yet).
    image: str | None = Field(default=None, pattern=r"^[^/\\]+$", max_length=200)


class ContactField(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=40)
    label: Text
    kind: Literal["name", "email", "phone"]


class AgeCheck(Strict):
    """Who may leave contact details: not residents under ``min_age`` (16 in the Netherlands,
    UAVG art. 5). ``question`` is an earlier age question; its options in ``below`` are all under
    the age, those in ``unsure`` span it (14 to 17). Everyone else who is not known to be old
    enough is asked to confirm it."""

    min_age: int = Field(default=16, ge=1, le=120)
    question: str
    below: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()


class Clause(Strict):
    question: str
    any_of: tuple[str, ...] | None = None
    answered: bool | None = None


class Question(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=40)
    type: str
    text: Text
    hint: Text | None = None
    required: bool = False
    required_message: Text | None = None  # instead of the app's own "Please answer this question."
    show_if: tuple[Clause, ...] | None = None
    # Fields of particular types; which ones a type needs is checked by the type itself.
    options: tuple[Option, ...] | None = None
    other: bool = False
    exclusive: tuple[str, ...] = ()
    max_choices: int | None = Field(default=None, ge=1)
    choices_from: str | None = None
    pick: int | None = Field(default=None, ge=1, le=10)
    min: int | None = None
    max: int | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    unit: Text | None = None
    max_length: int | None = Field(default=None, ge=1, le=10000)
    rows: tuple[Option, ...] | None = None
    columns: tuple[Option, ...] | None = None
    statement: Text | None = None
    fields: tuple[ContactField, ...] | None = None
    age_check: AgeCheck | None = None

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        from .types import QUESTION_TYPES

        if value not in QUESTION_TYPES:
            raise ValueError(f"unknown question type {value!r}; known: {', '.join(sorted(QUESTION_TYPES))}")
        return value

    @property
    def kind(self):
        """The question type object that renders, validates and stores this question."""
        from .types import question_type

        return question_type(self.type)


class Section(Strict):
    key: str = Field(pattern=KEY_PATTERN, max_length=40)
    title: Text
    intro: Text | None = None
    questions: tuple[Question, ...] = Field(min_length=1)


class Definition(Strict):
    key: str = Field(pattern=SURVEY_KEY_PATTERN, max_length=60)
    source_language: str
    languages: dict[str, LanguageInfo] = Field(min_length=1)
    title: Text
    intro: Text | None = None
    sections: tuple[Section, ...] = Field(min_length=1)

    @field_validator("languages")
    @classmethod
    def language_codes(cls, value: dict) -> dict:
        for code in value:
            if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", code):
                raise ValueError(f"{code!r} is not a language code such as 'nl' or 'pt_BR'")
        return value

    def questions(self):
        """Every question, in order."""
        return [q for section in self.sections for q in section.questions]

    def question(self, key: str) -> Question:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions()}

    def options_of(self, question: Question) -> tuple[Option, ...]:
        """The options a question offers, following ``choices_from`` to an earlier question."""
        if question.choices_from:
            return self.question(question.choices_from).options or ()
        return question.options or ()

    def text(self, text: Text | None, lang: str) -> str:
        return pick(text, lang, self.source_language)
