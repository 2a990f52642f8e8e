"""The survey form as pages: which questions show, which answers are valid, which page is next.

Pure: works on the submitted form data (a ``MultiDict``) and a definition. Every page posts all
answers given so far (earlier pages travel along as hidden fields), so the server keeps no draft
and the form works without JavaScript; the final submission validates everything again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from ..definitions import Definition, Question
from ..definitions.types import Invalid

FIELD_PREFIX = "q-"


def is_visible(question: Question, answers: dict) -> bool:
    """Whether a question applies, given the answers to earlier questions."""
    if not question.show_if:
        return True
    return any(_clause_holds(clause, answers.get(clause.question)) for clause in question.show_if)


def _clause_holds(clause, answer) -> bool:
    if clause.answered is not None:
        return (answer is not None) == clause.answered
    if answer is None:
        return False
    if isinstance(answer, dict):  # multiple choice
        chosen = set(answer["options"])
    elif isinstance(answer, (list, tuple)):
        chosen = set(answer)
    else:
        chosen = {answer if not isinstance(answer, bool) else ("yes" if answer else "no")}
    return bool(chosen & set(clause.any_of))


@dataclass
class FormState:
    """What the submitted data says: answers of the pages up to ``page`` and their errors."""

    definition: Definition
    form: MultiDict
    page: int
    answers: dict = field(default_factory=dict)
    errors: dict[str, Invalid] = field(default_factory=dict)  # question key -> problem
    first_error_page: int | None = None

    @classmethod
    def read(cls, definition: Definition, form: MultiDict, page: int, up_to: int | None = None) -> FormState:
        """Parse and validate the answers of every page up to ``up_to`` (default: ``page``)."""
        state = cls(definition, form, page)
        last = page if up_to is None else up_to
        for index, section in enumerate(definition.sections[: last + 1]):
            for question in section.questions:
                if not is_visible(question, state.answers):
                    continue
                try:
                    value = question.kind.parse(question, definition, form, state.answers)
                    if value is None and question.required:
                        raise Invalid("required")
                except Invalid as problem:
                    state.errors[question.key] = problem
                    if state.first_error_page is None:
                        state.first_error_page = index
                    continue
                if value is not None:
                    state.answers[question.key] = value
        return state

    @classmethod
    def read_complete(cls, definition: Definition, form: MultiDict) -> FormState:
        """Parse and validate every page at once, as the final submission (or a device's) does."""
        last = len(definition.sections) - 1
        return cls.read(definition, form, last, up_to=last)

    def page_errors(self, page: int) -> dict[str, Invalid]:
        keys = {q.key for q in self.definition.sections[page].questions}
        return {key: problem for key, problem in self.errors.items() if key in keys}

    def visible_questions(self, page: int) -> list[Question]:
        return [q for q in self.definition.sections[page].questions if is_visible(q, self.answers)]

    def next_page(self, page: int, step: int = 1) -> int:
        """The next (or previous) page that has a question to show; stays in range."""
        index = page + step
        while 0 <= index < len(self.definition.sections):
            if self.visible_questions(index):
                return index
            index += step
        return max(0, min(page, len(self.definition.sections) - 1))

    def is_last_page(self, page: int) -> bool:
        return self.next_page(page) == page

    def later_conditions(self, page: int) -> list[list[dict]]:
        """For the page's script: the conditions of every question on a later page (``[]`` for one
        always shown), so that answers given on this page can turn "Send" into "Next" at once."""
        later = [q for section in self.definition.sections[page + 1:] for q in section.questions]
        return [[clause.model_dump(exclude_none=True) for clause in q.show_if] if q.show_if else [] for q in later]

    def carried_fields(self, page: int) -> list[tuple[str, str]]:
        """The answers of other pages, to post along as hidden fields."""
        here = {q.key for q in self.definition.sections[page].questions}
        known = {q.key for q in self.definition.questions()}
        carried = []
        for name, values in self.form.lists():
            if not name.startswith(FIELD_PREFIX):
                continue
            # "q-<key>" or "q-<key>-<part>": question keys never contain a hyphen.
            key = name[len(FIELD_PREFIX):].split("-", 1)[0]
            if key in here or key not in known:
                continue
            carried.extend((name, value) for value in values if value)
        return carried

    def stored_answers(self) -> dict:
        """The answers of visible questions only: a hidden question's leftovers are never stored."""
        return {q.key: self.answers[q.key] for q in self.definition.questions() if q.key in self.answers and is_visible(q, self.answers)}
