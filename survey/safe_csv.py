"""CSV files that spreadsheet programs open safely (pure): UTF-8 with a BOM, and no cell that a
spreadsheet would run as a formula (as the dashboards' exports, see dashboards/exports.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .dashboards.exports import looks_like_formula


def safe_cell(value):
    """Text that starts like a formula gets a leading apostrophe, so it is read as text; None is empty."""
    if value is None:
        return ""
    return "'" + value if looks_like_formula(value) else value


def to_csv(rows: Iterable[Iterable]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()  # the BOM makes spreadsheet programs read UTF-8
