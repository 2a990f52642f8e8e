"""Surveys as XLSForm spreadsheets (https://xlsform.org), in and out; pure, no Flask.

How each question type is written is described in docs/survey-format.md and in ``conventions``.
"""

from .reader import read_xlsform
from .workbook import MAX_BYTES, XLSFORM_SUFFIXES
from .writer import write_xlsform

__all__ = ["MAX_BYTES", "XLSFORM_SUFFIXES", "read_xlsform", "write_xlsform"]
