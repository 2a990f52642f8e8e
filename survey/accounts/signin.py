"""The signed-in state of a request: the server-side session behind the browser's cookie.

Flask-Login keeps the user id in the signed cookie; beside it the cookie holds the id of a
server-side session (sessions.py), and the user loader answers only while that session is live.
So a cookie copied before sign-out, a remember cookie, or the cookie of an account that was
deactivated or given a new password opens nothing.
"""

from __future__ import annotations

from flask import current_app, flash, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..i18n_lazy import _
from .models import User, UserSession
from .sessions import SessionPolicy, end_session, forget_old_sessions, live_session, start_session, touch, utcnow

SESSION_KEY = "_session"  # in Flask's cookie: the random id of the server-side session


def policy() -> SessionPolicy:
    return SessionPolicy.from_config(current_app.config)


def current_session() -> UserSession | None:
    """The live server-side session of this request, if any (looked up once per request)."""
    if "server_session" not in g:
        g.server_session = live_session(session.get(SESSION_KEY), policy())
    return g.server_session


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of the request's live session, and no one else."""
    row = current_session()
    if row is None or str(row.user_id) != user_id:
        return None
    return row.user


def check_session() -> None:
    """Before each request: forget a cookie whose session ended; note activity on a live one."""
    if request.endpoint == "static" or SESSION_KEY not in session:
        return
    row = current_session()
    if row is None:
        session.clear()
        if not request.path.startswith("/api/"):
            flash(_("You were signed out. Please sign in again."), "info")
        return
    if touch(row, utcnow()):
        # Its own small unit of work, before the view starts: nothing else is pending yet.
        try:
            db.session.commit()
        except OperationalError:  # a busy SQLite: the next request notes the activity
            db.session.rollback()


def sign_in(user: User) -> UserSession:
    """Sign ``user`` in with a new server-side session, in a cookie emptied first: nothing from
    before sign-in carries over, in particular not the CSRF token (ASVS 3.2.1)."""
    earlier = current_session()
    if earlier is not None:  # someone else (or the same person) was still signed in here
        end_session(earlier, "replaced")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps the request's token here too
    row, session_id = start_session(user)
    forget_old_sessions(user, policy())
    login_user(user, remember=False)
    session[SESSION_KEY] = session_id
    g.server_session = row
    return row


def sign_out() -> None:
    """End the request's server-side session and empty the cookie."""
    row = current_session()
    if row is not None:
        end_session(row, "signed_out")
    session.clear()
    logout_user()  # after clear(): it marks a remember cookie, if any, for deletion
    g.server_session = None
