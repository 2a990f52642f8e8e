"""Accounts of the people who work with the survey; residents never have one."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Area, AreaKind
from ..extensions import db
from ..models import enum_values

user_area = Table(
    "user_area",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class Role(enum.StrEnum):
    ADMIN = "admin"
    CANVASSER = "canvasser"
    BOARD = "board"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20, values_callable=enum_values))
    language: Mapped[str] = mapped_column(String(10), default="nl")
    active: Mapped[bool] = mapped_column(default=True)
    # AES key (hex) with which a shared tablet locks what this person left unsent at sign-out; it
    # reaches only their own signed-in pages, so only they unlock it there (see canvass.js).
    vault_key: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))

    areas: Mapped[list[Area]] = relationship(secondary=user_area, order_by=Area.name)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def neighbourhood_ids(self) -> set[int]:
        """The neighbourhoods this user may work with; a district grants all of its neighbourhoods."""
        ids = set()
        for area in self.areas:
            if area.kind is AreaKind.NEIGHBOURHOOD:
                ids.add(area.id)
            else:
                ids.update(child.id for child in area.children)
        return ids

    def may_see_area(self, area: Area) -> bool:
        """Admins see every area; others their own neighbourhoods (and the totals above them)."""
        if self.is_admin:
            return True
        own = self.neighbourhood_ids()
        if area.kind is AreaKind.NEIGHBOURHOOD:
            return area.id in own
        return True  # district and city totals are visible to every signed-in role


class UserSession(db.Model):
    """One sign-in in one browser, kept on the server so that it can be ended whatever the browser
    still holds. The cookie carries a random id; only its SHA-256 digest is stored here, so that a
    copy of this table (a backup, a report) opens no session. Times are UTC."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # signed_out, replaced (another sign-in in the same browser), new_password, deactivated or
    # revoked: how it ended, for the account's history.
    ended_because: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
