"""The researchers' codebook: the variables of a survey's raw export, with their codes (pure).

Each question type becomes variables through a builder in ``BUILDERS``, keyed by the type's name,
so that a new question type fails tests/test_research_export.py until it says how it is exported.
Options are numbered 1, 2, 3… in the order of the survey file (the codes SPSS needs); the
codebook names each code's option key and its label in every language of the survey.

What is left out on purpose: contact details (stored apart), short free text (talents: a skill
described in one's own words often names the person), and the text typed with "other" (never
moderated; the variable still says "other" was chosen). Long free text (open ideas) is in, but
only where an admin approved it, as on the boards' dashboards.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..definitions.schema import Definition, Question, Text

NUMERIC, STRING = "numeric", "string"
# SPSS: at most 64 bytes, a letter first, and never one of its reserved words.
RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
MAX_NAME = 64


@dataclass(frozen=True)
class Value:
    code: int
    key: str  # the option key in the survey file (or "yes", "chosen", …)
    label: Text


@dataclass(frozen=True)
class Variable:
    name: str
    question: str | None  # the question key; None for a property of the response (its month, …)
    qtype: str  # the question type, or "response" for a property of the response
    label: Text
    storage: str = NUMERIC  # NUMERIC or STRING
    measure: str = "nominal"  # nominal, ordinal or scale (SPSS's measurement levels)
    values: tuple[Value, ...] = ()
    # How a response's stored answer rows give this variable's value (see dataset.py).
    source: tuple = field(default=(), compare=False)


def spss_name(*parts: str, taken: set[str]) -> str:
    """A variable name from parts (``activities`` + ``quiz``) that SPSS accepts and that is unique."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts))
    if not name[:1].isalpha():
        name = "v" + name
    if name.lower() in RESERVED:
        name += "_"
    name = name[:MAX_NAME]
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f"_{number}"
        candidate = name[: MAX_NAME - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _join(first: Text, second: Text) -> Text:
    """"Question: option" in every language either text has."""
    return {lang: f"{first.get(lang) or next(iter(first.values()), '')}: {second.get(lang) or next(iter(second.values()), '')}"
            for lang in {*first, *second}}


def _coded(options) -> tuple[Value, ...]:
    return tuple(Value(number, option.key, option.label) for number, option in enumerate(options, start=1))


def _dichotomy(texts: dict[str, Text]) -> tuple[Value, ...]:
    return (Value(0, "not_chosen", texts["not_chosen"]), Value(1, "chosen", texts["chosen"]))


Builder = Callable[[Question, Definition, set, dict], list[Variable]]


def _single(question, definition, taken, texts):
    return [Variable(spss_name(question.key, taken=taken), question.key, question.type, question.text,
                     values=_coded(definition.options_of(question)), source=("option",))]


def _multiple(question, definition, taken, texts):
    options = list(definition.options_of(question))
    keys = [(option.key, option.label) for option in options]
    if question.other:
        keys.append(("other", texts["other"]))
    return [Variable(spss_name(question.key, key, taken=taken), question.key, question.type, _join(question.text, label),
                     values=_dichotomy(texts), source=("has_option", key)) for key, label in keys]


def _ranking(question, definition, taken, texts):
    values = _coded(definition.options_of(question))
    return [Variable(spss_name(question.key, str(place), taken=taken), question.key, question.type,
                     _join(question.text, {lang: f"{text} {place}" for lang, text in texts["place"].items()}),
                     values=values, source=("rank", place)) for place in range(1, (question.pick or 0) + 1)]


def _grid(question, definition, taken, texts):
    return [Variable(spss_name(question.key, row.key, column.key, taken=taken), question.key, question.type,
                     _join(question.text, _join(row.label, column.label)), values=_dichotomy(texts),
                     source=("has_option", f"{row.key}:{column.key}"))
            for row in question.rows for column in question.columns]


def _number(question, definition, taken, texts):
    return [Variable(spss_name(question.key, taken=taken), question.key, question.type, question.text,
                     measure="scale", source=("number",))]


def _scale(question, definition, taken, texts):
    ends = tuple(Value(point, str(point), label) for point, label in
                 ((question.min, question.min_label), (question.max, question.max_label)) if label)
    return [Variable(spss_name(question.key, taken=taken), question.key, question.type, question.text,
                     measure="ordinal", values=ends, source=("number",))]


def _yesno(question, definition, taken, texts):
    return [Variable(spss_name(question.key, taken=taken), question.key, question.type, question.text,
                     values=(Value(0, "no", texts["no"]), Value(1, "yes", texts["yes"])), source=("yes",))]


def _approved_text(question, definition, taken, texts):
    return [Variable(spss_name(question.key, taken=taken), question.key, question.type, question.text,
                     storage=STRING, source=("approved_text",))]


def _left_out(question, definition, taken, texts):
    return []


BUILDERS: dict[str, Builder] = {
    "area": _left_out,  # the response's own neighbourhood variable holds it
    "single": _single,
    "multiple": _multiple,
    "ranking": _ranking,
    "grid": _grid,
    "number": _number,
    "scale": _scale,
    "yesno": _yesno,
    "text": _left_out,  # short free text (talents): not moderated, often names a person
    "longtext": _approved_text,  # open ideas, once an admin approved them
    "consent": _left_out,  # contact details are stored apart and never exported
}


@dataclass(frozen=True)
class Place:
    """A neighbourhood of the round, with its district."""

    key: str
    name: str
    district_key: str
    district_name: str


def response_variables(places: list[Place], languages: dict[str, str], texts: dict[str, dict]) -> list[Variable]:
    """The response's own properties: where, how, in which language, which month (no day)."""
    hoods = sorted({(p.key, p.name) for p in places}, key=lambda item: item[1].casefold())
    districts = sorted({(p.district_key, p.district_name) for p in places}, key=lambda item: item[1].casefold())

    def coded(items):
        return tuple(Value(number, key, {"": name}) for number, (key, name) in enumerate(items, start=1))

    return [
        Variable("neighbourhood", None, "response", texts["neighbourhood"], values=coded(hoods), source=("area",)),
        Variable("district", None, "response", texts["district"], values=coded(districts), source=("district",)),
        Variable("channel", None, "response", texts["channel"], source=("channel",), values=(
            Value(1, "online", texts["online"]), Value(2, "door", texts["door"]))),
        Variable("language", None, "response", texts["language"], source=("language",),
                 values=coded(list(languages.items()))),
        Variable("month", None, "response", texts["month"], storage=STRING, source=("month",)),
        Variable("survey_version", None, "response", texts["version"], measure="ordinal", source=("version",)),
    ]


def variables(definition: Definition, places: list[Place], languages: dict[str, str], texts: dict[str, dict]) -> list[Variable]:
    """Every variable of the export, response properties first, then the questions in order.

    :param languages: the survey's languages, code → name (the codes of ``language``).
    :param texts: the codebook's own words per language (``chosen``, ``other``, ``month``…).
    """
    found = response_variables(places, languages, texts)
    taken = {variable.name.lower() for variable in found}
    for question in definition.questions():
        found += BUILDERS[question.type](question, definition, taken, texts)
    return found


def label_in(text: Text, lang: str, fallback: str) -> str:
    """A label in one language; names of places and languages are the same in all (key "")."""
    return text.get(lang) or text.get("") or text.get(fallback) or next(iter(text.values()), "")
