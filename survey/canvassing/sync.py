"""The shape of a batch sent by a canvasser's device to ``POST /api/v1/submissions`` (pure).

A batch is ``{"items": [...]}``. Each item is an interview or a visit outcome, with a UUID made on
the device::

    {"type": "interview", "uuid": "…", "round": "activities-2026", "version": 1,
     "area": "wyckerpoort", "language": "ar", "day": "2026-05-04", "receipt": "7KQ4-M2XD-9PTA",
     "answers": {"q-visit_frequency": ["monthly"], "q-activities": ["quiz", "other"],
                 "q-activities-other": ["Jeu de boules"]}}

    {"type": "visit", "uuid": "…", "round": "activities-2026", "door": 812,
     "outcome": "come_back", "come_back_at": "2026-05-06T18:30",
     "visited_at": "2026-05-04T14:03:11Z", "interview": "<uuid of the interview at this door>"}

``answers`` holds the form fields exactly as the online form posts them, so that one set of rules
(``responses.flow``) validates both channels. A visit with the outcome "interviewed" names the
interview it belongs to (``interview``), so that the server stores both or neither; that link is
used within the request only and never stored. The server keeps only the day of ``visited_at``.
This module only checks the shape; whether a round, a neighbourhood or a door exists and may be
used is for the services.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_module
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from .outcomes import VisitOutcome

MAX_FIELDS = 300  # form fields in one interview; the default survey has about 120 possible
MAX_VALUES = 200  # values of one field (a grid has 21 cells)
MAX_VALUE_LENGTH = 10_000
FIELD_NAME = re.compile(r"^q-[a-z][a-z0-9_]{0,39}(-[a-z0-9_]{1,40})?$")
KEY = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


class BatchError(ValueError):
    """A batch that is refused as a whole; ``code`` says why (``malformed_batch``, ``batch_too_large``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Rejection:
    """An item refused before it reached the database; ``code`` is stable, for machines."""

    uuid: str | None
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Interview:
    uuid: str
    round_key: str
    version: int
    area_key: str
    language: str
    day: dt.date
    answers: MultiDict
    receipt: str | None


@dataclass(frozen=True)
class VisitReport:
    uuid: str
    round_key: str
    door_id: int
    outcome: VisitOutcome
    visited_at: dt.datetime
    come_back_at: dt.datetime | None
    language: str | None
    interview: str | None = None


Item = Interview | VisitReport | Rejection


def parse_batch(payload, max_items: int) -> list[Item]:
    """Read a batch; every item becomes an ``Interview``, a ``VisitReport`` or a ``Rejection``.

    :raise BatchError: when the batch itself is not a JSON object with a list of items, or too long.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise BatchError("malformed_batch")
    items = payload["items"]
    if len(items) > max_items:
        raise BatchError("batch_too_large")
    return [parse_item(item) for item in items]


def parse_item(item) -> Item:
    if not isinstance(item, dict):
        return Rejection(None, "malformed")
    item_uuid = canonical_uuid(item.get("uuid"))
    if item_uuid is None:
        return Rejection(None, "bad_uuid")
    kind = item.get("type")
    try:
        if kind == "interview":
            return _interview(item_uuid, item)
        if kind == "visit":
            return _visit(item_uuid, item)
    except _Malformed as problem:
        return Rejection(item_uuid, "malformed", {"field": problem.field})
    return Rejection(item_uuid, "unknown_type")


def canonical_uuid(value) -> str | None:
    """The UUID in its lower-case hyphenated form, or ``None`` if it is not one."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return str(uuid_module.UUID(value))
    except ValueError:
        return None


class _Malformed(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.field = name


def storable(value: str) -> bool:
    """Whether a text can be stored: valid UTF-8 (no lone surrogate such as "\\ud800", which JSON
    allows) and no NUL (which PostgreSQL refuses)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


def _text(item: dict, name: str, pattern: re.Pattern | None = None, max_length: int = 60) -> str:
    value = item.get(name)
    if (not isinstance(value, str) or not value or len(value) > max_length or not storable(value)
            or (pattern and not pattern.match(value))):
        raise _Malformed(name)
    return value


def _whole_number(item: dict, name: str) -> int:
    value = item.get(name)
    # bool is an int in Python; true is not a door.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise _Malformed(name)
    return value


def _interview(item_uuid: str, item: dict) -> Interview:
    try:
        day = dt.date.fromisoformat(_text(item, "day", max_length=10))
    except ValueError:
        raise _Malformed("day") from None
    receipt = item.get("receipt")
    if receipt is not None and (not isinstance(receipt, str) or len(receipt) > 20 or not storable(receipt)):
        raise _Malformed("receipt")
    return Interview(
        uuid=item_uuid,
        round_key=_text(item, "round", KEY),
        version=_whole_number(item, "version"),
        area_key=_text(item, "area", KEY),
        language=_text(item, "language", LANGUAGE, 10),
        day=day,
        answers=answers_as_form(item.get("answers")),
        receipt=receipt,
    )


def answers_as_form(answers) -> MultiDict:
    """The answers of an interview as the form data the question types read.

    :raise _Malformed: for anything that is not ``{field name: string or list of strings}``.
    """
    if not isinstance(answers, dict) or len(answers) > MAX_FIELDS:
        raise _Malformed("answers")
    form = MultiDict()
    for name, values in answers.items():
        if not FIELD_NAME.match(name):
            raise _Malformed("answers")
        values = [values] if isinstance(values, str) else values
        if not isinstance(values, list) or len(values) > MAX_VALUES:
            raise _Malformed("answers")
        for value in values:
            if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH or not storable(value):
                raise _Malformed("answers")
            form.add(name, value)
    return form


def _visit(item_uuid: str, item: dict) -> VisitReport:
    try:
        outcome = VisitOutcome(item.get("outcome"))
    except ValueError:
        raise _Malformed("outcome") from None
    come_back_at = language = None
    if outcome is VisitOutcome.COME_BACK:
        come_back_at = _wall_clock(_text(item, "come_back_at", max_length=25), "come_back_at")
    if outcome is VisitOutcome.LANGUAGE_BARRIER:
        language = _text(item, "language", max_length=40).strip()
        if not language or not language.isprintable():
            raise _Malformed("language")
    interview = None
    if item.get("interview") is not None:
        interview = canonical_uuid(item.get("interview"))
        if interview is None or outcome is not VisitOutcome.INTERVIEWED:
            raise _Malformed("interview")
    return VisitReport(
        uuid=item_uuid,
        round_key=_text(item, "round", KEY),
        door_id=_whole_number(item, "door"),
        outcome=outcome,
        visited_at=_utc(_text(item, "visited_at", max_length=40), "visited_at"),
        come_back_at=come_back_at,
        language=language,
        interview=interview,
    )


def _wall_clock(value: str, name: str) -> dt.datetime:
    """A local date and time as the resident named it, without a time zone."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _Malformed(name) from None
    if moment.tzinfo is not None:
        raise _Malformed(name)
    return moment.replace(second=0, microsecond=0)


def _utc(value: str, name: str) -> dt.datetime:
    """A moment with a time zone (``…Z`` from ``Date.toISOString()``), as naive UTC for storage."""
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        # "0001-01-01T00:00:00+14:00" lies before the first moment a datetime can hold in UTC.
        return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError):
        raise _Malformed(name) from None
