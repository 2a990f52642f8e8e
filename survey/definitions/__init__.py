"""Survey definitions: the file format, its validation and the question types (pure, no Flask)."""

from .loader import DefinitionError, load_definition, parse_definition
from .schema import Definition, Option, Question, Section
from .types import QUESTION_TYPES, AnswerRow, question_type

__all__ = [
    "AnswerRow",
    "Definition",
    "DefinitionError",
    "Option",
    "QUESTION_TYPES",
    "Question",
    "Section",
    "load_definition",
    "parse_definition",
    "question_type",
]
