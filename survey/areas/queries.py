"""Reads of areas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Area, AreaKind, Postcode
from .names import matching


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
    """Neighbourhoods whose name the query means (names.py), or whose postcode table holds it."""
    cleaned = "".join(query.split()).upper()
    matches = []
    if len(cleaned) == 6 and cleaned[:4].isdigit() and cleaned[4:].isalpha():
        matches = list(
            db.session.scalars(select(Area).join(Postcode, Postcode.neighbourhood_id == Area.id).where(Postcode.postcode == cleaned))
        )
    if not matches:
        # A few dozen names: compared in Python, with the same forgiving key as the page's script.
        hoods = {area.id: area for area in db.session.scalars(select(Area).where(Area.kind == AreaKind.NEIGHBOURHOOD))}
        found = matching(query, {area_id: area.name for area_id, area in hoods.items()})
        matches = sorted((hoods[area_id] for area_id in found), key=lambda area: area.name)
    return [area for area in matches if only_ids is None or area.id in only_ids]


def postcodes_loaded() -> bool:
    """Whether a table of postcodes was loaded (none ships): only then may the search offer them."""
    return db.session.scalar(select(Postcode.postcode).limit(1)) is not None


def city() -> Area | None:
    return db.session.scalar(select(Area).where(Area.kind == AreaKind.CITY))
