"""Accounts: create, authenticate (argon2id), change; changes that take access away end sessions."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..areas.models import Area
from ..extensions import db
from .models import Role, User
from .sessions import end_sessions

_hasher = PasswordHasher()  # argon2id with the library's memory-hard defaults
# Verified against when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password")

# ASVS 4.0.3 2.1.1 and 2.1.2: at least 12 characters; up to 128 are allowed, longer ones refused.
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128


class AccountError(ValueError):
    """A request to create or change an account that cannot be done; the message says why."""


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def create_user(email: str, password: str, role: Role, area_keys: list[str], language: str = "nl") -> User:
    """Create an account limited to the given areas (admins need none).

    :raise AccountError: for a taken e-mail address, a short password or an unknown area.
    """
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if user_by_email(email):
        raise AccountError(f"an account for {email} exists already")
    _check_password(password)
    areas = _areas(area_keys, role)
    user = User(email=email, password_hash=_hasher.hash(password), role=role, areas=areas, language=language)
    db.session.add(user)
    db.session.flush()
    return user


def _check_password(password: str) -> None:
    """:raise AccountError: for a password shorter or longer than the limits."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")


def _areas(area_keys: list[str], role: Role) -> list[Area]:
    """:raise AccountError: for an unknown area, or none for a role that works in areas."""
    areas = []
    for key in area_keys:
        area = db.session.scalar(select(Area).where(Area.key == key))
        if area is None:
            raise AccountError(f"unknown area {key!r}")
        areas.append(area)
    if role is not Role.ADMIN and not areas:
        raise AccountError(f"a {role.value} needs at least one --area")
    return areas


def set_password(user: User, password: str) -> int:
    """Give ``user`` a new password and end every session and device token of the old one.

    :return: how many sessions were ended.
    :raise AccountError: for a password shorter or longer than the limits.
    """
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    return end_sessions(user, "new_password")


def set_active(user: User, active: bool) -> int:
    """(De)activate ``user``; deactivation ends every session and device token at once.

    :return: how many sessions were ended.
    """
    user.active = active
    return 0 if active else end_sessions(user, "deactivated")


def set_areas(user: User, area_keys: list[str]) -> None:
    """Replace the areas of ``user``; pages and the sync API check them on every request.

    :raise AccountError: for an unknown area, or none left for a role that works in areas.
    """
    user.areas = _areas(area_keys, user.role)
    db.session.flush()


def revoke_sessions(user: User) -> int:
    """Sign ``user`` out everywhere (a lost tablet): every session and device token ends."""
    return end_sessions(user, "revoked")
