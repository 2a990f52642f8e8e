"""Import areas and venues from a reference file (the format of ``data/maastricht.yaml``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select

from ..extensions import db
from .models import Area, AreaKind, Postcode, Venue

KEY = re.compile(r"^[a-z][a-z0-9-]*$")


class AreaFileError(ValueError):
    """A reference file that cannot be imported; nothing of it was stored."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def import_reference_file(path: str | Path) -> ImportReport:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise AreaFileError(f"{Path(path).name}: cannot be read: {error}") from error
    return import_reference(data, Path(path).name)


def import_reference(data: dict, source: str = "areas") -> ImportReport:
    """Create or update the city, its districts, neighbourhoods and venues, matched by key.

    :raise AreaFileError: listing every problem; nothing is written then.
    """
    problems = _problems(data)
    if problems:
        raise AreaFileError(f"{source}:\n" + "\n".join(f"  - {p}" for p in problems))
    report = ImportReport()
    existing = {area.key: area for area in db.session.scalars(select(Area))}

    def upsert(key, **fields) -> Area:
        area = existing.get(key)
        if area is None:
            area = existing[key] = Area(key=key, **fields)
            db.session.add(area)
            report.created += 1
        elif any(getattr(area, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(area, name, value)
            report.updated += 1
        return area

    municipality = data["municipality"]
    city = upsert(municipality.get("key") or slug(municipality["name"]), kind=AreaKind.CITY,
                  name=municipality["name"], cbs_code=municipality.get("cbs_code"), parent=None)
    requested = set(data.get("requested_places") or ())
    for district in data["districts"]:
        parent = upsert(district["key"], kind=AreaKind.DISTRICT, name=district["name"], parent=city)
        for hood in district["neighbourhoods"]:
            upsert(hood["key"], kind=AreaKind.NEIGHBOURHOOD, name=hood["name"], parent=parent,
                   cbs_code=hood.get("cbs_code"), cbs_wijk=hood.get("cbs_wijk"), place_requested=hood["key"] in requested)
    venues = {venue.name: venue for venue in db.session.scalars(select(Venue))}
    for item in data.get("venues") or ():
        hood = existing.get(item.get("neighbourhood")) if item.get("neighbourhood") else None
        venue = venues.get(item["name"]) or Venue(name=item["name"])
        venue.kind, venue.neighbourhood, venue.source = item.get("kind", "buurtcentrum"), hood, item.get("source")
        db.session.add(venue)
    db.session.flush()
    return report


def _problems(data) -> list[str]:
    if not isinstance(data, dict) or "municipality" not in data or "districts" not in data:
        return ["the file needs 'municipality' and 'districts'"]
    problems, seen = [], set()
    for district in data["districts"] or ():
        for item in [district, *(district.get("neighbourhoods") or ())]:
            key = item.get("key")
            if not isinstance(key, str) or not KEY.match(key):
                problems.append(f"{item.get('name')!r}: key {key!r} must be lower case letters, digits and hyphens")
            elif key in seen:
                problems.append(f"key {key!r} is used twice")
            seen.add(key)
            if not item.get("name"):
                problems.append(f"{key!r}: 'name' is missing")
    known = {key for key in seen}
    for venue in data.get("venues") or ():
        if venue.get("neighbourhood") and venue["neighbourhood"] not in known:
            problems.append(f"venue {venue.get('name')!r}: unknown neighbourhood {venue['neighbourhood']!r}")
    for key in data.get("requested_places") or ():
        if key not in known:
            problems.append(f"requested_places: unknown neighbourhood {key!r}")
    return problems


def import_postcodes(path: str | Path) -> int:
    """Load a CSV of ``postcode,neighbourhood`` (6-character postcodes); replaces those given.

    :raise AreaFileError: for a malformed postcode or an unknown neighbourhood (nothing stored).
    """
    hoods = {a.key: a for a in db.session.scalars(select(Area).where(Area.kind == AreaKind.NEIGHBOURHOOD))}
    rows, problems = [], []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = "".join((row.get("postcode") or "").split()).upper()
            if not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", code):
                problems.append(f"line {line}: {row.get('postcode')!r} is not a 6-character postcode such as 6221AB")
            elif (row.get("neighbourhood") or "") not in hoods:
                problems.append(f"line {line}: unknown neighbourhood {row.get('neighbourhood')!r}")
            else:
                rows.append((code, hoods[row["neighbourhood"]].id))
    if problems:
        raise AreaFileError("\n".join(problems))
    for code, hood_id in rows:
        db.session.merge(Postcode(postcode=code, neighbourhood_id=hood_id))
    db.session.flush()
    return len(rows)
