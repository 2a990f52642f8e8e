"""Areas form one tree: the city, its districts (stadsdelen) and their neighbourhoods (buurten)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import enum_values


class AreaKind(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    NEIGHBOURHOOD = "neighbourhood"


class Area(db.Model):
    """A place addressed by a stable key (``wyckerpoort``, ``oost``, ``maastricht``)."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[AreaKind] = mapped_column(Enum(AreaKind, native_enum=False, length=20, values_callable=enum_values))
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    # Official codes, only where a source showed them; never guessed.
    cbs_code: Mapped[str | None] = mapped_column(String(12))
    cbs_wijk: Mapped[str | None] = mapped_column(String(12))
    # Residents asked for a (new) meeting place here.
    place_requested: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")
    venues: Mapped[list[Venue]] = relationship(back_populates="neighbourhood", order_by="Venue.name")

    def __repr__(self) -> str:
        return f"<Area {self.key}>"


class Venue(db.Model):
    """A community centre, walk-in living room or social restaurant."""

    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    source: Mapped[str | None] = mapped_column(String(40))

    neighbourhood: Mapped[Area | None] = relationship(back_populates="venues")


class Postcode(db.Model):
    """A 6-character postcode (``6221AB``) mapped to its neighbourhood; none ships by default."""

    __tablename__ = "postcode"

    postcode: Mapped[str] = mapped_column(String(6), primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
