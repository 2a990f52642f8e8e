"""The audit log: who did what with personal data, accounts, rounds and published figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import BigId


class AuditEntry(db.Model):
    """One thing a person did that someone may later have to account for: a sign-in, a change
    to an account, an export, a look at contact details, publishing, moderation, a deletion."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("survey_round.id", ondelete="SET NULL"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(200))
