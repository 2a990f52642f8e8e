"""The counts of one round as the tables a viewer can see, each count with its privacy status.

Pure Python. Counts arrive per neighbourhood from the tally; districts and the city are their sums.
A *cell* is ``(area, column, measure)``: ``column`` is ``"all"`` or a value of the one filter
dimension in use; ``measure`` is ``(question, option, rank)`` as in the tally. This module writes
down every sum that ties published cells together (the area tree, the filter values adding up to
"all", single-choice options adding up to their base) and hands them to ``suppression.protect``.

The unfiltered column is protected first, on its own; each filter dimension is then protected with
the unfiltered statuses fixed, so every view shows the same status for the same count. For each
unfiltered count that is hidden, the same count in the dimension's *designated* value (its largest)
is hidden too: every way of varying hidden unfiltered counts then carries over to each filter
dimension, so the dimensions cannot be played off against each other either.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .suppression import MIN_BREAKDOWN, MIN_COUNT, Relation, Status, protect

ALL = "all"
N = ("_n", "", 0)


@dataclass(frozen=True)
class Group:
    """Measures protected together; with a ``total``, the members add up to it (single choice)."""

    members: tuple[tuple, ...]
    total: tuple | None = None

    @property
    def measures(self) -> tuple[tuple, ...]:
        return self.members if self.total is None else (self.total, *self.members)


SHOWN_TYPES = ("single", "yesno", "scale", "multiple", "ranking", "grid")
AGE_QUESTION = "age_group"  # a filter dimension, shown as "responses by age group"


def survey_questions(definition):
    """(key, type, option keys) of every question a dashboard counts."""
    for question in definition.questions():
        if question.type not in SHOWN_TYPES or question.key == AGE_QUESTION:
            continue
        if question.type == "grid":
            keys = [f"{row.key}:{col.key}" for row in question.rows for col in question.columns]
        elif question.type == "yesno":
            keys = ["yes", "no"]
        else:
            keys = [option.key for option in definition.options_of(question)]
            if question.type == "multiple" and question.other:
                keys.append("other")
        yield question.key, question.type, keys


def groups_for(questions, answered_by_all: frozenset[str] = frozenset()) -> list[Group]:
    """The measure groups of a survey's questions: ``questions`` yields (key, type, option keys).

    :param answered_by_all: questions that every respondent answered (required and always shown):
        their base *is* the number of responses, a sum the viewer knows, so the base is not a
        count of its own but N (it takes N's status, and a single choice's options add up to N).
    """
    groups = [Group((N,))]
    for key, kind, options in questions:
        base = N if key in answered_by_all else (key, "", 0)
        if kind in ("single", "yesno", "scale"):
            groups.append(Group(tuple((key, o, 0) for o in options), total=base))
        elif kind in ("multiple", "grid", "ranking"):
            # A ranking is published as "in the top N" per option: independent counts, like a
            # multiple choice (first places alone would add up to the base and tie 25 options).
            if base != N:
                groups.append(Group((base,)))
            groups.extend(Group(((key, o, 0),)) for o in options)
        elif base != N:
            groups.append(Group((base,)))
    return groups


def answered_by_all(definition, counts: dict[tuple, int]) -> frozenset[str]:
    """Required, always-shown questions whose base equals N in every cell (so in truth: a round
    with answers to an older version, where the question was optional, does not qualify)."""
    candidates = {q.key for q in definition.questions() if q.required and not q.show_if}
    for (area, column, measure), value in counts.items():
        if measure == N:
            candidates = {key for key in candidates if counts.get((area, column, (key, "", 0)), 0) == value}
    return frozenset(candidates)


def roll_up(parents: dict[str, str | None], counts: dict[tuple, int]) -> dict[tuple, int]:
    """Add every neighbourhood's counts to its district and to the city."""
    total = defaultdict(int, counts)
    for (area, column, measure), value in counts.items():
        parent = parents.get(area)
        while parent is not None:
            total[(parent, column, measure)] += value
            parent = parents.get(parent)
    return dict(total)


