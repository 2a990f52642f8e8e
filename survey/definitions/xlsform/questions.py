"""Rows of the survey sheet as questions: one method per XLSForm shape (see docs/survey-format.md).

Each method returns the question as the YAML format writes it, or ``None`` after adding a problem
placed in its cell. :class:`reader.FormReader` walks the rows and pages; this is its mixin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.parsing.parameters import parse as parse_parameters
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json import RE_SELECT

from ..problems import Problem
from ..schema import KEY_PATTERN
from .conditions import ExpressionError, fields_from_constraint, show_if_from_relevant
from .conventions import (
    AGE_CHECK,
    AREA_FILE,
    CONSENT_AGREE,
    CONTACT_KINDS,
    GRID_APPEARANCE,
    LONG_TEXT_APPEARANCE,
    METADATA_TYPES,
    PICK,
    SCALE_APPEARANCE,
    UNIT,
    YES_NO,
    age_check_of,
    part_key,
    part_name,
)

NUMBER_TYPES = ("integer", "int", "decimal", "range")
TEXT_TYPES = ("text", "string")
NUMBER_LIMIT = 999_999_999  # the largest whole number the form accepts (nine digits)
CHOICES_FROM = re.compile(r"^selected\(\s*\$\{(?P<name>[^}]+)\}\s*,\s*name\s*\)$")
# Columns of a question row this app cannot honour (a value of "no" in read_only is harmless).
UNSUPPORTED = (("default",), ("bind", "readonly"), ("bind", "calculate"), ("trigger",), ("control", "jr:count"),
               ("media", "image"), ("media", "big-image"), ("media", "audio"), ("media", "video"))


@dataclass
class Row:
    """A row of the survey sheet; a group or repeat holds the rows up to its end."""

    number: int
    cells: dict[str, str]
    type: str
    name: str | None
    control: str | None = None  # group, repeat or loop for a "begin …" row
    children: list[Row] = field(default_factory=list)


class QuestionRows:
    """The mixin that reads questions; the reader provides ``survey``, ``texts``, ``problems``…"""

    def question(self, row: Row, group) -> dict | None:
        """The question of a row that is neither a group nor a note."""
        kind = row.type
        if kind in METADATA_TYPES:
            return self.problem("not_recorded", row, "type", type=kind)
        if kind == "calculate":
            return self.problem("calculate", row, "type")
        if kind == "acknowledge":
            return self.problem("acknowledge_outside_consent", row, "type")
        select = RE_SELECT.match(kind)
        if select is None and kind not in NUMBER_TYPES + TEXT_TYPES:
            known = kind in QUESTION_TYPE_DICT or kind in aliases._type_alias_map
            return self.problem("unsupported_type" if known else "unknown_type", row, "type", type=kind)
        base = self.common(row, group)
        if select is not None:
            return self.select(row, select, base)
        if kind in NUMBER_TYPES:
            return self.number(row, base)
        long = LONG_TEXT_APPEARANCE in self.appearance(row)
        fields = self.constraint(row, "longtext" if long else "text")
        return self.typed(base, {"type": "longtext" if long else "text", **fields})

    def common(self, row: Row, group) -> dict | None:
        """Key, texts, ``required`` and condition of a question; also checks unsupported columns."""
        survey = self.survey
        for path in UNSUPPORTED:
            for header in survey.translated(*path).values():
                value = row.cells.get(header)
                if value and not (path == ("bind", "readonly") and aliases.yes_no.get(value) is False):
                    self.problems.append(Problem("unsupported_column", {"column": header, "value": value}, survey.name,
                                                 row.number, header))
        if (parameters := survey.value(row.cells, "parameters")) and row.type != "range":
            self.problem("unsupported_column", row, "parameters", column=survey.header("parameters"), value=parameters)
        key = self.key(row)
        base = {"key": key, "text": self.texts.read(survey, row.number, row.cells, "label", required=True)}
        for name, path in (("hint", ("hint",)), ("required_message", ("bind", "jr:requiredMsg"))):
            if (value := self.texts.read(survey, row.number, row.cells, *path)) is not None:
                base[name] = value
        required = survey.value(row.cells, "bind", "required")
        if required and aliases.yes_no.get(required) is None:
            self.problem("required_expression", row, "bind", "required", value=required)
        elif required and aliases.yes_no[required]:
            base["required"] = True
        if (show_if := self.show_if(row, group)) is not None:
            base["show_if"] = list(show_if)
        return base if key and base["text"] else None

    def key(self, row: Row) -> str | None:
        """The row's name as a question key, unique among the questions."""
        if not row.name:
            return self.problem("missing_name", row, "name")
        if not re.fullmatch(KEY_PATTERN, row.name) or len(row.name) > 40:
            return self.problem("invalid_name", row, "name", name=row.name)
        if row.name in self.questions:
            return self.problem("duplicate_name", row, "name", name=row.name, other=self.questions[row.name])
        return row.name

    def show_if(self, row: Row, group) -> tuple[dict, ...] | None:
        """The question's condition: its own ``relevant`` or its group's (not both)."""
        conditions = list(group.conditions if group else ())
        if own := self.survey.value(row.cells, "bind", "relevant"):
            conditions.append((own, row.number))
        if len(conditions) > 1:
            return self.problem("group_condition", row, "bind", "relevant", group_row=conditions[-2][1])
        if not conditions:
            return None
        expression, number = conditions[0]
        try:
            return show_if_from_relevant(expression, self.resolve)
        except ExpressionError as error:
            self.problems.append(Problem(error.code, {"expression": expression, **error.params}, self.survey.name, number,
                                         self.survey.header("bind", "relevant")))
            return None

    def constraint(self, row: Row, question_type: str) -> dict:
        expression = self.survey.value(row.cells, "bind", "constraint")
        if not expression:
            return {}
        try:
            return fields_from_constraint(expression, question_type)
        except ExpressionError as error:
            self.problem(error.code, row, "bind", "constraint", expression=expression, **error.params)
            return {}

    def appearance(self, row: Row) -> list[str]:
        return (self.survey.value(row.cells, "control", "appearance") or "").split()

    def select(self, row: Row, match: re.Match, base: dict | None) -> dict | None:
        command, list_name, other = match["select_command"], match["list_name"], bool(match["specify_other"])
        kind = aliases.select[command]
        if command in aliases.select_from_file or kind == constants.SELECT_ONE_EXTERNAL or "." in list_name:
            if command in ("select_one_from_file", "select one from file") and list_name == AREA_FILE and not other:
                return self.typed(base, {"type": "area", **self.no_constraint(row)})
            return self.problem("external_choices", row, "type", file=f"select_one_from_file {AREA_FILE}")
        if "${" in list_name or list_name not in self.lists:
            return self.problem("unknown_list", row, "type", list=list_name)
        choice_filter = self.survey.value(row.cells, "choice_filter")
        if choice_filter and kind != constants.RANK:
            self.problem("unsupported_column", row, "choice_filter", column=self.survey.header("choice_filter"), value=choice_filter)
        if other and kind != constants.SELECT_ALL_THAT_APPLY:
            return self.problem("or_other_single", row, "type")
        if kind == constants.SELECT_ONE:
            if [choice["key"] for choice in self.choices(list_name)] == list(YES_NO):
                return self.typed(base, {"type": "yesno", **self.no_constraint(row)})
            scale = self.scale(list_name) if SCALE_APPEARANCE in self.appearance(row) else None
            own = {"type": "scale", **scale} if scale else {"type": "single", "options": self.options(list_name)}
            return self.typed(base, {**own, **self.no_constraint(row)})
        if row.name:
            self.list_of[row.name] = list_name
        if kind == constants.SELECT_ALL_THAT_APPLY:
            return self.typed(base, {"type": "multiple", "options": self.options(list_name), **({"other": True} if other else {}),
                                     **self.constraint(row, "multiple")})
        return self.typed(base, self.ranking(row, list_name, choice_filter))

    def ranking(self, row: Row, list_name: str, choice_filter: str | None) -> dict | None:
        question = {"type": "ranking", **self.no_constraint(row)}
        if choice_filter:
            source = CHOICES_FROM.match(choice_filter.strip())
            name = source["name"] if source else None
            if name not in self.questions or self.list_of.get(name) != list_name or name == row.name:
                return self.problem("choices_from", row, "choice_filter", expression=choice_filter)
            question["choices_from"] = name
        else:
            question["options"] = self.options(list_name)
        pick = self.survey.value(row.cells, PICK)
        count = len(self.choices(list_name))
        if pick is None and count > 10:
            return self.problem("rank_needs_pick", row, PICK, count=count)
        if pick is not None and not (pick.isdigit() and 1 <= int(pick) <= 10):
            return self.problem("pick", row, PICK, value=pick)
        question["pick"] = int(pick) if pick is not None else count
        return question

    @staticmethod
    def typed(base: dict | None, own: dict | None) -> dict | None:
        """The question: what every question has, and what its type has (None if either failed)."""
        return {**base, **own} if base is not None and own is not None else None

    def number(self, row: Row, base: dict | None) -> dict | None:
        question = {"type": "number", "min": -NUMBER_LIMIT, "max": NUMBER_LIMIT}
        if row.type == "range":
            raw = self.survey.value(row.cells, "parameters") or ""
            try:
                parameters = parse_parameters(raw, row.number)
                start, end, step = (int(parameters.get(name, default)) for name, default in (("start", 1), ("end", 10), ("step", 1)))
            except (PyXFormError, ValueError):
                start = end = step = None
            if step != 1 or start is None or start >= end:
                return self.problem("range", row, "parameters", value=raw)
            question.update(min=start, max=end, **self.no_constraint(row))
        else:
            question.update(self.constraint(row, "number"))
        if (unit := self.texts.read(self.survey, row.number, row.cells, UNIT)) is not None:
            question["unit"] = unit
        return self.typed(base, question)

    def no_constraint(self, row: Row) -> dict:
        """Types without a constraint of their own: any constraint is a problem."""
        return self.constraint(row, "none")

    def grid(self, row: Row, group) -> dict | None:
        """A table-list group of select_multiple rows on one list: a rows × columns grid."""
        base = self.common(row, group)
        list_name = RE_SELECT.match(row.children[0].type)["list_name"]
        if list_name not in self.lists:
            return self.problem("unknown_list", row.children[0], "type", list=list_name)
        rows = []
        for child in row.children:
            self.only_columns(child)
            label = self.texts.read(self.survey, child.number, child.cells, "label", required=True)
            if self.key(child) is not None and label is not None:
                rows.append({"key": part_key(row.name or "", child.name), "label": label})
        if base is None or len(rows) < len(row.children):
            return None
        for grid_row in rows:
            self.grid_rows[part_name(base["key"], grid_row["key"])] = (base["key"], grid_row["key"])
        return {**base, "type": "grid", "rows": rows, "columns": self.options(list_name)}

    def consent(self, row: Row, group) -> dict | None:
        """A group of ``acknowledge`` (the statement) and text fields: consent with contact details."""
        base = self.common(row, group)
        agree, *fields = row.children
        self.only_columns(agree, keep="required")
        statement = self.texts.read(self.survey, agree.number, agree.cells, "label", required=True)
        contact_fields = []
        for child in fields:
            if child.children or child.type not in ("text", "string"):
                self.problem("consent_field", child, "type", type=child.type)
                continue
            # ODK asks for the details only after the agreement; the app drops details typed without it.
            relevant = self.survey.value(child.cells, "bind", "relevant") or ""
            if relevant and relevant.replace(" ", "") != f"${{{agree.name}}}='OK'":
                self.problem("unsupported_column", child, "bind", "relevant", column=self.survey.header("bind", "relevant"),
                             value=relevant)
            self.only_columns(child, keep="relevant")
            kind = next((CONTACT_KINDS[a] for a in self.appearance(child) if a in CONTACT_KINDS), "name")
            label = self.texts.read(self.survey, child.number, child.cells, "label", required=True)
            key = part_key(row.name or "", child.name or "")
            if not re.fullmatch(KEY_PATTERN, key) or len(key) > 40:
                self.problem("invalid_name", child, "name", name=child.name or "")
            contact_fields.append({"key": key, "label": label, "kind": kind})
        own = {"type": "consent", "statement": statement, "fields": contact_fields}
        if text := self.survey.value(row.cells, AGE_CHECK):
            check = age_check_of(text)
            if check is None:
                self.problem("age_check", row, AGE_CHECK, value=text)
            else:
                own["age_check"] = check
        if aliases.yes_no.get(self.survey.value(agree.cells, "bind", "required") or ""):
            own["required"] = True
        return self.typed(base, own)

    def only_columns(self, row: Row, keep: str | None = None) -> None:
        """Rows inside a grid or contact group take no condition, constraint or the like of their own."""
        for path in (("bind", "relevant"), ("bind", "required"), ("bind", "constraint"), ("choice_filter",)):
            value = self.survey.value(row.cells, *path)
            if value and path[-1] != keep:
                self.problem("unsupported_column", row, *path, column=self.survey.header(*path), value=value)

    def problem(self, code: str, row: Row, *column: str, **params) -> None:
        """Add a problem placed in a cell of the survey sheet; returns None for ``return self.problem(...)``."""
        self.problems.append(Problem(code, params, self.survey.name, row.number, self.survey.header(*column)))
        return None
