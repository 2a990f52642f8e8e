"""Reads of accounts: who has an account, and how many live sessions each has."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from ..extensions import db
from .models import User, UserSession
from .sessions import SessionPolicy, utcnow


def accounts_with_live_sessions(policy: SessionPolicy) -> list[tuple[User, int]]:
    """Every account by e-mail address, with its number of live sessions."""
    now = utcnow()
    open_sessions = db.session.scalars(
        select(UserSession).where(UserSession.ended_at.is_(None), UserSession.created_at >= now - policy.absolute)
    )
    live = Counter(row.user_id for row in open_sessions if policy.is_live(row, row.user.role, now))
    users = db.session.scalars(select(User).order_by(User.email))
    return [(user, live[user.id]) for user in users]
