"""Privacy rules for every published count: pages, exports and the JSON API use this module only.

Pure Python, no Flask and no database: it is given counts and the sums that tie them together and
answers, per count, whether it may be shown. The rules (PRODUCT.md, "Privacy"):

1. **Small counts.** A count below ``MIN_COUNT`` (5), zero included, is shown as "<5".
2. **Small groups.** A view (an area with at most one filter) with fewer than ``MIN_BREAKDOWN``
   (10) responses shows its number of responses and nothing else: its counts are *withheld*.
3. **Percentages** only of a shown count over a shown base of at least ``MIN_PERCENT_BASE`` (10).
4. **Secondary suppression.** Counts are tied together by sums the viewer knows: a single-choice
   question's options add up to its base; an area's count is the sum of its neighbourhoods'; the
   unfiltered count is the sum of the counts per age group (or channel, language, month). Any
   hidden count could be worked out from such sums ("the total minus the others", "the city minus
   the districts", "everyone minus the 18-26 view"). So more counts are hidden (shown as "×")
   until, for every sum and every hidden count:

   a. no hidden count follows from the shown ones by any combination of the sums. For tables of
      the dashboards' shape, tables.py guarantees it constructively (every hidden count lies on
      a "box" of hidden counts that can all change without changing any sum: the hypercube
      method); for any other table it is checked exactly, by Gauss-Jordan elimination over the
      sums restricted to the hidden counts;
   b. where a sum's total is shown, the hidden counts in it add up to at least ``MIN_COUNT``, so
      that "the rest" is never itself a small count (nor a zero that pins every hidden count),
      and to more than 5 for each "×" among them (else "×" = 5 and every "<5" = 0);
   c. no hidden count is pinned to one value by what the viewer knows of the bounds ("<5" means
      0-4, "×" means 5 or more, a withheld count is at most the size of its group), found by
      propagating those bounds through every sum until nothing changes.

   A count exposed by (b) or (c) gets a partner hidden: the smallest shown count free to hide in
   one of its sums; then everything free in its sums; where even that leaves it pinned (the
   total is fixed), the labels themselves are the leak ("<5" + "<5" = 8 means 4 + 4), and the
   counts in its sums are withheld ("–": any number) instead. Hiding only ever adds, so the loop
   ends. Bounds (c) are a best effort across several sums at once; (a) and (b) always hold.

The sums given by the caller must be all the sums that hold between published counts; with one
filter at a time and the area tree, those are exactly the three kinds above (queries.py builds
them). Counts decided earlier (``fixed``) keep their status, so the unfiltered view and every
filtered view show the same thing for the same count.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_COUNT = 5
MIN_BREAKDOWN = 10
MIN_PERCENT_BASE = 10
INFINITY = float("inf")
_PRIME = (1 << 61) - 1  # exact arithmetic for the elimination; coefficients are only 0 and ±1


class Status(enum.StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # below MIN_COUNT: shown as "<5"
    HIDDEN = "hidden"  # secondary suppression: 5 or more, hidden to protect a small count: "×"
    WITHHELD = "withheld"  # its group has fewer than MIN_BREAKDOWN responses

    @property
    def visible(self) -> bool:
        return self is Status.SHOWN


class SuppressionError(RuntimeError):
    """The counts cannot be protected as asked (a caller's mistake, such as fixing everything)."""


@dataclass(frozen=True)
class Relation:
    """``total`` is the sum of ``members``: a sum the viewer can rely on."""

    total: Hashable
    members: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.members)


def label(status: Status, value: int) -> str:
    """A count as published: the number, "<5", "×" (hidden) or "–" (withheld)."""
    if status is Status.SHOWN:
        return str(value)
    return {Status.SMALL: f"<{MIN_COUNT}", Status.HIDDEN: "×", Status.WITHHELD: "–"}[status]


