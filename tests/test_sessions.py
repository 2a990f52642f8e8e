"""Server-side staff sessions (OWASP ASVS 4.0.3 V3): sign-out ends them whatever the browser kept,
idle and absolute timeouts per role, a new session and CSRF token at every sign-in, and no
"remember me". Each test here fails on the code before server-side sessions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from survey.accounts.models import UserSession
from survey.accounts.sessions import utcnow
from survey.extensions import db

ROUND, HOOD = "activities-2026", "wyckerpoort"
CONTACTS = f"/en/dashboards/{ROUND}/{HOOD}/contacts"
SUMMARY = f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary"
SUBMISSIONS = "/api/v1/submissions"


def kept_cookie(client) -> str:
    return client.get_cookie("session").value


def put_back(client, value: str) -> None:
    client.set_cookie("session", value)


def age_sessions(app, **ago_minutes) -> None:
    """Move the sessions' times back, as if that many minutes had passed."""
    values = {f"{name}_at": utcnow() - dt.timedelta(minutes=minutes) for name, minutes in ago_minutes.items()}
    with app.app_context():
        db.session.execute(update(UserSession).values(**values))
        db.session.commit()


def page_token(html: str) -> str:
    """The CSRF token a page hands its forms (base.html's meta tag)."""
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def signed_in(client) -> bool:
    return client.get("/en/account").status_code == 200


def test_a_cookie_kept_from_before_sign_out_opens_nothing(client, accounts):
    accounts.login_as("board", HOOD)
    assert client.get(CONTACTS).status_code == 200 and client.get(SUMMARY).status_code == 200
    kept = kept_cookie(client)
    response = client.post("/en/logout")
    assert response.location == "/en/login"
    put_back(client, kept)
    response = client.get(CONTACTS)
    assert response.status_code == 302 and response.location.startswith("/en/login")
    put_back(client, kept)
    assert client.get(SUMMARY).status_code == 401


def test_a_canvassers_kept_cookie_cannot_send_to_the_api(client, accounts):
    accounts.login_as("canvasser", HOOD)
    kept = kept_cookie(client)
    assert client.post(SUBMISSIONS, json={"items": []}).status_code != 401
    client.post("/en/logout")
    put_back(client, kept)
    response = client.post(SUBMISSIONS, json={"items": []})
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_sign_out_says_so_on_the_sign_in_page(client, accounts):
    accounts.login_as("admin")
    page = client.post("/en/logout", follow_redirects=True).get_data(as_text=True)
    assert "You are signed out." in page and 'name="password"' in page


@pytest.mark.parametrize("role, areas, still_in, out", [
    ("board", (HOOD,), 29, 31),
    ("admin", (), 29, 31),
    ("canvasser", (HOOD,), 7 * 60 + 59, 8 * 60 + 1),
])
def test_idle_timeout_by_role(app, client, accounts, role, areas, still_in, out):
    accounts.login_as(role, *areas)
    age_sessions(app, last_seen=still_in)
    assert signed_in(client)  # ... and that request counts as activity again
    age_sessions(app, last_seen=out)
    response = client.get("/en/account", follow_redirects=True)
    assert "You were signed out. Please sign in again." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_the_idle_timeout_is_configurable(app, client, accounts):
    accounts.login_as("board", HOOD)
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        age_sessions(app, last_seen=6)
        assert not signed_in(client)
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_activity_keeps_a_session_alive(app, client, accounts):
    accounts.login_as("board", HOOD)
    age_sessions(app, last_seen=20)
    assert signed_in(client)
    with app.app_context():
        last_seen = db.session.scalar(select(UserSession.last_seen_at))
    assert utcnow() - last_seen < dt.timedelta(minutes=1)
    age_sessions(app, last_seen=20)
    assert signed_in(client)  # 20 + 20 minutes: the clock restarted at the request in between


def test_every_session_ends_after_its_absolute_lifetime(app, client, accounts):
    accounts.login_as("canvasser", HOOD)
    age_sessions(app, created=12 * 60 - 1, last_seen=0)
    assert signed_in(client)
    age_sessions(app, created=12 * 60 + 1, last_seen=0)
    assert not signed_in(client)


def test_a_remember_cookie_signs_no_one_in(app, client, accounts):
    from flask_login.utils import encode_cookie

    user_id = accounts.create("anna@example.nl", "admin")
    accounts.login("anna@example.nl")
    assert client.get_cookie("remember_token") is None  # sign-in never sets one
    client.post("/en/logout")
    with app.test_request_context():
        forged = encode_cookie(str(user_id))  # as Flask-Login would have set it, validly signed
    client.set_cookie("remember_token", forged)
    assert not signed_in(client)


def test_sign_in_renews_the_csrf_token_and_the_session(csrf_app, client, accounts):
    accounts.create("anna@example.nl", "admin")
    before = page_token(client.get("/en/login").get_data(as_text=True))
    response = client.post("/en/login", data={"email": "anna@example.nl", "password": accounts.PASSWORD, "csrf_token": before})
    assert response.status_code == 302
    after = page_token(client.get("/en/account").get_data(as_text=True))
    # The token seen before sign-in (which another person could have read or planted) is refused.
    assert client.post("/en/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/en/logout", data={"csrf_token": after}).status_code == 302


def test_signing_in_again_ends_the_session_the_browser_had(app, client, accounts):
    accounts.create("anna@example.nl", "admin")
    accounts.create("piet@example.nl", "canvasser", (HOOD,))
    accounts.login("anna@example.nl")
    kept = kept_cookie(client)
    accounts.login("piet@example.nl")  # the next person on a shared computer, without signing out
    with app.app_context():
        rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
        assert [(row.ended_because, row.digest != rows[0].digest) for row in rows] == [("replaced", False), (None, True)]
    put_back(client, kept)
    assert not signed_in(client)


def test_the_cookie_holds_no_stored_session_id(app, client, accounts):
    """Only a digest is stored: a copy of the table opens no session."""
    from flask.sessions import SecureCookieSessionInterface

    accounts.login_as("admin")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    session_id = serializer.loads(kept_cookie(client))["_session"]
    with app.app_context():
        stored = db.session.scalar(select(UserSession.digest))
    assert session_id not in stored and len(stored) == 64
