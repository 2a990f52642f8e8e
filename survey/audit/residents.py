"""Entries about what residents did themselves: deleting their answers with their receipt code.

Such an entry must not help to find the resident. It names the round and the day, nothing more:
no receipt code, no response id, no neighbourhood (a deletion in a small neighbourhood, read beside
a canvasser's memory of whom they told about the receipt, could point at one household; the
neighbourhood's figures already take the withdrawal into account at their next change), and no
account (a canvasser signed in on the tablet may have helped). Its time is the start of the day
and its id is random, so that neither the time nor the entry's place among the day's other
entries tells when in the day it happened. The id is negative: ordinary entries count up from 1
(SQLite gives a new row the largest id plus one, so a large random id would shift the entries
after it and give its place away), and a negative one never meets them.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from ..extensions import db
from ..models import random_id
from .models import AuditEntry

RECEIPT_DELETION = "receipt_deletion"


def start_of_today() -> dt.datetime:
    """Midnight of today (local time), as the naive UTC moment the log stores."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))
    midnight = dt.datetime.combine(dt.datetime.now(zone).date(), dt.time(), tzinfo=zone)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


def record_receipt_deletion(round_ids: set[int]) -> None:
    """Log that a resident deleted their answers (and any contact details) of these rounds."""
    for round_id in sorted(round_ids):
        db.session.add(AuditEntry(id=-random_id(), at=start_of_today(), user_id=None, action=RECEIPT_DELETION,
                                  round_id=round_id, area_id=None, detail=None))
