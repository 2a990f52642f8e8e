"""Reads for the dashboards: the area tree of a round, the published figures, ideas and venues.

Every number on a dashboard, in an export or in the API comes from :func:`protected_counts`, which
reads the figures of the round's current release (releases.py worked them out once, perturbed and
protected, for every area and filter), so that every view of the same count agrees. What was read
is cached per process, keyed by the release.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select

from ..areas.models import Area, AreaKind
from ..extensions import db
from ..responses.models import Answer, Channel, Response
from .models import PublishedCell
from .releases import ensure_released
from .suppression import Status
from .tables import AGE_QUESTION, ALL, N
from .tally import DIMS, period_of

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 64  # entries per (round, release, dimension, areas read)
_LOCK = threading.Lock()
MAX_PERIOD_DAYS = 10 * 366


@dataclass(frozen=True)
class Filter:
    """One filter at a time: a dimension (``age_group``, ``channel``, ``language``, ``period``) and a value."""

    dim: str | None = None
    value: str | None = None

    @property
    def column(self) -> str:
        return ALL if self.dim is None else self.value

    @property
    def param(self) -> str | None:
        return f"{self.dim}:{self.value}" if self.dim else None


@dataclass(frozen=True)
class ReleaseInfo:
    """A release as the outputs name it (a plain copy: cached figures outlive the request)."""

    id: int
    number: int
    made_at: dt.datetime
    includes_demo: bool


@dataclass
class Protected:
    """Published figures of a round (perturbed counts) for some areas, with each one's status."""

    counts: dict
    statuses: dict
    parents: dict
    columns: list
    release: ReleaseInfo | None = None

    def cell(self, area: str, column: str, measure: tuple) -> tuple[int, Status]:
        value = self.counts.get((area, column, measure), 0)
        status = self.statuses.get((area, column, measure))
        if status is None:  # an area without responses: nothing in it may be shown
            status = Status.SMALL if measure == N or value < 5 else Status.WITHHELD
        return value, status


def round_tree(survey_round) -> dict[str, Area]:
    """The round's neighbourhoods, their districts and the city, by key."""
    areas = {}
    for hood in survey_round.areas:
        node = hood
        while node is not None and node.key not in areas:
            areas[node.key] = node
            node = node.parent
    return areas


def dimension_values(survey_round, dim: str) -> list[str]:
    """The values a filter dimension can take in a round (``""`` is an unknown age)."""
    if dim == "age_group":
        question = next((q for q in survey_round.definition.questions() if q.key == AGE_QUESTION), None)
        return [*(o.key for o in (question.options if question else ())), ""]
    if dim == "channel":
        return [channel.value for channel in Channel]
    if dim == "language":
        return list(survey_round.languages)
    if dim == "period":
        last = min(survey_round.closes_on, dt.date.today())
        # The last ten years at most: dates stored before they were checked (the year 1) must not
        # make a table of thousands of months.
        first = survey_round.opens_on
        if (last - first).days > MAX_PERIOD_DAYS:
            first = last - dt.timedelta(days=MAX_PERIOD_DAYS)
        months, day = [], first.replace(day=1)
        while day <= last:
            months.append(period_of(day))
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return months or [period_of(survey_round.opens_on)]
    raise ValueError(dim)


