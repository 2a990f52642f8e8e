"""Device tokens: how a canvasser's tablet proves who recorded a batch, also after hours offline.

The session cookie of a browser that was closed is gone, but the interviews it recorded must still
be sent in that canvasser's name. Each canvasser page hands the device a signed token, which the
device keeps (in IndexedDB) beside the items it recorded. A token names the account and the
server-side session it was issued in (accounts/sessions.py), and works exactly as long as that
session lives: sign-out, another sign-in in the same browser, a new password, deactivation, an
admin's ``users sign-out`` and the idle and absolute timeouts all make it useless at once. It also
names a fingerprint of the password hash, so that even a hash changed in the database revokes it.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..accounts.models import User, UserSession
from ..accounts.sessions import live_session_by_key, touch
from ..accounts.signin import current_session, policy

SALT = "canvass-device-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def issue_device_token(user: User, session: UserSession | None = None) -> str:
    """A token for ``user``'s device, bound to ``session`` (by default the request's own).

    :raise RuntimeError: when there is no session of ``user`` to bind it to.
    """
    session = session or current_session()
    if session is None or session.user_id != user.id:
        raise RuntimeError("a device token needs a signed-in session of its user")
    return _serializer().dumps({"user": user.id, "session": session.id, "key": _fingerprint(user)})


def user_from_device_token(token: str) -> User | None:
    """The account a token was issued to while its session lives, else ``None`` (forged, old, revoked)."""
    rules = policy()
    try:
        data = _serializer().loads(token, max_age=int(rules.absolute.total_seconds()))
    except BadSignature:  # also SignatureExpired, its subclass
        return None
    if not isinstance(data, dict):
        return None
    session = live_session_by_key(data.get("session"), data.get("user"), rules)
    if session is None or data.get("key") != _fingerprint(session.user):
        return None
    touch(session)  # sending is activity too; committed with the batch
    return session.user
