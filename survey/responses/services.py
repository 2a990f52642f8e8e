"""Writes: store a response, find and delete it by receipt code. Services flush; views commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid as uuid_module

from blinker import signal
from sqlalchemy import delete, insert, select

from ..definitions import AnswerRow
from ..extensions import db
from ..surveys.models import SurveyVersion
from .models import Answer, Channel, Response, VolunteerContact

# Sent after a response was stored or deleted (dashboards drop their cached numbers).
response_stored = signal("response-stored")
response_deleted = signal("response-deleted")
# Sent after responses were written in bulk, past store_response (demo data, imports): round_id.
responses_bulk_loaded = signal("responses-bulk-loaded")

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
AGE_QUESTION = "age_group"


def new_receipt_code() -> str:
    """A code such as ``7KQ4-M2XD-9PTA``: 60 random bits, easy to read aloud and type."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def receipt_hash(code: str) -> str | None:
    """The stored form of a receipt code; forgiving about case, spaces, dashes and look-alikes."""
    cleaned = "".join(code.upper().split()).replace("-", "")
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != 12 or any(ch not in RECEIPT_ALPHABET for ch in cleaned):
        return None
    return hashlib.sha256(cleaned.encode()).hexdigest()


def store_response(
    survey_round,
    area,
    answers: dict,
    *,
    channel: Channel,
    language: str,
    response_uuid: str | None = None,
    day: dt.date | None = None,
    receipt_code: str | None = None,
) -> tuple[Response, str]:
    """Store a validated set of answers with a new receipt code; return the response and the code.

    Contact details (from a consent question) are stored apart, under the same receipt code.

    :param receipt_code: a code made on a canvasser's device and shown to the resident at the door
        (checked with :func:`receipt_hash` by the caller); a new one when not given.
    """
    definition = survey_round.definition
    code = receipt_code or new_receipt_code()
    hashed = receipt_hash(code)
    response = Response(
        uuid=response_uuid or str(uuid_module.uuid4()),
        round_id=survey_round.id,
        survey_version_id=survey_round.survey_version_id,
        area_id=area.id,
        channel=channel,
        language=language,
        day=day or dt.date.today(),
        age_group=answers.get(AGE_QUESTION) if isinstance(answers.get(AGE_QUESTION), str) else None,
        receipt_hash=hashed,
    )
    rows = []
    for question in definition.questions():
        value = answers.get(question.key)
        if value is None:
            continue
        if question.kind.stored_apart:
            db.session.add(_contact(survey_round, area, hashed, value, answers, language))
            continue
        rows.extend(question.kind.to_rows(question, value))
    db.session.add(response)
    db.session.flush()
    if rows:
        # One executemany for the answer rows: the ORM's unit of work costs more than the insert.
        db.session.execute(insert(Answer), [
            {"response_id": response.id, "question": r.question, "option": r.option, "rank": r.rank,
             "number": r.number, "text": r.text}
            for r in rows
        ])
    response_stored.send(response, round_id=survey_round.id, area_id=area.id)
    return response, code


def _contact(survey_round, area, hashed, details: dict, answers: dict, language: str) -> VolunteerContact:
    offered = answers.get("help") or {"options": []}
    return VolunteerContact(
        round_id=survey_round.id,
        area_id=area.id,
        receipt_hash=hashed,
        name=details.get("name"),
        email=details.get("email"),
        phone=details.get("phone"),
        roles=",".join(key for key in offered["options"] if key != "no") or None,
        talent=answers.get("talent"),
        language=language,
    )


def find_by_receipt(code: str) -> Response | None:
    hashed = receipt_hash(code)
    if hashed is None:
        return None
    return db.session.scalar(select(Response).where(Response.receipt_hash == hashed))


def contacts_by_receipt(code: str) -> list[VolunteerContact]:
    hashed = receipt_hash(code)
    if hashed is None:
        return []
    return list(db.session.scalars(select(VolunteerContact).where(VolunteerContact.receipt_hash == hashed)))


def delete_by_receipt(code: str) -> bool:
    """Delete a response, its answers and any contact details left with it. True if found."""
    response = find_by_receipt(code)
    if response is None:
        return False
    round_id, area_id = response.round_id, response.area_id
    db.session.execute(delete(VolunteerContact).where(VolunteerContact.receipt_hash == response.receipt_hash))
    db.session.delete(response)
    db.session.flush()
    response_deleted.send(None, round_id=round_id, area_id=area_id)
    return True


def answers_of(response: Response) -> dict:
    """Read a stored response back into answers, per question of its survey version."""
    by_question: dict[str, list[AnswerRow]] = {}
    for row in response.answers:
        by_question.setdefault(row.question, []).append(
            AnswerRow(row.question, option=row.option, rank=row.rank, number=row.number, text=row.text)
        )
    definition = response_definition(response)
    answers = {}
    for question in definition.questions():
        rows = by_question.get(question.key)
        if rows:
            answers[question.key] = question.kind.from_rows(question, rows)
    return answers


def response_definition(response: Response):
    """The definition a response answered (its own version, not the newest)."""
    return db.session.get(SurveyVersion, response.survey_version_id).definition


def delete_expired_contacts(retention_days: int, today: dt.date | None = None) -> int:
    """Delete volunteers' contact details of rounds that closed more than ``retention_days`` ago."""
    from ..surveys.models import SurveyRound

    cutoff = (today or dt.date.today()) - dt.timedelta(days=retention_days)
    expired = select(SurveyRound.id).where(SurveyRound.closes_on < cutoff)
    return db.session.execute(delete(VolunteerContact).where(VolunteerContact.round_id.in_(expired))).rowcount