def _children(parents: dict[str, str | None]) -> dict[str, list[str]]:
    children = defaultdict(list)
    for area, parent in parents.items():
        if parent is not None:
            children[parent].append(area)
    return children


def protect_round(
    parents: dict[str, str | None],
    counts: dict[tuple, int],
    groups: list[Group],
    columns: list[str],
    fixed: dict[tuple, Status] | None = None,
    designated: str | None = None,
    answered: set[str] | None = None,
) -> dict[tuple, Status]:
    """Statuses of every cell over ``columns`` (``["all"]``, or ``["all", *values]`` of one dimension).

    :param counts: rolled-up counts (see :func:`roll_up`); missing cells count as zero.
    :param fixed: statuses of the unfiltered column, decided before.
    :param designated: the value that also hides where the unfiltered count is hidden.
    :param answered: the areas with responses (default: those with a count of N above 0).
    """
    # Areas without a single response are left out: their counts are known zeros to the
    # sums, which only makes the protection stricter (and the work smaller). Which areas those
    # are follows from the true counts (``answered``) where the counts given are perturbed: an
    # area whose published number came out as 0 still holds answers to protect.
    if answered is None:
        answered = {a for a in parents if counts.get((a, ALL, N), 0) > 0}
    parents = {a: p for a, p in parents.items() if a in answered}
    children = _children(parents)
    areas = list(parents)
    values_of = [c for c in columns if c != ALL]
    statuses: dict[tuple, Status] = {}
    view_size = {(a, c): counts.get((a, c, N), 0) for a in areas for c in columns}
    for group in groups:
        cells = {(a, c, m): counts.get((a, c, m), 0) for a in areas for c in columns for m in group.measures}
        relations = []
        for m in group.measures:
            for c in columns:
                relations += [Relation((p, c, m), tuple((k, c, m) for k in kids)) for p, kids in children.items()]
            if values_of:
                relations += [Relation((a, ALL, m), tuple((a, v, m) for v in values_of)) for a in areas]
        if group.total is not None:
            relations += [Relation((a, c, group.total), tuple((a, c, m) for m in group.members))
                          for a in areas for c in columns]
        # What a viewer knows of a withheld count: at most its view's size, if that is shown.
        if group.measures == (N,):
            # Splitting an area's responses by a filter is a breakdown too: none below 10.
            withheld = {cell: float("inf") for cell in cells
                        if cell[1] != ALL and view_size[(cell[0], ALL)] < MIN_BREAKDOWN}
        else:
            # A withheld answer count is at most its group's size, if that is shown. A base (how
            # many answered) is left unbounded: that it equals the group's size when everyone
            # answered tells nothing about anyone's answer, and the bound would only pin it.
            withheld = {
                cell: (float("inf") if cell[2][1] == "" else
                       view_size[cell[:2]] if view_size[cell[:2]] >= MIN_COUNT else MIN_COUNT - 1)
                for cell in cells if view_size[cell[:2]] < MIN_BREAKDOWN
            }
        group_fixed = {cell: fixed[cell] for cell in cells if fixed and cell in fixed}
        # N is decided by its own group first; where it is a group's total, it stays as decided.
        group_fixed.update({cell: statuses[cell] for cell in cells if cell in statuses and cell not in group_fixed})
        if designated is not None:
            for (a, c, m), state in list(group_fixed.items()):
                if c == ALL and state is not Status.SHOWN and (a, designated, m) not in withheld:
                    group_fixed.setdefault((a, designated, m), Status.HIDDEN)
                    # a designated count may be small itself: keep the plainer label then
                    if cells[(a, designated, m)] < 5:
                        group_fixed[(a, designated, m)] = Status.SMALL
        certify = _Certifier(parents, children, columns, group, cells, group_fixed)
        statuses.update(protect(cells, relations, withheld=withheld, fixed=group_fixed, certify=certify))
    return statuses


