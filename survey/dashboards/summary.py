"""One area's dashboard as plain data: what pages, exports and the JSON API all show (pure).

Built from protected counts (queries.Protected) and the survey definition; every count passes
through suppression.label / published / percentage here and nowhere else.
"""

from __future__ import annotations

from .suppression import MIN_BREAKDOWN, Status, label, percentage, published
from .tables import ALL, N, survey_questions

PROFILE_DIMS = ("channel", "language", "age_group", "period")


def count_entry(value: int, status: Status) -> dict:
    return {"count": published(status, value), "display": label(status, value), "status": status.value}


def _option(key, text, cell, base, city_cell=None, city_base=None) -> dict:
    value, status = cell
    entry = {"key": key, "label": text, **count_entry(value, status),
             "percent": percentage(value, status, base[0], base[1])}
    if city_cell is not None:
        entry["city_percent"] = percentage(city_cell[0], city_cell[1], city_base[0], city_base[1])
    return entry


def _ordered(options: list[dict], by_size: bool) -> list[dict]:
    """Most chosen first where that helps; hidden counts keep the survey's order at the end, so
    that the order says nothing about them."""
    if not by_size:
        return options
    shown = sorted((o for o in options if o["count"] is not None), key=lambda o: -o["count"])
    return shown + [o for o in options if o["count"] is None]


def build_summary(protected, definition, survey_round, area, view_filter, lang: str, city_key: str | None,
                  profiles: dict | None = None, labels: dict | None = None) -> dict:
    """The dashboard of ``area`` (an Area) under ``view_filter`` (queries.Filter) in ``lang``.

    :param profiles: per filter dimension, protected response counts (unfiltered views only).
    :param labels: interface words the definition does not hold: per dimension a mapping of
        value to name, and ``"other"``, ``"yes"``, ``"no"``.
    """
    labels = labels or {}
    column = view_filter.column
    responses = protected.cell(area.key, column, N)
    compare = city_key is not None and city_key != area.key
    breakdown = responses[1] is Status.SHOWN and responses[0] >= MIN_BREAKDOWN
    summary = {
        "survey": survey_round.key,
        "area": {"key": area.key, "name": area.name, "kind": area.kind.value},
        "filter": {"dimension": view_filter.dim, "value": view_filter.value} if view_filter.dim else None,
        "language": lang,
        "responses": count_entry(*responses),
        "breakdown": breakdown,
        "compared_with": city_key if compare else None,
        "profiles": {},
        "questions": [],
    }
    if profiles:
        for dim, dim_protected in profiles.items():
            names = labels.get(dim, {})
            summary["profiles"][dim] = [
                _option(value, names.get(value, value), dim_protected.cell(area.key, value, N), responses)
                for value in dim_protected.columns if value != ALL
            ]
    if not breakdown:
        return summary
    counted = {key for key, _type, _options in survey_questions(definition)}
    for question in definition.questions():
        if question.key in counted:
            summary["questions"].append(
                _question(protected, definition, question, area.key, column, lang, city_key if compare else None, labels))
    summary["highlights"] = highlights(summary["questions"])
    return summary


def highlights(questions: list[dict]) -> list[dict]:
    """At a glance: the answers most chosen per question (the first multiple choice: its top 3),
    only among shown percentages."""
    found, first_multiple = [], True
    for question in questions:
        if question["type"] not in ("multiple", "ranking", "grid"):
            continue
        cells = [c for row in question["cells"] for c in row] if question["type"] == "grid" else question["options"]
        ranked = sorted((c for c in cells if c["percent"] is not None and c["key"] != "other"), key=lambda c: -c["percent"])
        take = 3 if question["type"] == "multiple" and first_multiple else 1
        first_multiple = first_multiple and question["type"] != "multiple"
        if ranked:
            found.append({"question": question["text"], "key": question["key"],
                          "answers": [{"label": c["label"], "percent": c["percent"]} for c in ranked[:take]]})
    return found


def _question(protected, definition, question, area_key, column, lang, city_key, labels) -> dict:
    text = definition.text
    base_measure = (question.key, "", 0)
    base = protected.cell(area_key, column, base_measure)
    city_base = protected.cell(city_key, column, base_measure) if city_key else None
    entry = {"key": question.key, "type": question.type, "text": text(question.text, lang),
             "base": count_entry(*base), "options": []}

    def cell(option_key, area=area_key):
        return protected.cell(area, column, (question.key, option_key, 0))

    if question.type == "grid":
        rows, columns = question.rows, question.columns
        entry["rows"] = [{"key": r.key, "label": text(r.label, lang)} for r in rows]
        entry["columns"] = [{"key": c.key, "label": text(c.label, lang)} for c in columns]
        entry["cells"] = [
            [_option(f"{r.key}:{c.key}", f"{text(r.label, lang)} · {text(c.label, lang)}", cell(f"{r.key}:{c.key}"), base)
             for c in columns] for r in rows
        ]
        return entry
    options = [(o.key, text(o.label, lang)) for o in definition.options_of(question)]
    if question.type == "multiple" and question.other:
        options.append(("other", labels.get("other", "other")))
    if question.type == "yesno":
        options = [("yes", labels.get("yes", "yes")), ("no", labels.get("no", "no"))]
    entry["options"] = _ordered(
        [_option(key, label_text or key, cell(key), base,
                 cell(key, city_key) if city_key else None, city_base) for key, label_text in options],
        by_size=question.type in ("multiple", "ranking"),
    )
    return entry
