"""Writing the audit log. Flushes nothing and commits nothing: the entry goes with the request's work."""

from __future__ import annotations

from flask_login import current_user

from ..extensions import db
from .models import AuditEntry


def record(action: str, survey_round=None, area=None, detail: str | None = None, user=None) -> AuditEntry:
    """Add an entry for ``action`` (a stable word such as ``export_researchers``) by ``user``
    (default: the signed-in user), about a round and an area where it concerns one.

    The detail is for people reading the log: never an answer, a contact detail or a receipt code.
    """
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(user_id=user.id if user is not None else None, action=action,
                       round_id=survey_round.id if survey_round is not None else None,
                       area_id=area.id if area is not None else None, detail=detail[:200] if detail else None)
    db.session.add(entry)
    return entry
