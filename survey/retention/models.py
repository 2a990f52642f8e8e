"""The retention settings an admin chose; a kind without a row keeps the configured default."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class RetentionSetting(db.Model):
    __tablename__ = "retention_setting"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)  # kinds.RetentionKind.key
    # In the kind's unit (days or years); None: keep (only where the kind allows it).
    period: Mapped[int | None]
    changed_at: Mapped[dt.datetime]  # UTC
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
