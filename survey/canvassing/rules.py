"""What the interview page's script needs to know of a definition to check answers offline (pure).

The server checks every answer again when the interview arrives (``responses.flow``); this lets
the canvasser find a missing or impossible answer while the resident is still at the door.
"""

from __future__ import annotations

from ..definitions import Definition


def interview_rules(definition: Definition) -> list[dict]:
    rules = []
    for index, section in enumerate(definition.sections):
        for question in section.questions:
            rule = {"key": question.key, "type": question.type, "section": index, "required": question.required}
            if question.show_if:
                rule["show_if"] = [clause.model_dump(exclude_none=True) for clause in question.show_if]
            if question.exclusive:
                rule["exclusive"] = list(question.exclusive)
            if question.max_choices:
                rule["max_choices"] = question.max_choices
            if question.type == "ranking":
                rule["choices_from"] = question.choices_from
                rule["pick"] = question.pick
            if question.type in ("number", "scale"):
                rule["min"], rule["max"] = question.min, question.max
            if question.type == "consent":
                rule["fields"] = {field.key: field.kind for field in question.fields}
                check = question.age_check
                rule["age_check"] = ({"question": check.question, "below": list(check.below), "unsure": list(check.unsure),
                                      "min_age": check.min_age} if check else None)
            rules.append(rule)
    return rules
