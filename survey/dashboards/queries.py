"""Reads for the dashboards: the tally per slice, the area tree of a round, the protected counts.

Every number on a dashboard, in an export or in the API comes from :func:`protected_counts`, which
adds up the tally in SQL (one indexed range per slice), rolls it up the area tree and runs the
privacy rules over the whole round at once, so that every view of the same count agrees. The
result is cached per process, keyed by the tally's version: a stored or deleted response moves the
version on, in every process, and the next view counts again.
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
from .models import Tally
from .suppression import Status
from .tables import AGE_QUESTION, ALL, N, Group, groups_for, protect_round, roll_up, survey_questions
from .tally import DIMS, ensure_fresh, period_of

_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 24  # a round has at most 10 entries (5 slices, with and without answers)
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


@dataclass
class Protected:
    """Counts of a round rolled up to every area, with each count's status."""

    counts: dict
    statuses: dict
    parents: dict
    columns: list

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


def _tally_counts(round_id: int, dim: str, keys: dict[int, str], only_n: bool = False) -> dict:
    query = (select(Tally.area_id, Tally.value, Tally.question, Tally.option, Tally.rank, Tally.n)
             .where(Tally.round_id == round_id, Tally.dim == dim))
    if only_n:
        query = query.where(Tally.question == N[0])
    rows = db.session.execute(query)
    counts = {}
    for area_id, value, question, option, rank, n in rows:
        if area_id in keys:
            counts[(keys[area_id], ALL if dim == "all" else value, (question, option, rank))] = n
    return counts


def protected_counts(survey_round, dim: str = "all", only_n: bool = False) -> Protected:
    """The protected counts of a round over one filter dimension (``"all"`` for none)."""
    version = ensure_fresh(survey_round.id)
    key = (survey_round.id, version, survey_round.survey_version_id, dim, only_n)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    result = _compute(survey_round, dim, only_n)
    with _LOCK:
        # Counts of an older version of this round are never read again: drop them now.
        for stale in [k for k in _CACHE if k[0] == key[0] and k[1] != key[1]]:
            del _CACHE[stale]
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _compute(survey_round, dim: str, only_n: bool) -> Protected:
    areas = round_tree(survey_round)
    parents = {k: (a.parent.key if a.parent is not None and a.parent.key in areas else None) for k, a in areas.items()}
    keys = {a.id: k for k, a in areas.items()}
    groups = [Group((N,))] if only_n else groups_for(survey_questions(survey_round.definition))
    base = protected_counts(survey_round, "all", only_n) if dim != "all" else None
    if dim == "all":
        counts = roll_up(parents, _tally_counts(survey_round.id, "all", keys, only_n))
        return Protected(counts, protect_round(parents, counts, groups, [ALL]), parents, [ALL])
    values = dimension_values(survey_round, dim)
    counts = {**base.counts, **roll_up(parents, _tally_counts(survey_round.id, dim, keys, only_n))}
    city = next(k for k, p in parents.items() if p is None)
    designated = max(values, key=lambda v: counts.get((city, v, N), 0))
    statuses = protect_round(parents, counts, groups, [ALL, *values], fixed=base.statuses, designated=designated)
    return Protected(counts, statuses, parents, [ALL, *values])


def clear_cache(round_id: int | None = None) -> None:
    with _LOCK:
        for key in [k for k in _CACHE if round_id is None or k[0] == round_id]:
            del _CACHE[key]


def approved_ideas(survey_round, area: Area) -> list[str]:
    """Open ideas of a neighbourhood that an admin approved (free text can name people)."""
    if area.kind is not AreaKind.NEIGHBOURHOOD:
        return []
    text_questions = [q.key for q in survey_round.definition.questions() if q.type == "longtext"]
    return list(db.session.scalars(
        select(Answer.text).join(Response, Response.id == Answer.response_id)
        .where(Response.round_id == survey_round.id, Response.area_id == area.id,
               Answer.question.in_(text_questions), Answer.text_approved.is_(True))
        .order_by(Answer.id)
    ))


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
        .where(Response.round_id == survey_round.id, Answer.question.in_(text_questions),
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
