"""Writes: store a response, find and delete it by receipt code. Services flush; views commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid as uuid_module
from dataclasses import dataclass

from blinker import signal
from sqlalchemy import delete, insert, select

from ..audit.residents import record_receipt_deletion
from ..definitions import AnswerRow
from ..extensions import db
from ..keys import app_key
from ..surveys.models import SurveyVersion
from .models import RECORD_KEYS, Answer, Channel, Response, SealedItem, VolunteerContact
from .sealing import INTERVIEW, seal, unseal

# Sent after a response was deleted (``released``: whether a release had counted it).
response_deleted = signal("response-deleted")
# Sent after responses were written in bulk, past store_response (demo data, imports): round_id.
responses_bulk_loaded = signal("responses-bulk-loaded")

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
AGE_QUESTION = "age_group"
# The receipt code is hashed under a different key for each table that holds it (and sealed
# items of the same kinds use the same words).
RESPONSE, CONTACT = "response", "contact"


def new_receipt_code() -> str:
    """A code such as ``7KQ4-M2XD-9PTA``: 60 random bits, easy to read aloud and type."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalized_receipt(code: str) -> str | None:
    """A receipt code without dashes or spaces, forgiving about case and look-alikes; ``None``
    when it cannot be one."""
    cleaned = "".join(code.upper().split()).replace("-", "")
    cleaned = cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(cleaned) != 12 or any(ch not in RECEIPT_ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_hash(code: str, purpose: str = RESPONSE) -> str | None:
    """The stored form of a receipt code in the table of ``purpose``: a keyed hash (HMAC) of its
    SHA-256, so that the response table and the contact table hold different values."""
    cleaned = normalized_receipt(code)
    if cleaned is None:
        return None
    return keyed_receipt_hash(hashlib.sha256(cleaned.encode()).hexdigest(), app_key(f"receipt:{purpose}"))


def keyed_receipt_hash(plain_sha256: str, key: bytes) -> str:
    """The keyed hash of a receipt's SHA-256 (also how migration 0004 re-keyed older rows)."""
    return hmac.new(key, plain_sha256.encode(), hashlib.sha256).hexdigest()


def split_answers(definition, answers: dict) -> tuple[list[AnswerRow], dict | None]:
    """The anonymous answer rows, and the contact details (with what the volunteer offered) if
    the resident left them. A talent is then kept with the contact only: as free text it could
    join the two."""
    rows, contact = [], None
    consent = next((q for q in definition.questions() if q.kind.stored_apart and answers.get(q.key)), None)
    if consent is not None:
        offered = answers.get("help") or {"options": []}
        details = answers[consent.key]
        contact = {"name": details.get("name"), "email": details.get("email"), "phone": details.get("phone"),
                   "roles": ",".join(key for key in offered["options"] if key != "no") or None,
                   "talent": answers.get("talent")}
    for question in definition.questions():
        value = answers.get(question.key)
        if value is None or question.kind.stored_apart or (contact and question.key == "talent"):
            continue
        rows.extend(question.kind.to_rows(question, value))
    return rows, contact


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
    version: SurveyVersion | None = None,
    hashed_receipt: str | None = None,
) -> tuple[int, str | None]:
    """Store a validated set of answers with a new receipt code; return the response's id and the code.

    Contact details (from a consent question) are sealed apart, under a hash of their own.

    :param receipt_code: a code made on a canvasser's device and shown to the resident at the door
        (checked with :func:`receipt_hash` by the caller); a new one when not given.
    :param version: the survey version answered (an interview recorded before an admin loaded a
        new one); the round's own by default.
    :param hashed_receipt: the receipt's stored hash, for an interview that waited sealed (its
        code is known to the resident only); the code returned is then ``None``.
    """
    version = version or survey_round.version
    code = None if hashed_receipt else (receipt_code or new_receipt_code())
    rows, contact = split_answers(version.definition, answers)
    if contact is not None and code is not None:
        seal_contact(survey_round, area, contact, language, code)
    # Core statements, not the ORM's unit of work: the row and its answers are all there is to it.
    response_id = db.session.execute(insert(Response).returning(Response.id), {
        "uuid": response_uuid or str(uuid_module.uuid4()),
        "round_id": survey_round.id,
        "survey_version_id": version.id,
        "area_id": area.id,
        "channel": channel,
        "language": language,
        "day": day or dt.date.today(),
        "age_group": answers.get(AGE_QUESTION) if isinstance(answers.get(AGE_QUESTION), str) else None,
        "receipt_hash": hashed_receipt or receipt_hash(code),
        "is_demo": False,
        "cell_key": secrets.randbelow(RECORD_KEYS),
    }).scalar_one()
    if rows:
        db.session.execute(insert(Answer), [
            {"response_id": response_id, "question": r.question, "option": r.option, "rank": r.rank,
             "number": r.number, "text": r.text}
            for r in rows
        ])
    return response_id, code


def seal_contact(survey_round, area, contact: dict, language: str, code: str) -> None:
    """Keep a volunteer's contact details sealed until the next release writes them."""
    db.session.add(SealedItem(kind=CONTACT, round_id=survey_round.id, area_id=area.id,
                              receipt_hash=receipt_hash(code, CONTACT),
                              payload=seal({**contact, "language": language})))


class ReceiptTaken(ValueError):
    """A receipt code made on a device is already in use (two interviews cannot share one)."""