def published(status: Status, value: int) -> int | None:
    """The number a machine-readable output may carry: the value if shown, else ``None``."""
    return value if status is Status.SHOWN else None


def percentage(count: int, count_status: Status, base: int, base_status: Status) -> float | None:
    """Share of ``count`` in ``base`` in percent, one decimal, or ``None`` where the rules forbid it."""
    if count_status is not Status.SHOWN or base_status is not Status.SHOWN or base < MIN_PERCENT_BASE:
        return None
    return round(100 * count / base, 1)


def view_has_breakdown(responses: int) -> bool:
    return responses >= MIN_BREAKDOWN


def primary_status(value: int, withheld: bool = False) -> Status:
    if withheld:
        return Status.WITHHELD
    return Status.SMALL if value < MIN_COUNT else Status.SHOWN


def protect(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    *,
    withheld: Mapping[Hashable, int] | None = None,
    fixed: Mapping[Hashable, Status] | None = None,
    certify=None,
    max_rounds: int = 10_000,
) -> dict[Hashable, Status]:
    """Decide the status of every count in ``values``.

    :param relations: every sum that holds between the counts (see the module docstring).
    :param withheld: counts of groups below MIN_BREAKDOWN, each with the most it can be (the
        group's size as far as the viewer knows it).
    :param fixed: counts whose status was decided before (they are never changed here).
    :param certify: for tables of a known shape, a faster and stricter stand-in for the exact
        check (a): called with the statuses, it answers the shown counts to hide so that every
        hidden count lies on a pattern of hidden counts that can change without changing any
        sum (see tables.py); an empty answer means every hidden count has one.
    """
    withheld = dict(withheld or {})
    fixed = fixed or {}
    status = {
        key: fixed.get(key) or primary_status(value, key in withheld) for key, value in values.items()
    }
    relations = [r for r in relations if all(c in values for c in r.cells)]
    if all(state is Status.SHOWN for state in status.values()):
        return status  # nothing hidden, nothing to work out
    by_cell: dict[Hashable, list[Relation]] = defaultdict(list)
    for relation in relations:
        for cell in relation.cells:
            by_cell[cell].append(relation)

    settled: set = set()  # exposed counts nothing more can cover (e.g. a base that equals the shown size)
    attempts: dict = {}
    for _ in range(max_rounds):
        exposures = _exposed(values, relations, by_cell, status, withheld, certify, settled)
        if not exposures:
            return status
        if exposures[0][1] == "hide":
            for cell, _marker in exposures:
                if cell not in fixed:
                    status[cell] = Status.HIDDEN
            continue
        for cell, relation in exposures:
            if relation is not None and not _rest_too_small(values, status, relation):
                continue  # an earlier partner in this round already covered it
            attempts[cell] = attempts.get(cell, 0) + 1
            if attempts[cell] > 3:
                # Pinned by what is fixed already (the unfiltered counts): nothing left to do here.
                settled.add(cell)
                continue
            if attempts[cell] == 1:
                partner = _partner(values, status, fixed, by_cell[cell] if relation is None else [relation], cell)
                if partner is None:
                    partner = _partner(values, status, fixed, _neighbours(by_cell, cell, depth=2), cell)
                if partner is not None:
                    status[partner] = Status.HIDDEN
                    continue
                attempts[cell] = 3
            elif attempts[cell] == 2:
                # A partner was not enough: hide everything that may change in its sums.
                free = [c for r in by_cell[cell] for c in r.cells if status[c] is Status.SHOWN and c not in fixed]
                for candidate in free:
                    status[candidate] = Status.HIDDEN
                if free:
                    continue
                attempts[cell] = 3
            # The labels themselves say too much here: "×" is 5 or more and "<5" at most 4,
            # and with a fixed total that can pin a count (8 split into two "<5" is 4+4; 5 split
            # into "×" and "<5" is 5+0). Withhold them instead: "–", any number.
            for candidate in {cell, *(c for r in by_cell[cell] for c in r.cells)}:
                if status[candidate] in (Status.HIDDEN, Status.SMALL) and candidate not in fixed:
                    status[candidate] = Status.WITHHELD
                    withheld[candidate] = INFINITY
    raise SuppressionError("secondary suppression did not settle")


