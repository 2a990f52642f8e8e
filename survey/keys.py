"""Keys derived from the app's secret, one per purpose, so that no two tables share a hash.

The receipt code is stored as a keyed hash in the response table and as a *different* keyed hash
in the contact table; sealed items are encrypted with a key of their own; the cell-key method
perturbs counts with another. All follow from ``SECRET_KEY``: keep it stable (changing it makes
existing receipt codes and sealed items unusable, and redraws every perturbation once).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def derive(secret: str | bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose (pure: HMAC-SHA256 of the purpose under the secret)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, f"buurtpeiling:{purpose}".encode(), hashlib.sha256).digest()


def app_key(purpose: str) -> bytes:
    """The key for ``purpose`` under the running app's ``SECRET_KEY``."""
    return derive(current_app.config["SECRET_KEY"], purpose)
