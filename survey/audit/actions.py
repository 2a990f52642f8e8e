"""What the log's action words mean, in the reader's language.

Features write a stable word (``view_contacts``); a word without a label here is shown as it is.
"""

from __future__ import annotations

from ..i18n_lazy import _l
from .residents import RECEIPT_DELETION

LABELS = {
    "sign_in": _l("Signed in"),
    "view_contacts": _l("Looked at contact details"),
    "results_public": _l("Made results public"),
    "results_private": _l("Made results private again"),
    "moderate_ideas": _l("Decided on open ideas"),
    RECEIPT_DELETION: _l("A resident deleted their answers with the receipt code"),
    "export_researchers": _l("Downloaded the researchers' export"),
    "export_audit_log": _l("Downloaded the audit log"),
    "retention_settings": _l("Changed the retention settings"),
    "retention_run": _l("Retention run: deleted what was kept too long"),
    "responses_reduced": _l("Reduced the responses of an archived round to its figures"),
}


def label_of(action: str) -> str:
    return str(LABELS[action]) if action in LABELS else action


def day_only(action: str) -> bool:
    """Entries whose time is the day only, on purpose (see residents.py)."""
    return action == RECEIPT_DELETION
