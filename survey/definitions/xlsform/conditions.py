"""XLSForm ``relevant`` and ``constraint`` expressions, to and from what a definition can say.

Conditions: a question's ``show_if`` is a list of clauses of which any must hold, each on one
earlier question: one of some options chosen (``selected(${q}, 'x')``, ``${q} = 'x'``) or the
question answered (``${q} != ''``) or not (``${q} = ''``). So ``or`` of those is understood,
``not(...)`` only around an answered test, and ``and`` not at all: :func:`show_if_from_relevant`
is the one place to change when conditions learn more.

Constraints: the few that match a definition field (a number's range, a text's length, how many
choices, a choice that excludes the others); any other constraint cannot be checked by the app.
"""

from __future__ import annotations

from collections.abc import Callable

from ..schema import Definition, Question
from .conventions import part_name
from .expressions import ExpressionSyntaxError, Node, and_terms, parse

# What a name in ``${name}`` refers to: (question key, grid row key or None), or None if unknown.
Resolve = Callable[[str], "tuple[str, str | None] | None"]


class ExpressionError(ValueError):
    """An expression this app cannot honour; ``code`` and ``params`` make the problem."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


def show_if_from_relevant(expression: str, resolve: Resolve) -> tuple[dict, ...]:
    """The ``show_if`` clauses that a ``relevant`` expression means.

    :raise ExpressionError: for what ``show_if`` cannot express, or a reference to no earlier question.
    """
    try:
        tree = parse(expression)
    except ExpressionSyntaxError:
        raise ExpressionError("condition_syntax") from None
    clauses: list[dict] = []
    for part in tree.children if tree.kind == "or" else (tree,):
        clause = _clause(part, resolve)
        previous = clauses[-1] if clauses else None
        # selected(${q}, 'a') or selected(${q}, 'b') is one clause: q is a or b.
        if previous and previous["question"] == clause["question"] and "any_of" in previous and "any_of" in clause:
            previous["any_of"] = [*previous["any_of"], *clause["any_of"]]
        elif previous != clause:
            clauses.append(clause)
    return tuple(clauses)


def _clause(node: Node, resolve: Resolve) -> dict:
    if node.kind == "and":
        raise ExpressionError("condition_and")
    if node.kind == "call" and node.value == "not":
        answered = _answered(node.children[0], resolve) if len(node.children) == 1 else None
        if answered is None:
            raise ExpressionError("condition_not")
        return {**answered, "answered": not answered["answered"]}
    if (answered := _answered(node, resolve)) is not None:
        return answered
    if node.kind == "call" and node.value == "selected" and len(node.children) == 2:
        reference, choice = node.children
    elif node.kind == "compare" and node.value == "=":
        reference, choice = sorted(node.children, key=lambda child: child.kind != "ref")
    else:
        raise ExpressionError("condition_syntax")
    if reference.kind != "ref" or choice.kind != "text":
        raise ExpressionError("condition_syntax")
    question, grid_row = _question(reference, resolve)
    return {"question": question, "any_of": [f"{grid_row}:{choice.value}" if grid_row else choice.value]}


def _answered(node: Node, resolve: Resolve) -> dict | None:
    """``{question, answered}`` for ``${q} != ''``, ``${q} = ''`` and ``string-length(${q}) > 0``."""
    if node.kind != "compare":
        return None
    left, right = node.children
    if left.kind == "ref" and right.kind == "text" and right.value == "" and node.value in ("=", "!="):
        return {"question": _question(left, resolve)[0], "answered": node.value == "!="}
    counted = left.kind == "call" and left.value in ("string-length", "count-selected") and len(left.children) == 1
    if counted and left.children[0].kind == "ref" and right.kind == "number":
        if (node.value, right.value) in ((">", "0"), (">=", "1")):
            return {"question": _question(left.children[0], resolve)[0], "answered": True}
    return None


def _question(reference: Node, resolve: Resolve) -> tuple[str, str | None]:
    found = resolve(reference.value)
    if found is None:
        raise ExpressionError("condition_reference", name=reference.value)
    return found


def relevant_from_show_if(question: Question, definition: Definition) -> str | None:
    """The ``relevant`` expression of a question's ``show_if`` (``None`` when it has none)."""
    parts = []
    for clause in question.show_if or ():
        source = definition.question(clause.question)
        if clause.any_of is not None:
            for key in clause.any_of:
                if source.type == "grid":
                    row, _, column = key.partition(":")
                    parts.append(f"selected(${{{part_name(source.key, row)}}}, '{column}')")
                elif source.type in ("multiple", "ranking"):
                    parts.append(f"selected(${{{source.key}}}, '{key}')")
                else:
                    parts.append(f"${{{source.key}}} = '{key}'")
        else:
            names = [part_name(source.key, row.key) for row in source.rows] if source.type == "grid" else [source.key]
            parts += [f"${{{name}}} {'!=' if clause.answered else '='} ''" for name in names]
    return " or ".join(parts) or None