def _neighbours(by_cell, cell, depth: int = 4) -> list[Relation]:
    """The sums reachable from ``cell`` through up to ``depth`` sums: where to look when its own are full."""
    seen, frontier, found = {cell}, [cell], []
    for _ in range(depth):
        following = []
        for current in frontier:
            for relation in by_cell[current]:
                found.append(relation)
                following += [c for c in relation.cells if c not in seen]
                seen.update(relation.cells)
        frontier = following
    return found


def _hidden(status: Status) -> bool:
    return status is not Status.SHOWN


def _partner(values, status, fixed, relations: Iterable[Relation], cell) -> Hashable | None:
    """The smallest shown count, free to hide, in one of ``relations``; members before totals."""
    best = None
    for relation in relations:
        for position, candidate in enumerate(relation.cells):
            if candidate == cell or status[candidate] is not Status.SHOWN or candidate in fixed:
                continue
            rank = (position == 0, values[candidate])
            if best is None or rank < best[0]:
                best = (rank, candidate)
    return best[1] if best else None


def _rest_too_small(values, status, relation: Relation) -> bool:
    """Whether the hidden part of a shown total says too much: it must be at least MIN_COUNT,
    and more than the least its hidden counts are known to be (5 for each "×"), or a "<5" in it
    would be pinned to 0."""
    if status[relation.total] is not Status.SHOWN:
        return False
    hidden = [m for m in relation.members if _hidden(status[m])]
    if not hidden:
        return False
    rest = sum(values[m] for m in hidden)
    least = MIN_COUNT * sum(1 for m in hidden if status[m] is Status.HIDDEN)
    return rest < MIN_COUNT or rest - least < 1


def _exposed(values, relations, by_cell, status, withheld, certify=None, settled=frozenset()):
    """Hidden counts that can be worked out, each with the sum to hide a partner in (or ``None``,
    or ``"hide"`` for counts to hide outright); the cheapest check that finds any wins."""
    # (b) the hidden rest of a shown total is large enough
    found = [(next(m for m in r.members if _hidden(status[m])), r) for r in relations
             if _rest_too_small(values, status, r)]
    found = [(cell, r) for cell, r in found if cell not in settled]
    if found:
        return found
    # (a) no hidden count follows linearly from the shown ones
    if certify is not None:
        found = [(cell, "hide") for cell in certify(status)]
    else:
        found = [(cell, None) for cell in sorted(determined_cells(relations, status), key=repr) if cell not in settled]
    if found:
        return found
    # (c) bounds do not pin a hidden count
    bounds = propagate_bounds(values, relations, status, withheld)
    return [(cell, None) for cell, (low, high) in bounds.items()
            if _hidden(status[cell]) and low == high and cell not in settled]


def determined_cells(relations: Sequence[Relation], status: Mapping[Hashable, Status]) -> set:
    """Hidden counts whose value follows from the shown counts through the sums (exactly)."""
    rows = []
    for relation in relations:
        row = {}
        for sign, cell in ((1, relation.total), *((-1, m) for m in relation.members)):
            if _hidden(status[cell]):
                row[cell] = (row.get(cell, 0) + sign) % _PRIME
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    found = set()
    for component in _components(rows):
        found |= _determined_in(component)
    return found


