"""Sealed items: door-to-door interviews and volunteers' contact details waiting for a release.

Why they wait: rows stored at once would stand in the order they arrived, and so would the visits
of the doors and the responses of the volunteers; a database dump could line them up. Sealed
items are encrypted (AES-GCM, a key of their own, a random nonce, no time stamp) and have random
ids; a release stores them (releases.flush_sealed) so that no order or day narrows an interview to
fewer than five doors, and contacts are written again in a random order.
"""

from __future__ import annotations

import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..keys import app_key

INTERVIEW, CONTACT = "interview", "contact"
_PURPOSE = "sealed-items"


def seal(content: dict) -> bytes:
    """Encrypt a JSON-able dict."""
    nonce = os.urandom(12)
    return nonce + AESGCM(app_key(_PURPOSE)).encrypt(nonce, json.dumps(content, sort_keys=True).encode(), None)


def unseal(payload: bytes) -> dict:
    """Decrypt what :func:`seal` made (raises ``cryptography.exceptions.InvalidTag`` if tampered)."""
    payload = bytes(payload)
    return json.loads(AESGCM(app_key(_PURPOSE)).decrypt(payload[:12], payload[12:], None))
