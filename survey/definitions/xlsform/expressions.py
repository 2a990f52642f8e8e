"""A parser for the small part of XPath that XLSForm conditions and constraints use here.

pyxform's lexer splits an expression into tokens; this module builds a tree of them, so that
conditions (``relevant``) and constraints can be matched against the shapes this app supports.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyxform.parsing.expression import parse_expression


class ExpressionSyntaxError(ValueError):
    """An expression that is not written in the shapes this parser reads."""


@dataclass(frozen=True)
class Node:
    """``kind`` is or, and, compare, call, ref (``${name}``), self (``.``), text or number."""

    kind: str
    value: str = ""  # the operator, function, name, text or number
    children: tuple[Node, ...] = ()


def parse(expression: str) -> Node:
    """The tree of an expression.

    :raise ExpressionSyntaxError: for anything outside the grammar (paths, arithmetic, ...).
    """
    try:
        tokens = _joined_comparisons([t for t in parse_expression(expression) if t.type != "WHITESPACE"])
    except Exception as error:  # noqa: BLE001 - lark's errors have no common base worth naming here
        raise ExpressionSyntaxError(str(error)) from None
    parser = _Parser(tokens)
    node = parser.boolean()
    if parser.position != len(tokens):
        raise ExpressionSyntaxError(f"unexpected {tokens[parser.position].value!r}")
    return node


def _joined_comparisons(tokens):
    """pyxform's lexer reads ``<=`` as ``<`` and ``=``; join them again."""
    joined = []
    for token in tokens:
        previous = joined[-1] if joined else None
        if (token.type == "OPS_COMP" and token.value == "=" and previous is not None and previous.type == "OPS_COMP"
                and previous.value in "<>" and previous.end_pos == token.start_pos):
            joined[-1] = previous.update(value=previous.value + "=")
        else:
            joined.append(token)
    return joined


def and_terms(node: Node) -> tuple[Node, ...]:
    """The parts of a top-level ``and`` (a single part when there is none)."""
    return node.children if node.kind == "and" else (node,)


class _Parser:
    def __init__(self, tokens):
        self.tokens, self.position = tokens, 0

    def _peek(self, *types):
        token = self.tokens[self.position] if self.position < len(self.tokens) else None
        return token if token is not None and (not types or token.type in types) else None

    def _take(self, *types):
        token = self._peek(*types)
        if token is None:
            found = self._peek()
            raise ExpressionSyntaxError(f"unexpected {found.value!r}" if found else "the expression ends too early")
        self.position += 1
        return token

    def boolean(self, operator: str = "or") -> Node:
        """``a or b or c``, whose parts are ``x and y`` (and binds tighter, as in XPath)."""
        parts = [self.boolean("and") if operator == "or" else self.comparison()]
        while (token := self._peek("OPS_BOOL")) and token.value.strip() == operator:
            self.position += 1
            parts.append(self.boolean("and") if operator == "or" else self.comparison())
        return parts[0] if len(parts) == 1 else Node(operator, children=tuple(parts))

    def comparison(self) -> Node:
        left = self.primary()
        if operator := self._peek("OPS_COMP"):
            self.position += 1
            return Node("compare", operator.value, (left, self.primary()))
        return left

    def primary(self) -> Node:
        token = self._take("FUNC_CALL", "OPEN_PAREN", "PYXFORM_REF", "SELF_REF", "SYSTEM_LITERAL", "NUMBER")
        if token.type == "FUNC_CALL":
            args = []
            if not self._peek("CLOSE_PAREN"):
                args.append(self.boolean())
                while self._peek("COMMA"):
                    self.position += 1
                    args.append(self.boolean())
            self._take("CLOSE_PAREN")
            return Node("call", token.value[:-1].strip(), tuple(args))
        if token.type == "OPEN_PAREN":
            inner = self.boolean()
            self._take("CLOSE_PAREN")
            return inner
        if token.type == "PYXFORM_REF":
            return Node("ref", token.value[2:-1])
        if token.type == "SELF_REF":
            return Node("self")
        if token.type == "SYSTEM_LITERAL":
            return Node("text", token.value[1:-1])
        return Node("number", token.value)
