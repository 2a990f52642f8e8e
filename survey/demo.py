"""Synthetic responses for trying the dashboards and for benchmarks, always marked as demo data.

Each neighbourhood gets its own taste (weights drawn from its key), so that dashboards show real
differences between neighbourhoods. Rows are written in bulk: executemany on SQLite, COPY on
PostgreSQL, so that a million responses take minutes.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import uuid
from collections.abc import Iterator

from sqlalchemy import delete, func, insert, select, text

from .definitions import Definition
from .extensions import db
from .responses.models import RECORD_KEYS, Answer, Channel, Response


CHUNK = 20_000
# Roughly how often a resident who answers a question chooses each kind of answer.
MULTIPLE_MEAN = {"activities": 5, "reach": 2, "barriers": 1.6, "hear": 2.2, "building": 2, "help": 1.1, "household": 1.1, "home_language": 1.2}


class Taste:
    """The preferences of one neighbourhood: a weight per option of every choice question."""

    def __init__(self, definition: Definition, seed: str):
        rng = random.Random(seed)
        self.weights = {}
        for q in definition.questions():
            keys = [o.key for o in definition.options_of(q)] if q.type in ("single", "multiple") else []
            if q.type == "grid":
                keys = [f"{r.key}:{c.key}" for r in q.rows for c in q.columns]
            if keys:
                raw = [rng.gammavariate(0.8, 1.0) for _ in keys]
                total = sum(raw)
                self.weights[q.key] = (keys, [w / total for w in raw])
        self.door_share = rng.uniform(0.15, 0.45)
        self.answer_rate = {q.key: rng.uniform(0.6, 0.95) for q in definition.questions()}


def _responses(definition: Definition, taste: Taste, rng: random.Random) -> Iterator[list[tuple]]:
    """Yield the answer rows (question, option, rank) of one synthetic response at a time."""
    questions = definition.questions()
    while True:
        rows: list[tuple] = []
        chosen_activities: list[str] = []
        for q in questions:
            if q.key not in taste.weights and q.type != "ranking":
                continue
            if not q.required and rng.random() > taste.answer_rate[q.key]:
                continue
            if q.type == "single":
                keys, weights = taste.weights[q.key]
                rows.append((q.key, rng.choices(keys, weights)[0], None))
            elif q.type in ("multiple", "grid"):
                keys, weights = taste.weights[q.key]
                mean = MULTIPLE_MEAN.get(q.key, 4 if q.type == "grid" else 2)
                picked = [k for k, w in zip(keys, weights) if rng.random() < min(0.95, w * mean)]
                picked = [k for k in picked if k not in q.exclusive] or picked[:1] or [rng.choices(keys, weights)[0]]
                rows.extend((q.key, key, None) for key in picked)
                if q.key == "activities":
                    chosen_activities = picked
            elif q.type == "ranking" and chosen_activities:
                order = sorted(chosen_activities, key=lambda k: -taste.weights["activities"][1][taste.weights["activities"][0].index(k)] * rng.random())
                rows.extend((q.key, key, place) for place, key in enumerate(order[: q.pick], start=1))
        yield rows


def generate(survey_round, count: int, seed: int = 2026, progress=None) -> int:
    """Add ``count`` demo responses to ``survey_round``, spread over its neighbourhoods.

    :param progress: called with the number stored so far after each chunk.
    """
    definition = survey_round.definition
    rng = random.Random(seed)
    hoods = list(survey_round.areas)
    # Bigger and smaller neighbourhoods: some answer far more than others.
    sizes = [rng.uniform(0.2, 3.0) for _ in hoods]
    tastes = {hood.id: Taste(definition, f"{seed}:{hood.key}") for hood in hoods}
    generators = {hood.id: _responses(definition, tastes[hood.id], random.Random(f"{seed}:{hood.key}:answers")) for hood in hoods}
    languages = survey_round.languages
    language_weights = [8.0 if code == "nl" else 1.0 for code in languages]
    first_day = survey_round.opens_on
    days = max(1, (min(dt.date.today(), survey_round.closes_on) - first_day).days + 1)

    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    next_id = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    stored = 0
    while stored < count:
        batch = min(CHUNK, count - stored)
        responses, answers = [], []
        for _ in range(batch):
            hood = rng.choices(hoods, sizes)[0]
            rows = next(generators[hood.id])
            age = next((option for question, option, _ in rows if question == "age_group"), None)
            responses.append({
                "id": next_id, "uuid": str(uuid.uuid4()),  # not from the seed: a second load must not repeat them
                "round_id": survey_round.id, "survey_version_id": survey_round.survey_version_id,
                "area_id": hood.id,
                "channel": (Channel.DOOR if rng.random() < tastes[hood.id].door_share else Channel.ONLINE).value,
                "language": rng.choices(languages, language_weights)[0],
                "day": first_day + dt.timedelta(days=rng.randrange(days)),
                "age_group": age, "receipt_hash": None, "is_demo": True,
                "cell_key": secrets.randbelow(RECORD_KEYS), "release_id": None,
            })
            answers.extend((next_id, question, option, rank) for question, option, rank in rows)
            next_id += 1
        if postgres:
            _copy(connection, responses, answers)
        else:
            connection.execute(insert(Response), responses)
            connection.execute(
                insert(Answer), [{"response_id": r, "question": q, "option": o, "rank": k} for r, q, o, k in answers]
            )
        stored += batch
        if progress:
            progress(stored)
    if postgres:
        connection.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), (SELECT max(id) FROM response))"))
    return stored


def _copy(connection, responses: list[dict], answers: list[tuple]) -> None:
    """PostgreSQL's COPY: an order of magnitude faster than INSERT for millions of rows."""
    cursor = connection.connection.driver_connection.cursor()
    columns = list(responses[0])
    with cursor.copy(f"COPY response ({', '.join(columns)}) FROM STDIN") as copy:
        for row in responses:
            copy.write_row([row[c] for c in columns])
    with cursor.copy("COPY answer (response_id, question, option, rank) FROM STDIN") as copy:
        for row in answers:
            copy.write_row(row)


def remove(survey_round=None) -> int:
    """Delete all demo responses (of one round, or of all)."""
    condition = Response.is_demo.is_(True)
    if survey_round is not None:
        condition = condition & (Response.round_id == survey_round.id)
    ids = select(Response.id).where(condition)
    db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
    return db.session.execute(delete(Response).where(condition)).rowcount
