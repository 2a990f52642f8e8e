"""Read an XLSForm workbook into a survey definition, or list every problem with its cell.

Groups become pages (sections); a group inside a group is a page of its own, and the questions
after it continue on a page titled like their group. A question whose condition (or ranking)
depends on a question on the same page starts a new page, because the form decides what to show
from the answers of earlier pages (so that it works without JavaScript).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from io import BytesIO
from pathlib import Path

from pyxform import aliases
from pyxform.errors import PyXFormError
from pyxform.xls2json import RE_BEGIN_CONTROL, RE_END_CONTROL, RE_SELECT, workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from ..loader import DefinitionError, parse_definition
from ..problems import Problem
from ..schema import KEY_PATTERN, OPTION_KEY_PATTERN, SURVEY_KEY_PATTERN, Definition
from .conventions import GRID_APPEARANCE
from .languages import column_language, language_code
from .questions import QuestionRows, Row
from .texts import Texts
from .workbook import Workbook, WorkbookError, read_workbook


def read_xlsform(data: bytes, filename: str, languages: Collection[str]) -> Definition:
    """The definition an XLSForm file (.xlsx, .xls or .csv) describes.

    :param languages: the language codes the app speaks; a column in any other is a problem.
    :raise DefinitionError: with every problem placed in its sheet, row and column.
    """
    try:
        workbook = read_workbook(data, filename)
    except WorkbookError as error:
        raise DefinitionError(filename, error.problems) from None
    form = FormReader(workbook, languages)
    content = form.read()
    if form.problems:
        raise DefinitionError(filename, _unique(form.problems))
    try:
        definition = parse_definition(content, filename)
    except DefinitionError as error:
        raise DefinitionError(filename, [form.placed(problem) for problem in error.problems]) from None
    # What this app accepts must also be an XLSForm the ODK tools accept, so that it can go back.
    try:
        workbook_to_json(get_xlsform(BytesIO(data), file_type=Path(filename).suffix.lower()), warnings=[])
    except PyXFormError as error:
        raise DefinitionError(filename, [Problem("xlsform", {"detail": str(error)})]) from None
    return definition


class _Group:
    """A page group being read: its row, its title and the conditions of it and its parents."""

    def __init__(self, row: Row, parent: _Group | None, title: dict | None):
        self.row, self.title = row, title
        self.conditions = list(parent.conditions if parent else ())


class FormReader(QuestionRows):
    def __init__(self, workbook: Workbook, languages: Collection[str]):
        self.workbook, self.problems = workbook, []
        self.survey = workbook.sheets.get("survey")
        self.texts = Texts(workbook, languages, self.problems)
        self.lists = self._lists()
        self.sections: list[dict] = []
        self.section_rows: dict[str, int] = {}
        self.current: dict | None = None
        self.intro: dict | None = None
        self.questions: dict[str, int] = {}  # key → row, of the questions read so far
        self.grid_rows: dict[str, tuple[str, str]] = {}  # row name → (grid key, row key)
        self.list_of: dict[str, str] = {}  # question key → its choice list
        self._choices: dict[str, list[dict]] = {}

    def read(self) -> dict:
        """The definition as the YAML format writes it (problems are collected on the way)."""
        if self.survey is None:
            self.problems.append(Problem("no_survey_sheet"))
            return {}
        if not self.survey.rows:
            self.problems.append(Problem("empty_survey", {}, self.survey.name))
            return {}
        if ("type",) not in self.survey.columns:
            self.problems.append(Problem("missing_column", {"column": "type"}, self.survey.name, 1))
            return {}
        self._walk(self._tree(), None)
        head = self._head()
        for section in self.sections:
            section["title"] = section["title"] or head["title"]
            if not section["questions"]:
                self.problems.append(Problem("empty_page", {}, self.survey.name, self.section_rows[section["key"]]))
        self._name_sections()
        return {**head, **({"intro": self.intro} if self.intro else {}), "sections": self.sections}

    def _tree(self) -> list[Row]:
        """The rows, each group holding the rows up to its ``end group``."""
        root: list[Row] = []
        stack: list[tuple[Row | None, list[Row]]] = [(None, root)]
        for number, cells in self.survey.rows:
            if aliases.yes_no.get(self.survey.value(cells, "disabled") or ""):
                continue
            kind = " ".join((self.survey.value(cells, "type") or "").split())
            row = Row(number, cells, kind, self.survey.value(cells, "name"))
            if not kind:  # a row with neither type, name nor label is a comment, as in pyxform
                if row.name or any(cells.get(header) for header in self.survey.translated("label").values()):
                    self.problem("missing_type", row, "type")
            elif end := RE_END_CONTROL.match(kind):
                control = aliases.control[end["type"]]
                if len(stack) == 1 or stack[-1][0].control != control:
                    self.problem("unbalanced_end", row, "type", type=kind, kind=control)
                else:
                    stack.pop()
            else:
                stack[-1][1].append(row)
                if begin := RE_BEGIN_CONTROL.match(kind):
                    row.control = aliases.control[begin["type"]]
                    stack.append((row, row.children))
        for row, _ in stack[1:]:
            self.problem("unbalanced_begin", row, "type", kind=row.control, name=row.name or "")
        return root

    def _walk(self, rows: list[Row], group: _Group | None) -> None:
        for row in rows:
            if row.control is None and row.type == "note":
                self._note(row, group)
            elif row.control is None:
                self._add(self.question(row, group), row, group)
            elif row.control != "group":
                self.problem("repeat", row, "type")
            elif shape := self._shape(row):
                self._add(self.grid(row, group) if shape == "grid" else self.consent(row, group), row, group)
            else:
                self.current = None
                title = self.texts.read(self.survey, row.number, row.cells, "label")
                inner = _Group(row, group, title)
                if own := self.survey.value(row.cells, "bind", "relevant"):
                    inner.conditions.append((own, row.number))
                self._walk(row.children, inner)
                self.current = None

    def _shape(self, row: Row) -> str | None:
        """``grid`` or ``consent`` for a group that is one question; ``None`` for a page."""
        children = row.children
        if children and children[0].control is None and children[0].type == "acknowledge":
            return "consent"
        selects = [RE_SELECT.match(child.type) for child in children if child.control is None]
        if (GRID_APPEARANCE in self.appearance(row) and children and len(selects) == len(children) and all(selects)
                and all(aliases.select.get(s["select_command"]) == "select all that apply" and not s["specify_other"]
                        for s in selects)
                and len({s["list_name"] for s in selects}) == 1):
            return "grid"
        return None

    def _note(self, row: Row, group: _Group | None) -> None:
        """An information text: the introduction of the survey, or of the page it opens."""
        if self.survey.value(row.cells, "bind", "relevant"):
            self.problem("note_condition", row, "bind", "relevant")
        text = self.texts.read(self.survey, row.number, row.cells, "label", required=True)
        if text is None:
            return
        if group is None and not self.sections:
            self.intro = _joined(self.intro, text)
        elif self.current is not None and not self.current["questions"]:
            self.current["intro"] = _joined(self.current.get("intro"), text)
        else:
            self._open_section(group, row)
            self.current["intro"] = text

    def _add(self, question: dict | None, row: Row, group: _Group | None) -> None:
        if question is None:
            return
        on_page = {q["key"] for q in self.current["questions"]} if self.current else set()
        depends = {clause["question"] for clause in question.get("show_if") or ()} | {question.get("choices_from")}
        if self.current is None or depends & on_page:
            self._open_section(group, row)
        self.current["questions"].append(question)
        self.questions[question["key"]] = row.number

    def _open_section(self, group: _Group | None, row: Row) -> None:
        """A new page: the group's name as its key (``name_2`` for its next page), else ``page_1``…"""
        name = group.row.name if group else None
        if group and not (name and re.fullmatch(KEY_PATTERN, name) and len(name) <= 40):
            self.problem("invalid_name" if name else "missing_name", group.row, "name", name=name or "")
            name = None
        base, number = name or "page", 2 if name else 1
        key = name if name and name not in self.section_rows else None
        while key is None or key in self.section_rows:
            key, number = f"{base}_{number}", number + 1
        self.section_rows[key] = row.number  # the row that opened the page
        self.current = {"key": key, "title": group.title if group else None, "questions": []}
        self.sections.append(self.current)

    def _name_sections(self) -> None:
        """A page exported as ``activities_section`` (beside a question ``activities``) is ``activities``."""
        for section in self.sections:
            stem = section["key"].removesuffix("_section")
            if stem != section["key"] and stem in self.questions and stem not in self.section_rows:
                self.section_rows[stem] = self.section_rows.pop(section["key"])
                section["key"] = stem

    def _lists(self) -> dict[str, list[tuple[int, dict]]]:
        choices = self.workbook.sheets.get("choices")
        lists: dict[str, list[tuple[int, dict]]] = {}
        for number, cells in choices.rows if choices else ():
            name = choices.value(cells, "list name")
            if name:
                lists.setdefault(name, []).append((number, cells))
        return lists

    def choices(self, list_name: str) -> list[dict]:
        """The choices of a list: key, label and picture; each problem reported once."""
        if list_name not in self._choices:
            sheet, seen, found = self.workbook.sheets["choices"], {}, []
            for number, cells in self.lists[list_name]:
                name = sheet.value(cells, "name")
                if not name:
                    self.problems.append(Problem("missing_name", {}, sheet.name, number, sheet.header("name")))
                    continue
                if name in seen:
                    self.problems.append(Problem("duplicate_choice", {"name": name, "list": list_name}, sheet.name, number,
                                                 sheet.header("name")))
                seen[name] = number
                choice = {"key": name, "label": self.texts.read(sheet, number, cells, "label", required=True,
                                                                 missing="missing_choice_label"), "row": number}
                pictures = {cells[h] for h in sheet.translated("media", "image").values() if cells.get(h)}
                if len(pictures) > 1:
                    self.problems.append(Problem("per_language_image", {}, sheet.name, number, sheet.header("media", "image")))
                elif pictures:
                    choice["image"] = pictures.pop()
                found.append(choice)
            self._choices[list_name] = found
        return self._choices[list_name]

    def options(self, list_name: str) -> list[dict]:
        """The choices of a list as options, whose keys must be lower case, digits and ``_``."""
        sheet, options = self.workbook.sheets["choices"], []
        for choice in self.choices(list_name):
            if not re.fullmatch(OPTION_KEY_PATTERN, choice["key"]) or len(choice["key"]) > 40:
                problem = Problem("invalid_choice_name", {"name": choice["key"]}, sheet.name, choice["row"], sheet.header("name"))
                if problem not in self.problems:
                    self.problems.append(problem)
            options.append({k: v for k, v in choice.items() if k != "row"})
        return options

    def scale(self, list_name: str) -> dict | None:
        """A likert list of numbers whose inner labels are the numbers: a scale with two end labels."""
        choices = self.choices(list_name)
        try:
            numbers = [int(choice["key"]) for choice in choices]
        except ValueError:
            return None
        inner = [choice["label"] or {} for choice in choices[1:-1]]
        if len(numbers) < 2 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            return None
        if any(set(label.values()) != {str(number)} for label, number in zip(inner, numbers[1:-1])):
            return None
        return {"min": numbers[0], "max": numbers[-1], "min_label": choices[0]["label"], "max_label": choices[-1]["label"]}

    def resolve(self, name: str) -> tuple[str, str | None] | None:
        if name in self.questions:
            return name, None
        return self.grid_rows.get(name)

    def _head(self) -> dict:
        """Key, languages with their review state, and the title in each language."""
        settings, stem = self.workbook.sheets.get("settings"), self.workbook.stem
        row = settings.rows[0] if settings and settings.rows else (2, {})
        form_id = settings.value(row[1], "id_string") if settings else None
        key = form_id or re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
        if not re.fullmatch(SURVEY_KEY_PATTERN, key) or len(key) > 60:
            self.problems.append(Problem("invalid_form_id", {"value": key}, settings.name if settings else "settings",
                                         row[0] if form_id else None, "form_id"))
        form_title = settings.value(row[1], "title") if settings else None
        languages = {code: {"review": "source" if code == self.texts.source else "draft"} for code in self.texts.languages}
        titles = {code: form_title or key for code in self.texts.languages}
        sheet = self.workbook.sheets.get("languages")
        if sheet is not None:
            titles, rows = ({self.texts.source: form_title} if form_title else {}), {}
            for number, cells in sheet.rows:
                written = sheet.value(cells, "language") or ""
                code = language_code(written, self.texts.shipped)
                if code is None and written:
                    self.problems.append(Problem("unknown_language", {"value": written}, sheet.name, number,
                                                 sheet.header("language")))
                if code not in languages:
                    continue  # a language offered for translating, not translated yet
                rows[code] = number
                review = sheet.value(cells, "review")
                if review and review not in ("source", "draft", "reviewed"):
                    self.problems.append(Problem("invalid_review", {"value": review}, sheet.name, number, sheet.header("review")))
                elif review:
                    languages[code]["review"] = review
                if title := sheet.value(cells, "title"):
                    titles[code] = title
            for code in languages:
                if not titles.get(code):
                    self.problems.append(Problem("missing_title", {"language": column_language(code)}, sheet.name,
                                                 rows.get(code), sheet.header("title")))
        return {"key": key, "source_language": self.texts.source, "languages": languages,
                "title": {code: titles.get(code) for code in languages}}

    def placed(self, message: str) -> Problem:
        """A problem the definition's own checks found, placed at the row of its question or page."""
        match = re.match(r"^(question|section) '([^']+)'", message)
        number = None
        if match:
            number = (self.questions if match[1] == "question" else self.section_rows).get(match[2])
        return Problem("definition", {"detail": message}, self.survey.name if number else None, number)


def _joined(first: dict | None, second: dict) -> dict:
    """Two information texts in a row make one, a blank line between them."""
    return second if first is None else {code: f"{first[code]}\n\n{second[code]}" for code in second if code in first}


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a group's condition is checked for every question in the group)."""
    seen, unique = set(), []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            unique.append(problem)
    return unique
