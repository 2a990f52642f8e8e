"""Keep the tally (models.Tally) in step with the responses: on each response, and rebuilt in bulk.

A stored response adds one to a few hundred tally rows in the same transaction (an upsert per
row, in one statement); a deleted response makes its neighbourhood's slice be counted again from
the answers. Bulk loads (demo data, imports) bypass both: ``ensure_fresh`` notices them by the
response count and the highest response id, and rebuilds the round with a few GROUP BY statements.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, func, insert, literal, literal_column, select, text, update

from ..extensions import db
from ..responses.models import Answer, Response
from .models import Tally, TallyState

DIMS = ("age_group", "channel", "language", "period")
N_QUESTION = "_n"  # the row counting responses


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"  # strftime writes the year 1 as "1", not "0001"


def _slices(response) -> list[tuple[str, str]]:
    channel = response.channel.value if hasattr(response.channel, "value") else str(response.channel)
    return [("all", ""), ("age_group", response.age_group or ""), ("channel", channel),
            ("language", response.language), ("period", period_of(response.day))]


def _answer_keys(answers) -> dict[tuple[str, str, int], int]:
    """(question, option, rank) -> 1 for every count one response adds to."""
    keys = {(N_QUESTION, "", 0): 1}
    for answer in answers:
        keys[(answer.question, "", 0)] = 1  # the question was answered: part of its base
        if answer.option is None:
            continue
        keys[(answer.question, answer.option, 0)] = 1
        if answer.rank:
            keys[(answer.question, answer.option, answer.rank)] = 1
    return keys


_UPSERT = text(
    "INSERT INTO dashboard_tally (round_id, dim, area_id, value, question, option, rank, n) "
    "VALUES (:round_id, :dim, :area_id, :value, :question, :option, :rank, :n) "
    "ON CONFLICT (round_id, dim, area_id, value, question, option, rank) "
    "DO UPDATE SET n = dashboard_tally.n + excluded.n"
)


_UPSERT_ARRAYS = text(
    "INSERT INTO dashboard_tally (round_id, dim, area_id, value, question, option, rank, n) "
    "SELECT * FROM unnest(CAST(:round_id AS integer[]), CAST(:dim AS varchar[]), CAST(:area_id AS integer[]), "
    "CAST(:value AS varchar[]), CAST(:question AS varchar[]), CAST(:option AS varchar[]), "
    "CAST(:rank AS smallint[]), CAST(:n AS integer[])) "
    "ON CONFLICT (round_id, dim, area_id, value, question, option, rank) "
    "DO UPDATE SET n = dashboard_tally.n + excluded.n"
)


def _lock_state(round_id: int) -> TallyState | None:
    """The round's state row, locked on PostgreSQL so that a rebuild and a submission take turns."""
    return db.session.scalar(select(TallyState).where(TallyState.round_id == round_id).with_for_update())


def add_response(response) -> None:
    """Count one freshly stored response (called from the ``response_stored`` signal)."""
    state = _lock_state(response.round_id)
    if state is None:
        return  # never built: the first dashboard view builds it from the answers
    state.responses += 1
    state.checked_max_id = max(state.checked_max_id, response.id)
    state.version += 1
    rows = [
        {"round_id": response.round_id, "dim": dim, "area_id": response.area_id, "value": value,
         "question": q, "option": o, "rank": r, "n": 1}
        for dim, value in _slices(response)
        for (q, o, r) in _answer_keys(response.answers)
    ]
    if db.session.get_bind().dialect.name == "postgresql":
        # One statement for all rows: PostgreSQL unnests the arrays itself (a fifth of the time
        # of as many single-row upserts).
        columns = ("round_id", "dim", "area_id", "value", "question", "option", "rank", "n")
        db.session.execute(_UPSERT_ARRAYS, {c: [row[c] for row in rows] for c in columns})
    else:
        db.session.execute(_UPSERT, rows)  # SQLite runs the prepared statement per row, in C
    db.session.flush()


def recount_area(round_id: int, area_id: int, removed: int = 1) -> None:
    """Count one neighbourhood's slice again (after a response was deleted)."""
    state = _lock_state(round_id)
    if state is None:
        return
    db.session.execute(delete(Tally).where(Tally.round_id == round_id, Tally.area_id == area_id))
    _insert_counts(round_id, area_id)
    state.responses -= removed
    state.version += 1
    db.session.flush()