# The constraints each type understands, as written in the export (and named in problems).
SUPPORTED_CONSTRAINTS = {
    "number": ". >= 0 and . <= 120",
    "text": "string-length(.) <= 200",
    "longtext": "string-length(.) <= 2000",
    "multiple": "count-selected(.) <= 3, not(selected(., 'none') and count-selected(.) > 1)",
}


def fields_from_constraint(expression: str, question_type: str) -> dict:
    """The definition fields a constraint sets, e.g. ``{"min": 0, "max": 120}`` for a number.

    :raise ExpressionError: for a constraint that is not one of the supported shapes.
    """
    fields: dict = {}
    try:
        terms = and_terms(parse(expression))
    except ExpressionSyntaxError:
        terms = None
    for term in terms or (None,):
        found = _constraint_term(term, question_type) if term is not None else None
        if found is None:
            raise ExpressionError("constraint", supported=SUPPORTED_CONSTRAINTS.get(question_type, "none"))
        name, value = found
        if name == "exclusive":
            fields["exclusive"] = [*fields.get("exclusive", []), value]
        else:
            fields[name] = value
    return fields


def _constraint_term(term: Node, question_type: str) -> tuple[str, object] | None:
    if question_type == "multiple" and term.kind == "call" and term.value == "not" and len(term.children) == 1:
        inner = term.children[0]
        if inner.kind == "and" and len(inner.children) == 2:
            chosen, counted = inner.children
            if (chosen.kind == "call" and chosen.value == "selected" and [c.kind for c in chosen.children] == ["self", "text"]
                    and _bound(counted, "count-selected") == (">", 1)):
                return "exclusive", chosen.children[1].value
        return None
    if question_type == "number":
        bound = _bound(term, None)
        if bound is not None:
            operator, number = bound
            return {">=": ("min", number), ">": ("min", number + 1), "<=": ("max", number), "<": ("max", number - 1)}.get(operator)
        return None
    function, name = {"multiple": ("count-selected", "max_choices"), "text": ("string-length", "max_length"),
                      "longtext": ("string-length", "max_length")}.get(question_type, (None, None))
    bound = _bound(term, function) if function else None
    if bound is not None and bound[0] in ("<=", "<"):
        return name, bound[1] - (bound[0] == "<")
    return None


def _bound(node: Node, function: str | None) -> tuple[str, int] | None:
    """``(operator, whole number)`` of ``. >= 3`` (function None) or ``count-selected(.) <= 3``."""
    if node.kind != "compare":
        return None
    left, right = node.children
    flipped = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
    operator = node.value
    if left.kind == "number":
        left, right, operator = right, left, flipped.get(operator, operator)
    if function is None:
        subject = left.kind == "self"
    else:
        subject = left.kind == "call" and left.value == function and [c.kind for c in left.children] == ["self"]
    if not subject or right.kind != "number" or operator not in flipped:
        return None
    try:
        return operator, int(right.value)
    except ValueError:
        return None


def constraint_from_fields(question: Question) -> str | None:
    """The constraint that writes a question's range, length or choice limits (``None`` when none)."""
    if question.type == "number":
        return f". >= {question.min} and . <= {question.max}"
    if question.type in ("text", "longtext") and question.max_length:
        return f"string-length(.) <= {question.max_length}"
    if question.type == "multiple":
        parts = [f"count-selected(.) <= {question.max_choices}"] if question.max_choices else []
        parts += [f"not(selected(., '{key}') and count-selected(.) > 1)" for key in question.exclusive]
        return " and ".join(parts) or None
    return None
