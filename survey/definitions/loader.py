"""Load a survey definition file and report every problem with its place, or none at all."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from pydantic import ValidationError

from .problems import Problem, as_problem
from .schema import Definition, Question, Text


class DefinitionError(Exception):
    """A definition that cannot be loaded.

    ``problems`` holds one English line per problem, with its place; ``details`` the same problems
    as :class:`Problem` (code, parameters, cell), for a page that shows them in another language.
    """

    def __init__(self, source: str, problems: Sequence[str | Problem]):
        self.source = source
        self.details = [as_problem(p) for p in problems]
        self.problems = [str(p) for p in self.details]
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in self.problems))


def load_definition(path: str | Path) -> Definition:
    """Read and validate a YAML or JSON definition file.

    :raise DefinitionError: naming the file, the place and the problem of everything that is wrong.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DefinitionError(path.name, [f"cannot be read: {error}"]) from error
    return parse_definition_text(raw, path.name)


def parse_definition_text(raw: str, source: str) -> Definition:
    """Parse and validate a definition written in JSON (a source ending in .json) or YAML."""
    try:
        data = json.loads(raw) if source.endswith(".json") else yaml.safe_load(raw)
    except (ValueError, yaml.YAMLError) as error:
        raise DefinitionError(source, [f"cannot be read: {error}"]) from error
    return parse_definition(data, source)


def parse_definition(data, source: str = "definition") -> Definition:
    """Validate already parsed data; see :func:`load_definition`."""
    if not isinstance(data, dict):
        raise DefinitionError(source, ["the file must hold a mapping with 'key', 'languages', 'title' and 'sections'"])
    try:
        definition = Definition.model_validate(data)
    except ValidationError as error:
        raise DefinitionError(source, [_structural_problem(data, e) for e in error.errors()]) from None
    problems = list(_meaning_problems(definition))
    if problems:
        raise DefinitionError(source, problems)
    return definition


def checksum(definition: Definition) -> str:
    """A digest of the definition's content, so that an unchanged file is recognised."""
    canonical = json.dumps(definition.model_dump(mode="json", exclude_defaults=True), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _structural_problem(data: dict, error: dict) -> str:
    """Turn a pydantic error's location into the words a survey author uses."""
    place, node = [], data
    loc = list(error["loc"])
    while loc:
        step = loc.pop(0)
        child = node[step] if isinstance(node, (dict, list)) and _has(node, step) else None
        if step in ("sections", "questions", "options", "rows", "columns", "fields") and loc and isinstance(loc[0], int):
            index = loc.pop(0)
            child = child[index] if isinstance(child, list) and index < len(child) else None
            key = child.get("key") if isinstance(child, dict) else None
            noun = {"sections": "section", "questions": "question", "options": "option",
                    "rows": "row", "columns": "column", "fields": "field"}[step]
            place.append(f"{noun} {key!r}" if key else f"{noun} #{index + 1}")
        elif isinstance(step, str):
            place.append(f"'{step}'" if not place or not place[-1].startswith("'") else f"'{step}'")
        node = child
    where = " › ".join(place) or "top level"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "is missing"
    elif error["type"] == "extra_forbidden":
        message = "is not a known field (check its spelling)"
    return f"{where}: {message}"


def _has(node, step) -> bool:
    return (isinstance(node, dict) and step in node) or (isinstance(node, list) and isinstance(step, int) and step < len(node))


# The texts of a question, in the order translators see them.
QUESTION_TEXTS = ("text", "hint", "required_message", "min_label", "max_label", "unit", "statement")


def texts(definition: Definition) -> Iterator[tuple[str, Text | None]]:
    """Every translatable text with a stable id, such as ``question.activities.option.cooking``."""
    yield "title", definition.title
    yield "intro", definition.intro
    for section in definition.sections:
        yield f"section.{section.key}.title", section.title
        yield f"section.{section.key}.intro", section.intro
        for q in section.questions:
            base = f"question.{q.key}"
            for name in QUESTION_TEXTS:
                yield f"{base}.{name}", getattr(q, name)
            for group in ("options", "rows", "columns", "fields"):
                for item in getattr(q, group) or ():
                    yield f"{base}.{group.rstrip('s')}.{item.key}", item.label


def _place(text_id: str) -> str:
    parts = text_id.split(".")
    if parts[0] == "question":
        detail = " ".join(parts[2:])
        return f"question {parts[1]!r}: {detail}"
    if parts[0] == "section":
        return f"section {parts[1]!r}: {parts[2]}"
    return parts[0]


def _meaning_problems(definition: Definition) -> Iterator[str]:
    """What a schema cannot say: languages complete, keys unique, references pointing backwards."""
    languages = list(definition.languages)
    if definition.source_language not in languages:
        yield f"source_language {definition.source_language!r} is not listed under 'languages'"
    for text_id, text in texts(definition):
        if text is None:
            continue
        for lang in languages:
            if not (text.get(lang) or "").strip():
                yield f"{_place(text_id)}: language {lang!r} is missing"
        for lang in text:
            if lang not in languages:
                yield f"{_place(text_id)}: language {lang!r} is not listed under 'languages'"

    for kind, keys in (("section", [s.key for s in definition.sections]), ("question", [q.key for q in definition.questions()])):
        for key, count in Counter(keys).items():
            if count > 1:
                yield f"{kind} key {key!r} is used {count} times"

    section_of = {q.key: index for index, s in enumerate(definition.sections) for q in s.questions}
    if sum(q.type == "area" for q in definition.questions()) > 1:
        yield "a survey has at most one question of type 'area'"
    for q in definition.questions():
        yield from (f"question {q.key!r}: {p}" for p in _question_problems(definition, q, section_of))


def _question_problems(definition: Definition, q: Question, section_of: dict[str, int]) -> Iterator[str]:
    for group in ("options", "rows", "columns", "fields"):
        for key, count in Counter(item.key for item in getattr(q, group) or ()).items():
            if count > 1:
                yield f"{group.rstrip('s')} key {key!r} is used {count} times"
    yield from q.kind.check(q, definition)

    # Conditions and sources must lie in an earlier section: the form then works without
    # JavaScript, because the server knows those answers before it renders the page.
    for clause in q.show_if or ():
        if clause.question not in section_of:
            yield f"show_if refers to unknown question {clause.question!r}"
            continue
        if section_of[clause.question] >= section_of[q.key]:
            yield f"show_if refers to {clause.question!r}, which is not in an earlier section"
        if (clause.any_of is None) == (clause.answered is None):
            yield "each show_if clause needs exactly one of 'any_of' or 'answered'"
        source = definition.question(clause.question)
        # Conditions compare chosen keys: options, grid cells, yes and no (a scale's answer is a number).
        known = source.kind.stored_options(source, definition) if source.type != "scale" else set()
        for key in clause.any_of or ():
            if key not in known:
                yield f"show_if: {key!r} is not an option of {clause.question!r}"
    if q.choices_from:
        if q.choices_from not in section_of:
            yield f"choices_from refers to unknown question {q.choices_from!r}"
        elif definition.question(q.choices_from).type != "multiple":
            yield f"choices_from must refer to a question of type 'multiple'"
        elif section_of[q.choices_from] >= section_of[q.key]:
            yield f"choices_from refers to {q.choices_from!r}, which is not in an earlier section"