def rebuild(round_id: int) -> int:
    """Count a whole round again from its answers; return the number of responses counted."""
    state = _lock_state(round_id)
    db.session.execute(delete(Tally).where(Tally.round_id == round_id))
    _insert_counts(round_id)
    count, highest = db.session.execute(
        select(func.count(), func.coalesce(func.max(Response.id), 0)).where(Response.round_id == round_id)
    ).one()
    overall = db.session.scalar(select(func.coalesce(func.max(Response.id), 0)))
    if state is None:
        # A fresh state starts from a random version, so that no process mistakes the counts
        # cached before a table was emptied (tests, restores) for current ones.
        state = TallyState(round_id=round_id, responses=count, checked_max_id=overall, version=secrets.randbits(48))
        db.session.add(state)
    else:
        state.responses, state.checked_max_id, state.version = count, overall, state.version + 1
    db.session.flush()
    return count


def ensure_fresh(round_id: int) -> int:
    """The tally's version, after rebuilding it if responses were added or removed behind its back.

    Cheap when nothing changed: one primary-key lookup and the highest response id.
    """
    state = db.session.get(TallyState, round_id)
    overall = db.session.scalar(select(func.coalesce(func.max(Response.id), 0)))
    if state is not None and state.checked_max_id == overall:
        return state.version
    if state is not None:
        count = db.session.scalar(select(func.count()).where(Response.round_id == round_id))
        if count == state.responses:
            db.session.execute(update(TallyState).where(TallyState.round_id == round_id).values(checked_max_id=overall))
            return state.version
    rebuild(round_id)
    return db.session.get(TallyState, round_id).version


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def _insert_counts(round_id: int, area_id: int | None = None) -> None:
    """Fill the tally from the answers: one pass per kind of count into a staging table, then
    one GROUP BY per slice dimension from there (the staging table is a few thousand times
    smaller than the answers)."""
    stage = _stage_table()
    where = [Response.round_id == round_id] + ([Response.area_id == area_id] if area_id is not None else [])
    # Constants are written into the SQL (not bound), so that PostgreSQL sees the GROUP BY
    # expressions as the very ones selected.
    cross = [Response.area_id, func.coalesce(Response.age_group, literal_column("''")), Response.channel,
             Response.language, _month(Response.day)]
    rank = func.coalesce(Answer.rank, literal_column("0"))
    names = ["area_id", "age_group", "channel", "language", "period", "question", "option", "rank", "n"]
    option_counts = (
        select(*cross, Answer.question, Answer.option, rank, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(*where, Answer.option.is_not(None))
        .group_by(*cross, Answer.question, Answer.option, rank)
    )
    in_ranking = (
        select(*cross, Answer.question, Answer.option, literal(0), func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(*where, Answer.option.is_not(None), Answer.rank.is_not(None))
        .group_by(*cross, Answer.question, Answer.option)
    )
    bases = (
        select(*cross, Answer.question, literal(""), literal(0), func.count(func.distinct(Answer.response_id)))
        .join(Response, Response.id == Answer.response_id)
        .where(*where)
        .group_by(*cross, Answer.question)
    )
    responses = select(*cross, literal(N_QUESTION), literal(""), literal(0), func.count()).where(*where).group_by(*cross)
    for query in (option_counts, in_ranking, bases, responses):
        db.session.execute(insert(stage).from_select(names, query))
    for dim in ("all", *DIMS):
        value = stage.c[dim] if dim != "all" else literal("")
        rollup = (
            select(literal(round_id), literal(dim), stage.c.area_id, value, stage.c.question, stage.c.option, stage.c.rank, func.sum(stage.c.n))
            .group_by(stage.c.area_id, *([stage.c[dim]] if dim != "all" else []), stage.c.question, stage.c.option, stage.c.rank)
        )
        db.session.execute(insert(Tally).from_select(
            ["round_id", "dim", "area_id", "value", "question", "option", "rank", "n"], rollup))
    db.session.execute(text(f"DROP TABLE {stage.name}"))


def _stage_table():
    from sqlalchemy import Column, Integer, MetaData, SmallInteger, String, Table

    table = Table(
        "dashboard_stage", MetaData(),
        Column("area_id", Integer), Column("age_group", String(40)), Column("channel", String(10)),
        Column("language", String(10)), Column("period", String(7)), Column("question", String(40)),
        Column("option", String(40)), Column("rank", SmallInteger), Column("n", Integer),
        prefixes=["TEMPORARY"],
    )
    db.session.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
    table.create(db.session.connection())
    return table