class _Certifier:
    """The hypercube method: each hidden count must lie on a box of hidden counts that can be
    changed together without changing any sum that is shown.

    A box is a product of one pattern per axis, each of which keeps its own sums: along the
    areas, +1 here and -1 in a sibling (each carried down to a neighbourhood), or +1 from the
    city down through this area; along the columns, +1 in this value and -1 in another, or +1
    in it and in "all"; along a single choice's options, +1 and -1 in two options, or +1 in
    the option and in the base. Changing a whole box by ±1 alters no sum, so the count cannot
    be worked out from the sums, however they are combined. Where no box is hidden yet, the
    cheapest box (fewest and smallest shown counts) is hidden.
    """

    def __init__(self, parents, children, columns, group, values, fixed):
        self.parents, self.children, self.columns = parents, children, columns
        self.group, self.values, self.fixed = group, values, fixed
        self.certified: set = set()
        self._chains: dict = {}
        self.root = next((a for a, p in parents.items() if p is None), None)

    def __call__(self, status) -> list:
        to_hide: set = set()
        for cell, state in status.items():
            if state is Status.SHOWN or cell in self.certified or cell in to_hide:
                continue
            if cell[1] == ALL and len(self.columns) > 1:
                continue  # fixed by the unfiltered table; its boxes extend through the designated value
            best = None
            for box in self._boxes(cell):
                shown = [c for c in box if status[c] is Status.SHOWN and c not in to_hide]
                if not shown:
                    self.certified.update(box)
                    best = None
                    break
                if any(c in self.fixed for c in shown):
                    continue
                cost = (sum(self._weight(c) for c in shown), sum(self.values[c] for c in shown))
                if best is None or cost < best[0]:
                    best = (cost, shown, box)
                    if cost[0] == 1:
                        break  # one more hidden leaf count: good enough, and the search is costly
            if best is not None:
                to_hide.update(best[1])
                self.certified.update(best[2])  # once hidden, this box protects all it holds
        return sorted(to_hide, key=repr)

    def _weight(self, cell) -> int:
        """What hiding a count costs a reader: a base or a district or city count costs more."""
        area, _column, measure = cell
        return 1 + 3 * (measure == self.group.total) + 3 * bool(self.children.get(area))

    def _boxes(self, cell):
        area, column, measure = cell
        for columns in self._column_patterns(column):
            for measures in self._measure_patterns(measure):
                for areas in self._area_patterns(area, column, measure):
                    yield [(a, c, m) for a in areas for c in columns for m in measures]

    def _column_patterns(self, column):
        if len(self.columns) == 1:
            return [(column,)]
        others = [(column, v) for v in self.columns if v not in (ALL, column)]
        return [*others, (ALL, column)]

    def _measure_patterns(self, measure):
        group = self.group
        if group.total is None:
            return [(measure,)]
        if measure == group.total:
            return [(measure, m) for m in group.members]
        return [*((measure, m) for m in group.members if m != measure), (group.total, measure)]

    def _area_patterns(self, area, column, measure):
        """+1 on the path from an ancestor (or the area itself) down through ``area`` to a
        neighbourhood, -1 on a sibling of that ancestor and down; or +1 from the city down."""
        below = self._down(area, column, measure)
        path = [area]
        while self.parents.get(path[-1]) is not None:
            node = path[-1]
            # Smallest siblings first: their counts are the likeliest to be hidden already.
            siblings = sorted(self.children[self.parents[node]], key=lambda s: self.values.get((s, column, measure), 0))
            for sibling in siblings:
                if sibling != node:
                    yield [*path[:-1], *below, *self._down(sibling, column, measure)] if node != area else [*below, *self._down(sibling, column, measure)]
            path.append(self.parents[node])
        yield [*path[1:], *below]

    def _down(self, area, column, measure):
        """The area and a chain of its descendants down to a neighbourhood (smallest counts)."""
        key = (area, column, measure)
        if key not in self._chains:
            self._chains[key] = self._chain(area, column, measure)
        return self._chains[key]

    def _chain(self, area, column, measure):
        chain = [area]
        while self.children.get(chain[-1]):
            chain.append(min(self.children[chain[-1]], key=lambda c: (self.values.get((c, column, measure), 0), c)))
        return chain
