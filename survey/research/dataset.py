"""The researchers' data: one row per response, and the files it is written to (pure but for the
.sav writer, which needs a temporary file).

A row holds codes (see codebook.py), never an id, a receipt, a day or the order the responses
were stored in: the caller shuffles the responses, and ``month`` is the finest time there is.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..safe_csv import to_csv
from .codebook import NUMERIC, STRING, Variable, label_in


@dataclass(frozen=True)
class StoredResponse:
    """What the export may read of a stored response, and nothing more."""

    area: str  # neighbourhood key
    district: str
    channel: str
    language: str
    month: str  # "2026-11"
    version: int
    # (question, option, rank, number, text, text_approved) per stored answer row
    answers: tuple[tuple, ...]


def row_of(response: StoredResponse, variables: list[Variable]) -> dict:
    """The values of one response: codes, numbers, approved texts, or None where not answered."""
    rows = defaultdict(list)
    for answer in response.answers:
        rows[answer[0]].append(answer)
    codes = {variable.name: {value.key: value.code for value in variable.values} for variable in variables}
    found = {}
    for variable in variables:
        kind, *args = variable.source
        found[variable.name] = _value(kind, args, variable, codes[variable.name], response, rows.get(variable.question, []))
    return found


def _value(kind, args, variable, codes, response, answers):
    own = {"area": response.area, "district": response.district, "channel": response.channel, "language": response.language}
    if kind in own:
        return codes.get(own[kind])
    if kind == "month":
        return response.month
    if kind == "version":
        return response.version
    if not answers:
        return None  # not answered (or not asked): missing, not "no"
    if kind == "option":
        return codes.get(answers[0][1])
    if kind == "has_option":
        return int(any(answer[1] == args[0] for answer in answers))
    if kind == "rank":
        return next((codes.get(answer[1]) for answer in answers if answer[2] == args[0]), None)
    if kind == "number":
        return answers[0][3]
    if kind == "yes":
        return 1 if answers[0][1] == "yes" else 0
    if kind == "approved_text":
        return next((answer[4] for answer in answers if answer[5] is True and answer[4]), None)
    raise ValueError(f"unknown source {kind!r}")


def data_csv(variables: list[Variable], rows: Iterable[dict], lang: str, fallback: str) -> str:
    """One column per variable with its code, and beside each coded single variable its label."""
    labelled = {v.name: {value.code: label_in(value.label, lang, fallback) for value in v.values}
                for v in variables if v.values and not _is_dichotomy(v)}
    header = []
    for variable in variables:
        header.append(variable.name)
        if variable.name in labelled:
            header.append(f"{variable.name}_label")
    lines = [header]
    for row in rows:
        line = []
        for variable in variables:
            value = row[variable.name]
            line.append(value)
            if variable.name in labelled:
                line.append(labelled[variable.name].get(value, "") if value is not None else "")
        lines.append(line)
    return to_csv(lines)


def fit(text: str, limit: int) -> str:
    """A label cut to SPSS's limit in bytes (UTF-8), never in the middle of a character."""
    return text.encode()[:limit].decode(errors="ignore")


def _is_dichotomy(variable: Variable) -> bool:
    return [value.key for value in variable.values] == ["not_chosen", "chosen"]


def codebook_csv(variables: list[Variable], languages: list[str], headings: dict[str, str]) -> str:
    """The codebook: a line per variable (its label in every language), then a line per code."""
    lines = [[headings["variable"], headings["question"], headings["type"], headings["storage"], headings["code"],
              headings["key"], *[f"{headings['label']} ({lang})" for lang in languages]]]
    for variable in variables:
        lines.append([variable.name, variable.question or "", variable.qtype, variable.storage, "", "",
                      *[label_in(variable.label, lang, languages[0]) for lang in languages]])
        for value in variable.values:
            lines.append([variable.name, variable.question or "", "", "", value.code, value.key,
                          *[label_in(value.label, lang, languages[0]) for lang in languages]])
    return to_csv(lines)


def data_sav(variables: list[Variable], rows: list[dict], lang: str, fallback: str, file_label: str) -> bytes:
    """The data as an SPSS .sav file with variable labels, value labels and measurement levels."""
    import pandas as pd
    import pyreadstat

    columns = {}
    for variable in variables:
        values = [row[variable.name] for row in rows]
        if variable.storage == STRING:
            columns[variable.name] = pd.Series([value or "" for value in values], dtype="object")
        else:
            columns[variable.name] = pd.Series([float("nan") if value is None else float(value) for value in values],
                                               dtype="float64")
    frame = pd.DataFrame(columns, columns=[variable.name for variable in variables])
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame, path, file_label=fit(file_label, 64),
            column_labels={v.name: fit(label_in(v.label, lang, fallback), 256) for v in variables},
            variable_value_labels={v.name: {float(value.code): fit(label_in(value.label, lang, fallback), 120)
                                            for value in v.values} for v in variables if v.values and v.storage == NUMERIC},
            variable_measure={v.name: v.measure for v in variables if v.storage == NUMERIC},
        )
        with open(path, "rb") as saved:
            return saved.read()
    finally:
        os.unlink(path)
