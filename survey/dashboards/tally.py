"""The tally (models.Tally): counts of the *released* responses, written by a release only.

A release recounts the neighbourhoods whose figures change, each with a few GROUP BY statements
over its released answers; nothing on the path of a submission touches the tally, so storing a
response costs only its own rows. Each count carries the sum of its responses' record keys, from
which the cell-key method derives its perturbation.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, SmallInteger, String, Table, delete, distinct, func, insert
from sqlalchemy import BigInteger, literal, literal_column, select, text

from ..extensions import db
from ..responses.models import Answer, Response
from .models import Tally

DIMS = ("age_group", "channel", "language", "period")
N_QUESTION = "_n"  # the row counting responses


def period_of(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"  # strftime writes the year 1 as "1", not "0001"


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def recount(round_id: int, area_ids: list[int] | None = None) -> None:
    """Count the released responses of some neighbourhoods of a round (all when ``None``) again."""
    condition = [Tally.round_id == round_id] + ([Tally.area_id.in_(area_ids)] if area_ids is not None else [])
    db.session.execute(delete(Tally).where(*condition))
    if area_ids is None or area_ids:
        _insert_counts(round_id, area_ids)
    db.session.flush()


def _insert_counts(round_id: int, area_ids: list[int] | None) -> None:
    """Fill the tally from the answers: one pass per kind of count into a staging table, then
    one GROUP BY per slice dimension from there (the staging table is a few thousand times
    smaller than the answers)."""
    stage = _stage_table()
    where = [Response.round_id == round_id, Response.release_id.is_not(None)]
    if area_ids is not None:
        where.append(Response.area_id.in_(area_ids))
    # Constants are written into the SQL (not bound), so that PostgreSQL sees the GROUP BY
    # expressions as the very ones selected.
    cross = [Response.area_id, func.coalesce(Response.age_group, literal_column("''")), Response.channel,
             Response.language, _month(Response.day)]
    rank = func.coalesce(Answer.rank, literal_column("0"))
    names = ["area_id", "age_group", "channel", "language", "period", "question", "option", "rank", "n", "key_sum"]
    counted = (func.count(), func.sum(Response.cell_key))
    option_counts = (
        select(*cross, Answer.question, Answer.option, rank, *counted)
        .join(Response, Response.id == Answer.response_id)
        .where(*where, Answer.option.is_not(None))
        .group_by(*cross, Answer.question, Answer.option, rank)
    )
    in_ranking = (
        select(*cross, Answer.question, Answer.option, literal(0), *counted)
        .join(Response, Response.id == Answer.response_id)
        .where(*where, Answer.option.is_not(None), Answer.rank.is_not(None))
        .group_by(*cross, Answer.question, Answer.option)
    )
    # A base counts each respondent once per question, however many rows their answer has.
    answered = select(distinct(Answer.response_id).label("response_id"), Answer.question).subquery()
    bases = (
        select(*cross, answered.c.question, literal(""), literal(0), *counted)
        .select_from(answered).join(Response, Response.id == answered.c.response_id)
        .where(*where)
        .group_by(*cross, answered.c.question)
    )
    responses = select(*cross, literal(N_QUESTION), literal(""), literal(0), *counted).where(*where).group_by(*cross)
    for query in (option_counts, in_ranking, bases, responses):
        db.session.execute(insert(stage).from_select(names, query))
    for dim in ("all", *DIMS):
        value = stage.c[dim] if dim != "all" else literal("")
        rollup = (
            select(literal(round_id), literal(dim), stage.c.area_id, value, stage.c.question, stage.c.option,
                   stage.c.rank, func.sum(stage.c.n), func.sum(stage.c.key_sum))
            .group_by(stage.c.area_id, *([stage.c[dim]] if dim != "all" else []), stage.c.question, stage.c.option, stage.c.rank)
        )
        db.session.execute(insert(Tally).from_select(
            ["round_id", "dim", "area_id", "value", "question", "option", "rank", "n", "key_sum"], rollup))
    db.session.execute(text(f"DROP TABLE {stage.name}"))


def _stage_table() -> Table:
    table = Table(
        "dashboard_stage", MetaData(),
        Column("area_id", Integer), Column("age_group", String(40)), Column("channel", String(10)),
        Column("language", String(10)), Column("period", String(7)), Column("question", String(40)),
        Column("option", String(40)), Column("rank", SmallInteger), Column("n", Integer), Column("key_sum", BigInteger),
        prefixes=["TEMPORARY"],
    )
    db.session.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
    table.create(db.session.connection())
    return table
