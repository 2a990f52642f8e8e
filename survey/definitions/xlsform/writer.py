"""Write a survey definition as an XLSForm workbook, with a column per language for every text.

The workbook reads back into the same definition (see ``reader``), and converts with pyxform to
an XForm that ODK Collect and Enketo run. Languages passed in ``languages`` get empty columns,
so that a translator fills ``label::Polski (pl)`` and the file is loaded as the next version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..schema import Definition, Question, Text
from .conditions import constraint_from_fields, relevant_from_show_if
from .conventions import (
    AGE_CHECK,
    AREA_TYPE,
    CONSENT_AGREE,
    CONTACT_APPEARANCE,
    GRID_APPEARANCE,
    LONG_TEXT_APPEARANCE,
    PAGE_APPEARANCE,
    PICK,
    SCALE_APPEARANCE,
    UNIT,
    YES_NO,
    age_check_text,
    part_name,
)
from .languages import column_language

ENGLISH_YES_NO = ("Yes", "No")


def write_xlsform(definition: Definition, *, version: int | None = None, languages: Sequence[str] = (),
                  yes_no: Mapping[str, tuple[str, str]] | None = None) -> bytes:
    """The workbook (.xlsx) of a definition.

    :param version: the stored version's number, written to the settings sheet.
    :param languages: further languages to give empty columns, for translating.
    :param yes_no: the app's words for yes and no per language (English where missing).
    """
    writer = _Writer(definition, [*definition.languages, *(c for c in languages if c not in definition.languages)],
                     yes_no or {})
    book = Workbook()
    book.remove(book.active)
    rows = list(writer.survey_rows())
    translated = ["label", "hint"] + [name for name in ("required_message", UNIT) if any(row.get(name) for row in rows)]
    _sheet(book, "survey", ["type", "name"] + writer.columns(translated)
           + ["required", "relevant", "constraint", "appearance", "choice_filter", PICK]
           + ([AGE_CHECK] if any(row.get(AGE_CHECK) for row in rows) else []), rows)
    with_images = any(choice.get("image") for choice in writer.choices)
    _sheet(book, "choices", ["list_name", "name"] + writer.columns(["label"] + (["image"] if with_images else [])),
           writer.choices)
    source = definition.source_language
    _sheet(book, "settings", ["form_title", "form_id", "version", "default_language"],
           [{"form_title": definition.title[source], "form_id": definition.key,
             "version": str(version) if version is not None else None, "default_language": column_language(source)}])
    _sheet(book, "languages", ["language", "review", "title"],
           [{"language": column_language(code), "review": info.review, "title": definition.title.get(code)}
            for code, info in definition.languages.items()]
           + [{"language": column_language(code)} for code in writer.languages if code not in definition.languages])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


class _Writer:
    def __init__(self, definition: Definition, languages: list[str], yes_no: Mapping[str, tuple[str, str]]):
        self.definition, self.languages, self.yes_no = definition, languages, yes_no
        self.choices: list[dict] = []
        questions = definition.questions()
        self.names = {q.key for q in questions} | {s.key for s in definition.sections}
        self.question_keys = {q.key for q in questions}
        self.yes_no_list = self._free("yes_no", self.question_keys)

    def columns(self, fields: list[str]) -> list[str]:
        return [f"{name}::{column_language(code)}" for name in fields for code in self.languages]

    def survey_rows(self) -> Iterator[dict]:
        if self.definition.intro:
            yield {"type": "note", "name": self._free("intro", self.names), **self._text("label", self.definition.intro)}
        for section in self.definition.sections:
            # Names are references in XLSForm, unique across the form: a page beside a question of
            # the same key gets a suffix that the reader takes off again.
            name = section.key if section.key not in self.question_keys else f"{section.key}_section"
            yield {"type": "begin group", "name": name, "appearance": PAGE_APPEARANCE, **self._text("label", section.title)}
            if section.intro:
                yield {"type": "note", "name": self._free(f"{name}_intro", self.names), **self._text("label", section.intro)}
            for question in section.questions:
                yield from self._question(question)
            yield {"type": "end group"}

    def _question(self, q: Question) -> Iterator[dict]:
        row = {"name": q.key, **self._text("label", q.text), **self._text("hint", q.hint),
               **self._text("required_message", q.required_message),
               "relevant": relevant_from_show_if(q, self.definition), "constraint": constraint_from_fields(q)}
        required = "yes" if q.required else None
        if q.type == "grid":
            yield {**row, "type": "begin group", "appearance": GRID_APPEARANCE, "required": required}
            self._list(q.key, q.columns)
            for grid_row in q.rows:
                yield {"type": f"select_multiple {q.key}", "name": part_name(q.key, grid_row.key), **self._text("label", grid_row.label)}
            yield {"type": "end group"}
        elif q.type == "consent":
            agree = part_name(q.key, CONSENT_AGREE)
            yield {**row, "type": "begin group", "appearance": PAGE_APPEARANCE,
                   AGE_CHECK: age_check_text(q.age_check) if q.age_check else None}
            yield {"type": "acknowledge", "name": agree, "required": required, **self._text("label", q.statement)}
            for field in q.fields:
                yield {"type": "text", "name": part_name(q.key, field.key), "appearance": CONTACT_APPEARANCE[field.kind],
                       "relevant": f"${{{agree}}} = 'OK'", **self._text("label", field.label)}
            yield {"type": "end group"}
        else:
            yield {**row, "required": required, **self._typed(q)}

    def _typed(self, q: Question) -> dict:
        """The type column and the columns of a question's own type."""
        if q.type == "area":
            return {"type": AREA_TYPE}
        if q.type == "single":
            return {"type": f"select_one {self._list(q.key, q.options)}"}
        if q.type == "multiple":
            return {"type": f"select_multiple {self._list(q.key, q.options)}{' or_other' if q.other else ''}"}
        if q.type == "ranking":
            if q.choices_from:
                return {"type": f"rank {q.choices_from}", "choice_filter": f"selected(${{{q.choices_from}}}, name)", PICK: q.pick}
            return {"type": f"rank {self._list(q.key, q.options)}", PICK: q.pick}
        if q.type == "number":
            return {"type": "integer", **self._text(UNIT, q.unit)}
        if q.type == "scale":
            self.choices += [self._choice(q.key, str(n), {c: str(n) for c in self.languages}) for n in range(q.min, q.max + 1)]
            self.choices[-(q.max - q.min + 1)]["label"] = q.min_label
            self.choices[-1]["label"] = q.max_label
            return {"type": f"select_one {q.key}", "appearance": SCALE_APPEARANCE}
        if q.type == "yesno":
            if not any(choice["list_name"] == self.yes_no_list for choice in self.choices):
                for index, key in enumerate(YES_NO):
                    words = {code: self.yes_no.get(code, ENGLISH_YES_NO)[index] for code in self.languages}
                    self.choices.append(self._choice(self.yes_no_list, key, words))
            return {"type": f"select_one {self.yes_no_list}"}
        return {"type": "text", "appearance": LONG_TEXT_APPEARANCE if q.type == "longtext" else None}

    def _list(self, name: str, options) -> str:
        self.choices += [self._choice(name, option.key, option.label, option.image) for option in options]
        return name

    def _choice(self, list_name: str, key: str, label: Text, image: str | None = None) -> dict:
        return {"list_name": list_name, "name": key, "label": label, "image": image}

    def _text(self, name: str, text: Text | None) -> dict:
        return {name: text} if text else {}

    @staticmethod
    def _free(name: str, taken: set[str]) -> str:
        """``name``, or ``name_2``… when a question or page already has it."""
        candidate, number = name, 2
        while candidate in taken:
            candidate, number = f"{name}_{number}", number + 1
        return candidate


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[dict]) -> None:
    """A sheet with a header row; a translated value (a dict) fills one column per language."""
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        values = []
        for header in headers:
            name, _, language = header.partition("::")
            value = row.get(name)
            # A text has one column per language; a picture is the same in every language.
            values.append(value.get(_code(language)) if isinstance(value, dict) else value)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text, not a formula
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        wide = header.startswith(("label", "hint", "required_message", "relevant", "title"))
        sheet.column_dimensions[get_column_letter(index)].width = 40 if wide else 16


def _code(column_language_name: str) -> str:
    """``nl`` from ``Nederlands (nl)``."""
    return column_language_name.rsplit("(", 1)[-1].rstrip(")")
