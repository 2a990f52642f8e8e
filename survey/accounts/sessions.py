"""Server-side sessions: every sign-in is a row that sign-out, a new password or deactivation ends.

The browser's signed cookie holds only a random id. Whether it still opens anything is decided
here on every request (ASVS 4.0.3 V3.3): the session was not ended, was not idle longer than the
account's role allows, and is younger than the absolute lifetime. Services flush; the request
commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from ..extensions import db
from .models import Role, User, UserSession

# Writing "last seen" on every request would make each page view a write; a minute is precise
# enough for timeouts counted in minutes and hours.
TOUCH_INTERVAL = dt.timedelta(minutes=1)
# Sessions stay listed this long after their absolute end (who was signed in when), then go.
KEEP_ENDED = dt.timedelta(days=90)


def utcnow() -> dt.datetime:
    """Now in UTC, without a time zone, as the ``DateTime`` columns store it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives; see ``SESSION_*_MINUTES`` in config.py."""

    idle: dt.timedelta  # board members and admins
    canvasser_idle: dt.timedelta  # a shift door to door may pass without signal
    absolute: dt.timedelta  # however active the session is

    @classmethod
    def from_config(cls, config) -> SessionPolicy:
        return cls(
            idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            canvasser_idle=dt.timedelta(minutes=config["CANVASSER_IDLE_MINUTES"]),
            absolute=dt.timedelta(minutes=config["SESSION_ABSOLUTE_MINUTES"]),
        )

    def idle_for(self, role: Role) -> dt.timedelta:
        return self.canvasser_idle if role is Role.CANVASSER else self.idle

    def is_live(self, session: UserSession, role: Role, now: dt.datetime) -> bool:
        return (session.ended_at is None
                and now - session.last_seen_at <= self.idle_for(role)
                and now - session.created_at <= self.absolute)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(user: User, now: dt.datetime | None = None) -> tuple[UserSession, str]:
    """A new session for ``user``: the row, and the random id for the cookie (stored only hashed)."""
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    row = UserSession(digest=_digest(session_id), user=user, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    return row, session_id


def live_session(session_id: object, policy: SessionPolicy, now: dt.datetime | None = None) -> UserSession | None:
    """The live session a cookie's id names, or ``None`` (unknown, ended, expired, account inactive)."""
    if not isinstance(session_id, str) or not session_id:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.digest == _digest(session_id)))
    return row if _alive(row, policy, now or utcnow()) else None


def live_session_by_key(key: object, user_id: object, policy: SessionPolicy,
                        now: dt.datetime | None = None) -> UserSession | None:
    """The live session with this primary key of this user (device tokens name sessions so)."""
    if not isinstance(key, int) or not isinstance(user_id, int):
        return None
    row = db.session.get(UserSession, key)
    return row if row is not None and row.user_id == user_id and _alive(row, policy, now or utcnow()) else None


def _alive(row: UserSession | None, policy: SessionPolicy, now: dt.datetime) -> bool:
    return row is not None and row.user.active and policy.is_live(row, row.user.role, now)


def touch(row: UserSession, now: dt.datetime | None = None) -> bool:
    """Note activity on a session; ``True`` when that needed a write."""
    now = now or utcnow()
    if now - row.last_seen_at < TOUCH_INTERVAL:
        return False
    row.last_seen_at = now
    db.session.flush()
    return True


def end_session(row: UserSession, because: str, now: dt.datetime | None = None) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_because = now or utcnow(), because
        db.session.flush()


def end_sessions(user: User, because: str, now: dt.datetime | None = None) -> int:
    """End every session of ``user`` (and so the device tokens issued in them); returns how many."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), ended_because=because)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def forget_old_sessions(user: User, policy: SessionPolicy, now: dt.datetime | None = None) -> None:
    """Delete the user's sessions that ended by their age long ago; done at sign-in, no cron needed."""
    oldest = (now or utcnow()) - policy.absolute - KEEP_ENDED
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < oldest))
