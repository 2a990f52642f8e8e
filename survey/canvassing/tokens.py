"""Device tokens: how a canvasser's tablet proves who recorded a batch, also long after sign-in.

The session cookie of a browser that was closed is gone, but the interviews it recorded must still
be sent in that canvasser's name. Each canvasser page hands the device a signed token, which the
device keeps (in IndexedDB) beside the items it recorded. A token names the account and a
fingerprint of its password hash: setting a new password, or deactivating the account, revokes
every token of a lost tablet.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..accounts.models import User
from ..extensions import db

SALT = "canvass-device-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_device_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "key": _fingerprint(user)})


def user_from_device_token(token: str) -> User | None:
    """The active account a token was issued to, or ``None`` for a forged, old or revoked token."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["CANVASS_TOKEN_MAX_AGE"])
    except BadSignature:  # also SignatureExpired, its subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.is_active or data.get("key") != _fingerprint(user):
        return None
    return user
