"""Reads for the admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import case, func, select

from ..extensions import db
from ..i18n import Language, languages, translations_dir
from ..responses.models import Response
from ..surveys.models import SurveyRound


@dataclass(frozen=True)
class LanguageStatus:
    language: Language
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated == self.total


@cache
def _catalog_counts(path: str, modified: float) -> tuple[int, int]:
    with open(path, "rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    done = sum(1 for m in messages if (all(m.string) if isinstance(m.string, tuple) else m.string) and not m.fuzzy)
    return done, len(messages)


def interface_languages() -> list[LanguageStatus]:
    """Each interface language with how much of the catalog is translated."""
    statuses = []
    for code, language in languages().items():
        po = Path(translations_dir(), code, "LC_MESSAGES", "messages.po")
        if po.is_file():
            done, total = _catalog_counts(str(po), po.stat().st_mtime)
        else:  # the source language: the texts in the code are English
            done = total = 1
        statuses.append(LanguageStatus(language, done, total))
    return statuses


def rounds_with_counts() -> list[tuple[SurveyRound, int, int]]:
    """Every round with its responses, and how many of them are demo data."""
    counts = {round_id: (total, demo or 0) for round_id, total, demo in db.session.execute(
        select(Response.round_id, func.count(), func.sum(case((Response.is_demo.is_(True), 1), else_=0)))
        .group_by(Response.round_id)).all()}
    rounds = db.session.scalars(select(SurveyRound).order_by(SurveyRound.opens_on.desc()))
    return [(survey_round, *counts.get(survey_round.id, (0, 0))) for survey_round in rounds]