def seal_interview(survey_round, area, answers: dict, *, language: str, response_uuid: str,
                   receipt_code: str | None, version: SurveyVersion) -> str:
    """Keep a door-to-door interview sealed until enough of its neighbourhood can be stored at
    once (see sealing.py); its contact details are sealed apart. Returns the receipt code."""
    code = receipt_code or new_receipt_code()
    hashed = receipt_hash(code)
    taken = db.session.scalar(select(Response.id).where(Response.receipt_hash == hashed)) or db.session.scalar(
        select(SealedItem.id).where(SealedItem.kind == INTERVIEW, SealedItem.receipt_hash == hashed))
    if taken:
        raise ReceiptTaken(code)
    rows, contact = split_answers(version.definition, answers)
    if contact is not None:
        seal_contact(survey_round, area, contact, language, code)
        answers = {key: value for key, value in answers.items()
                   if key != "talent" and not version.definition.question(key).kind.stored_apart}
    db.session.add(SealedItem(
        kind=INTERVIEW, round_id=survey_round.id, area_id=area.id, uuid=response_uuid,
        receipt_hash=hashed, payload=seal({"version": version.id, "language": language, "answers": answers}),
    ))
    db.session.flush()
    return code


def unsealed_interview(item: SealedItem) -> dict:
    """What a sealed interview holds: ``version`` (id), ``language`` and ``answers``."""
    return unseal(item.payload)


def interview_content(area_key: str, language: str, version: SurveyVersion, answers: dict) -> tuple:
    """What makes two sendings of an interview the same: place, language, version and the
    anonymous answer rows (so that a resend is a duplicate, and a changed one a conflict)."""
    rows, _contact = split_answers(version.definition, answers)
    return area_key, language, version.id, sorted(_row_tuple(row) for row in rows)


def _row_tuple(row) -> tuple:
    return (row.question, row.option or "", row.rank or 0, row.number if row.number is not None else "", row.text or "")


def stored_interview(response_uuid: str) -> tuple | None:
    """The content (as :func:`interview_content`) of an interview stored or sealed under this UUID."""
    from ..areas.models import Area

    response = db.session.scalar(select(Response).where(Response.uuid == response_uuid))
    if response is not None:
        area_key = db.session.get(Area, response.area_id).key
        return (area_key, response.language, response.survey_version_id,
                sorted(_row_tuple(row) for row in response.answers))
    sealed = db.session.scalar(select(SealedItem).where(SealedItem.uuid == response_uuid))
    if sealed is None:
        return None
    content = unsealed_interview(sealed)
    version = db.session.get(SurveyVersion, content["version"])
    return interview_content(db.session.get(Area, sealed.area_id).key, content["language"], version, content["answers"])


@dataclass
class Found:
    """A resident's own answers, found with their receipt code (stored, or still sealed)."""

    answers: dict
    definition: object
    day: dt.date | None
    contacts: list[dict]


def find_by_receipt(code: str) -> Found | None:
    """The answers (and contact details) belonging to a receipt code, or ``None``."""
    hashed = receipt_hash(code)
    if hashed is None:
        return None
    contacts = contacts_by_receipt(code)
    response = db.session.scalar(select(Response).where(Response.receipt_hash == hashed))
    if response is not None:
        return Found(answers_of(response), response_definition(response), response.day, contacts)
    sealed = db.session.scalar(select(SealedItem).where(SealedItem.kind == INTERVIEW, SealedItem.receipt_hash == hashed))
    if sealed is not None:
        content = unsealed_interview(sealed)
        return Found(content["answers"], db.session.get(SurveyVersion, content["version"]).definition, None, contacts)
    return None


def contacts_by_receipt(code: str) -> list[dict]:
    hashed = receipt_hash(code, CONTACT)
    if hashed is None:
        return []
    stored = db.session.scalars(select(VolunteerContact).where(VolunteerContact.receipt_hash == hashed))
    sealed = db.session.scalars(select(SealedItem).where(SealedItem.kind == CONTACT, SealedItem.receipt_hash == hashed))
    return [{"name": c.name, "email": c.email, "phone": c.phone} for c in stored] + [unseal(s.payload) for s in sealed]


def delete_by_receipt(code: str) -> bool:
    """Delete a response (or a sealed interview), its answers and any contact details left with
    it. True if anything was found."""
    hashed, contact_hash = receipt_hash(code), receipt_hash(code, CONTACT)
    if hashed is None:
        return False
    rounds = set(db.session.scalars(select(VolunteerContact.round_id).where(VolunteerContact.receipt_hash == contact_hash)))
    rounds.update(db.session.scalars(select(SealedItem.round_id).where(
        ((SealedItem.kind == INTERVIEW) & (SealedItem.receipt_hash == hashed))
        | ((SealedItem.kind == CONTACT) & (SealedItem.receipt_hash == contact_hash)))))
    found = db.session.execute(delete(VolunteerContact).where(VolunteerContact.receipt_hash == contact_hash)).rowcount
    found += db.session.execute(delete(SealedItem).where(
        ((SealedItem.kind == INTERVIEW) & (SealedItem.receipt_hash == hashed))
        | ((SealedItem.kind == CONTACT) & (SealedItem.receipt_hash == contact_hash)))).rowcount
    response = db.session.scalar(select(Response).where(Response.receipt_hash == hashed))
    if response is not None:
        round_id, area_id, released = response.round_id, response.area_id, response.release_id is not None
        rounds.add(round_id)
        db.session.delete(response)
        db.session.flush()
        response_deleted.send(None, round_id=round_id, area_id=area_id, released=released)
        found += 1
    # Accountability without a trace back to the resident: the round and the day only.
    record_receipt_deletion(rounds)
    db.session.flush()
    return found > 0


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
