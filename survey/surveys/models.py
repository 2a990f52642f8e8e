"""A survey has versions; a round asks one version, for a while, in some areas and languages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, UniqueConstraint, exists, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Area
from ..definitions import Definition
from ..extensions import db

round_area = Table(
    "round_area",
    db.metadata,
    Column("round_id", ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
    # How many responses the round hopes for in this neighbourhood (for monitoring); none set: None.
    Column("target", Integer, nullable=True),
)


class Survey(db.Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)

    versions: Mapped[list[SurveyVersion]] = relationship(back_populates="survey", order_by="SurveyVersion.number")


class SurveyVersion(db.Model):
    """One loaded definition file, never changed once stored: a changed file is a new version."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "checksum"), UniqueConstraint("survey_id", "number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    number: Mapped[int]
    checksum: Mapped[str] = mapped_column(String(64))
    # Loaded only when a definition is not in the cache yet (it is tens of kilobytes of JSON).
    content: Mapped[dict] = mapped_column(JSON, deferred=True)
    loaded_on: Mapped[dt.date] = mapped_column(default=dt.date.today)

    survey: Mapped[Survey] = relationship(back_populates="versions")

    @property
    def definition(self) -> Definition:
        """The parsed definition, cached per process: a stored version never changes."""
        key = (self.id, self.checksum)
        definition = _DEFINITIONS.get(key)
        if definition is None:
            definition = _DEFINITIONS[key] = Definition.model_validate(self.content)
        return definition


_DEFINITIONS: dict[tuple[int, str], Definition] = {}


# Rounds fall within these days: a typo such as 0001-01-01 would make a round's dashboards count
# its responses by month over two thousand years.
FIRST_ROUND_DAY = dt.date(2000, 1, 1)
LAST_ROUND_DAY = dt.date(2099, 12, 31)


class SurveyRound(db.Model):
    """A survey asked from ``opens_on`` to ``closes_on`` (inclusive) in some neighbourhoods."""

    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    opens_on: Mapped[dt.date]
    closes_on: Mapped[dt.date]
    # The languages this round offers, a subset of the definition's; Dutch first by default.
    languages: Mapped[list[str]] = mapped_column(JSON)
    results_public: Mapped[bool] = mapped_column(default=False)
    # A readable title per language ({"nl": "Wat wil jij in jouw buurt? 2026"}), shown to staff
    # instead of the key; None: the survey's own title.
    title: Mapped[dict | None] = mapped_column(JSON)
    # An archived round is done with: no longer listed among current work, its figures kept.
    archived_on: Mapped[dt.date | None]

    version: Mapped[SurveyVersion] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=round_area, order_by=Area.name)

    @property
    def definition(self) -> Definition:
        return self.version.definition

    def title_in(self, lang: str) -> str:
        """The round's readable title in a language (its own, else the survey's), for staff pages."""
        from ..definitions.schema import pick

        if self.title:
            return pick(self.title, lang, self.definition.source_language)
        return self.definition.text(self.definition.title, lang)

    def asks_in(self, area: Area) -> bool:
        """Whether the round asks residents of this neighbourhood (one query, not all areas)."""
        return db.session.scalar(
            select(exists().where(round_area.c.round_id == self.id, round_area.c.area_id == area.id))
        )

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.opens_on <= today <= self.closes_on