def _components(rows: list[dict]) -> list[list[dict]]:
    """Split the equations into groups that share no hidden count (solved separately, faster)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        cells = list(row)
        for other in cells[1:]:
            parent[find(other)] = find(cells[0])
    groups = defaultdict(list)
    for row in rows:
        groups[find(next(iter(row)))].append(row)
    return list(groups.values())


def _determined_in(rows: list[dict]) -> set:
    """Sparse Gauss-Jordan over GF(p): a pivot whose reduced row has no free unknown is determined.

    The pivot of each new row is its unknown that occurs in the fewest rows (less fill-in).
    """
    pivots: dict = {}  # unknown -> its (reduced) row
    holders: dict = defaultdict(set)  # unknown -> pivot unknowns whose rows hold it
    occurrences = defaultdict(int)
    for row in rows:
        for cell in row:
            occurrences[cell] += 1
    for original in rows:
        row = dict(original)
        while True:
            known = [cell for cell in row if cell in pivots]
            if not known:
                break
            for cell in known:
                if cell in row:
                    _subtract(row, pivots[cell], row[cell])
        if not row:
            continue
        pivot = min(row, key=lambda cell: (occurrences[cell], repr(cell)))
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {cell: value * inverse % _PRIME for cell, value in row.items()}
        for other in list(holders[pivot]):
            other_row = pivots[other]
            before = set(other_row)
            _subtract(other_row, row, other_row[pivot])
            for cell in before - set(other_row):
                holders[cell].discard(other)
            for cell in set(other_row) - before:
                holders[cell].add(other)
        pivots[pivot] = row
        for cell in row:
            if cell != pivot:
                holders[cell].add(pivot)
    return {cell for cell, row in pivots.items() if len(row) == 1}


def _subtract(row: dict, pivot_row: dict, factor: int) -> None:
    for key, value in pivot_row.items():
        new = (row.get(key, 0) - factor * value) % _PRIME
        if new:
            row[key] = new
        else:
            row.pop(key, None)


def known_bounds(values, status, withheld) -> dict[Hashable, tuple[float, float]]:
    """What a viewer knows of each count from its label alone."""
    bounds = {}
    for key, value in values.items():
        state = status[key]
        if state is Status.SHOWN:
            bounds[key] = (value, value)
        elif state is Status.SMALL:
            bounds[key] = (0, MIN_COUNT - 1)
        elif state is Status.HIDDEN:
            bounds[key] = (MIN_COUNT, INFINITY)
        else:
            bounds[key] = (0, withheld.get(key, INFINITY))
    return bounds


def propagate_bounds(values, relations, status, withheld=None, passes: int = 50):
    """Tighten every count's bounds through the sums until nothing changes (an attacker's view)."""
    bounds = known_bounds(values, status, withheld or {})
    # A sum of shown counts only tells what is shown already. (Written out as plain loops: at a
    # release this runs over tens of thousands of sums, many times.)
    shown = Status.SHOWN
    active = []
    for relation in relations:
        for cell in relation.cells:
            if status[cell] is not shown:
                active.append(relation)
                break
    for _ in range(passes):
        changed = False
        for relation in active:
            # total = sum(members): the total lies between the members' sums, and each member
            # between the total minus the most and the least the others can be.
            members = relation.members
            low_sum = finite_high = 0
            unbounded = 0
            for member in members:
                lo, hi = bounds[member]
                low_sum += lo
                if hi == INFINITY:
                    unbounded += 1
                else:
                    finite_high += hi
            t_low, t_high = bounds[relation.total]
            new_total = (max(t_low, low_sum), min(t_high, INFINITY if unbounded else finite_high))
            if new_total != (t_low, t_high) and new_total[0] <= new_total[1]:
                bounds[relation.total] = new_total
                t_low, t_high = new_total
                changed = True
            for member in members:
                lo, hi = bounds[member]
                others_low = low_sum - lo
                if hi == INFINITY:
                    others_high = finite_high if unbounded == 1 else INFINITY
                else:
                    others_high = INFINITY if unbounded else finite_high - hi
                new = (max(lo, t_low - others_high), min(hi, t_high - others_low))
                if new != (lo, hi) and new[0] <= new[1]:
                    bounds[member] = new
                    changed = True
        if not changed:
            break
    return bounds
