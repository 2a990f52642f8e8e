"""The one row ``/healthz`` writes, to know that the database still takes writes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class HealthCheck(db.Model):
    __tablename__ = "health_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[dt.datetime]
