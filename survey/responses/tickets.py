"""Form tickets: which resident a posted form belongs to, on a device that passes from hand to hand.

The resident's form posts every answer given so far, and a browser keeps those posts in its
history: after a resident sent the survey, the next person at a library computer or a community
centre's tablet could press Back, confirm "send again", and see the previous answers. So every
form carries a signed ticket naming the resident's *epoch* (a random value in the session). When
a survey is sent, a receipt is looked up, or someone presses "Next resident", the epoch changes:
every earlier page of that browser is then refused as stale, and shows nothing. The ticket also
holds when the form was started, to hold back bots that send a whole survey in a few seconds.
"""

from __future__ import annotations

import secrets
import time

from flask import current_app, g, session
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "resident-form-ticket"
_EPOCH = "resident"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _epoch() -> str:
    if _EPOCH not in session:
        session[_EPOCH] = secrets.token_urlsafe(12)
    return session[_EPOCH]


def issue(started: float | None = None) -> str:
    """A ticket for the current resident, started now (or when their form was started)."""
    return _serializer().dumps({"e": _epoch(), "t": int(started if started is not None else time.time())})


def started_at(ticket: str | None) -> float | None:
    """When the form of a ticket was started, if the ticket belongs to the current resident."""
    if not ticket or _EPOCH not in session:
        return None
    try:
        data = _serializer().loads(ticket)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != session[_EPOCH] or not isinstance(data.get("t"), int):
        return None
    return data["t"]


def next_resident() -> None:
    """Forget the current resident: every page of theirs still in the browser becomes stale."""
    session.pop(_EPOCH, None)
    # A new CSRF token for the next form; Flask-WTF also keeps the request's token in ``g``.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
