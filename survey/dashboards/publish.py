"""From a release's counts to the figures every output shows: perturbed, then protected (pure).

For each filter dimension (``all`` first): the neighbourhoods' counts and record-key sums are
added up the area tree; every count is perturbed by the cell-key method (perturbation.py); counts
that cannot exceed others are kept below them (an option below its base, a base below the number
of responses); then the privacy rules decide each figure's status (tables.py, suppression.py).
Everything downstream treats the perturbed values as *the* figures, so that every view, export,
print and the JSON API agree, and so that the rules protect exactly what is published.
"""

from __future__ import annotations

from .perturbation import cell_key, perturb
from .suppression import Status
from .tables import ALL, N, answered_by_all, groups_for, protect_round, roll_up

Cell = tuple  # (area, column, measure)


def publish_round(
    parents: dict[str, str | None],
    leaves: dict[str, dict[Cell, tuple[int, int]]],
    questions: list[tuple],
    definition,
    secret: bytes | None,
) -> dict[str, tuple[dict[Cell, int], dict[Cell, Status]]]:
    """The published figures of a round, per filter dimension.

    :param leaves: per dimension (``"all"``, ``"age_group"``, …) the neighbourhoods' counts as
        ``{(hood, column, measure): (count, key_sum)}``; the column of ``"all"`` is ``ALL``.
    :param questions: what ``tables.survey_questions`` yields for the definition.
    :param secret: the key of the cell-key perturbation; ``None`` publishes exact counts (tests only).
    :return: per dimension, the perturbed value and the status of every cell (the dimension's
        cells include its ``ALL`` column, identical to the unfiltered ones).
    """
    base_counts, base_values, area_keys = _perturbed(parents, leaves.get("all", {}), secret)
    everyone = answered_by_all(definition, base_counts)
    groups = groups_for(questions, everyone)
    answered = {area for area in parents if base_counts.get((area, ALL, N), 0) > 0}
    base_statuses = _with_bases(protect_round(parents, base_values, groups, [ALL], answered=answered), base_values, everyone)
    published = {"all": (base_values, base_statuses)}
    for dim, cells in leaves.items():
        if dim == "all":
            continue
        counts, values, _ = _perturbed(parents, cells, secret, area_keys)
        values.update(base_values)
        columns = sorted({cell[1] for cell in cells})
        city = next((area for area, parent in parents.items() if parent is None), None)
        if not columns or city is None:
            published[dim] = (values, dict(base_statuses))
            continue
        designated = max(columns, key=lambda column: (counts.get((city, column, N), 0), column))
        statuses = protect_round(parents, values, groups, [ALL, *columns], fixed=base_statuses, designated=designated,
                                 answered=answered)
        published[dim] = (values, _with_bases(statuses, values, everyone))
    return published


def _perturbed(parents, cells: dict[Cell, tuple[int, int]], secret: bytes | None,
               area_keys: dict[str, int] | None = None) -> tuple[dict, dict, dict]:
    """True counts rolled up, their perturbed values, and each area's key (the key of its N).

    A figure's perturbation follows from its own cell key *and* its area's: when anything in an
    area changes, every figure of the area is drawn anew. With the cell's key alone, a figure
    whose respondents stayed the same would keep its value, and the figures that moved would
    show which answers a newcomer gave, however they moved.
    """
    counts = roll_up(parents, {cell: n for cell, (n, _keys) in cells.items()})
    key_sums = roll_up(parents, {cell: keys for cell, (_n, keys) in cells.items()})
    if area_keys is None:
        area_keys = {area: cell_key(total) for (area, column, measure), total in key_sums.items()
                     if column == ALL and measure == N}
    if secret is None:
        return counts, _capped(dict(counts)), area_keys
    values = {cell: perturb(count, cell_key(key_sums.get(cell, 0)) << 32 | area_keys.get(cell[0], 0), secret)
              for cell, count in counts.items()}
    return counts, _capped(values), area_keys


def _capped(values: dict[Cell, int]) -> dict[Cell, int]:
    """No base above the number of responses, no option above its base: a perturbation must not
    print "31 of 30". (Equal sets of respondents already get equal values.)"""
    capped = dict(values)
    for pass_options in (False, True):  # bases first, then the options under them
        for (area, column, (question, option, rank)), value in values.items():
            if question == N[0] or (option != "") is not pass_options:
                continue
            limit = (area, column, (question, "", 0)) if pass_options else (area, column, N)
            if limit not in capped:
                limit = (area, column, N)  # a question everyone answered: its base is N
            if limit in capped:
                capped[(area, column, (question, option, rank))] = min(value, capped[limit])
    return capped


def _with_bases(statuses: dict[Cell, Status], values: dict[Cell, int], everyone: frozenset[str]) -> dict[Cell, Status]:
    """Give the base of a question everyone answered the status of N (its value is N's already)."""
    if not everyone:
        return statuses
    result = dict(statuses)
    for (area, column, measure), state in statuses.items():
        if measure == N:
            for key in everyone:
                base = (area, column, (key, "", 0))
                if base in values:
                    result[base] = state
                    values[base] = values[(area, column, N)]
    return result