def protected_counts(survey_round, dim: str = "all", only_n: bool = False, areas: list[str] | None = None) -> Protected:
    """The published figures of a round's current release over one filter dimension (``"all"``
    for none), making a release first if one is due.

    :param areas: the area keys needed (all when ``None``): a dashboard needs its own area and the
        city only, which keeps a read of a large round to a few thousand rows.
    """
    release = ensure_released(survey_round)
    tree = round_tree(survey_round)
    wanted = tuple(sorted(areas)) if areas is not None else None
    # The moment too: ids of a deleted round's releases can come back (SQLite reuses them).
    key = (survey_round.id, (release.id, release.made_at), survey_round.survey_version_id, dim, only_n, wanted)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    parents = {k: (a.parent.key if a.parent is not None and a.parent.key in tree else None) for k, a in tree.items()}
    keys = {a.id: k for k, a in tree.items()}
    query = select(PublishedCell.dim, PublishedCell.area_id, PublishedCell.value, PublishedCell.question,
                   PublishedCell.option, PublishedCell.rank, PublishedCell.shown, PublishedCell.status).where(
        PublishedCell.round_id == survey_round.id, PublishedCell.dim.in_({"all", dim}))
    if only_n:
        query = query.where(PublishedCell.question == N[0])
    if wanted is not None:
        query = query.where(PublishedCell.area_id.in_([tree[k].id for k in wanted if k in tree]))
    counts, statuses, columns = {}, {}, {ALL}
    for row_dim, area_id, value, question, option, rank, shown, status in db.session.execute(query):
        column = ALL if row_dim == "all" else value
        cell = (keys[area_id], column, (question, option, rank))
        counts[cell], statuses[cell] = shown, Status(status)
        columns.add(column)
    values = [ALL, *(v for v in dimension_values(survey_round, dim) if v in columns)] if dim != "all" else [ALL]
    result = Protected(counts, statuses, parents, values,
                       ReleaseInfo(release.id, release.number, release.made_at, release.includes_demo))
    with _LOCK:
        # Figures of an older release of this round are never read again: drop them now.
        for stale in [k for k in _CACHE if k[0] == key[0] and k[1] != key[1]]:
            del _CACHE[stale]
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def clear_cache(round_id: int | None = None) -> None:
    with _LOCK:
        for key in [k for k in _CACHE if round_id is None or k[0] == round_id]:
            del _CACHE[key]


def approved_ideas(survey_round, area: Area) -> list[str]:
    """Open ideas of a neighbourhood that an admin approved (free text can name people)."""
    if area.kind is not AreaKind.NEIGHBOURHOOD:
        return []
    text_questions = [q.key for q in survey_round.definition.questions() if q.type == "longtext"]
    # Only ideas of released responses, in alphabetical order: neither when an idea appears nor
    # where it stands tells which response (or which day) it came with.
    return sorted(db.session.scalars(
        select(Answer.text).join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == survey_round.id, Response.area_id == area.id, Response.release_id.is_not(None),
               Answer.question.in_(text_questions), Answer.text_approved.is_(True))
    ), key=str.casefold)


def venues_and_requests(survey_round, area: Area) -> tuple[list, list[Area]]:
    """Supply beside demand: the venues in the area, and its neighbourhoods where residents asked
    for a meeting place and none is registered."""
    from ..areas.models import Venue

    tree = round_tree(survey_round)
    hoods = [a for a in tree.values() if a.kind is AreaKind.NEIGHBOURHOOD and _under(a, area)]
    venues = list(db.session.scalars(select(Venue).where(Venue.neighbourhood_id.in_([h.id for h in hoods])).order_by(Venue.name)))
    with_venue = {v.neighbourhood_id for v in venues}
    wanting = sorted((h for h in hoods if h.place_requested and h.id not in with_venue), key=lambda h: h.name)
    return venues, wanting


def _under(area: Area, ancestor: Area) -> bool:
    while area is not None:
        if area.id == ancestor.id:
            return True
        area = area.parent
    return False


def pending_ideas(survey_round, limit: int = 200) -> list[tuple[Answer, Area]]:
    """Ideas still waiting for an admin's decision, oldest first."""
    text_questions = [q.key for q in survey_round.definition.questions() if q.type == "longtext"]
    return list(db.session.execute(
        select(Answer, Area).join(Response, Response.id == Answer.response_id).join(Area, Area.id == Response.area_id)
        .where(Response.round_id == survey_round.id, Answer.question.in_(text_questions), Response.is_test.is_(False),
               Answer.text_approved.is_(None), Answer.text.is_not(None))
        .order_by(Answer.id).limit(limit)
    ).tuples())


def parse_filter(raw: str | None, survey_round) -> Filter | None:
    """``age_group:age_18_26`` as a Filter; ``None`` for no filter; raise ValueError if unknown."""
    if not raw:
        return Filter()
    dim, _, value = raw.partition(":")
    if dim not in DIMS or value not in dimension_values(survey_round, dim) or value == "":
        raise ValueError(raw)
    return Filter(dim, value)
