"""Reads of areas."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Area, AreaKind, Postcode


def area_by_key(key: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.key == key))


def districts_with_neighbourhoods(only_ids: set[int] | None = None) -> list[tuple[Area, list[Area]]]:
    """Districts in name order, each with its neighbourhoods (limited to ``only_ids`` if given)."""
    districts = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.DISTRICT).order_by(Area.name).options(selectinload(Area.children))
    )
    grouped = []
    for district in districts:
        children = [n for n in district.children if only_ids is None or n.id in only_ids]
        if children:
            grouped.append((district, children))
    return grouped


def search_neighbourhoods(query: str, only_ids: set[int] | None = None) -> list[Area]:
    """Neighbourhoods whose name contains ``query``, or whose postcode table holds it."""
    cleaned = "".join(query.split()).upper()
    matches = []
    if len(cleaned) == 6 and cleaned[:4].isdigit() and cleaned[4:].isalpha():
        matches = list(
            db.session.scalars(select(Area).join(Postcode, Postcode.neighbourhood_id == Area.id).where(Postcode.postcode == cleaned))
        )
    if not matches:
        pattern = f"%{query.lower()}%"
        matches = list(
            db.session.scalars(
                select(Area)
                .where(Area.kind == AreaKind.NEIGHBOURHOOD, func.lower(Area.name).like(pattern))
                .order_by(Area.name)
            )
        )
    return [area for area in matches if only_ids is None or area.id in only_ids]


def city() -> Area | None:
    return db.session.scalar(select(Area).where(Area.kind == AreaKind.CITY))
