"""Device tokens live exactly as long as the server-side session they were issued in: sign-out,
another sign-in on the tablet, the timeouts and an admin make them useless at once.

Before tokens were bound to sessions, a token kept storing interviews for 30 days after sign-out;
each test here fails on that code."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

from survey.accounts.models import UserSession
from test_canvassing_helpers import ROUND, interview, send  # noqa: F401
from test_sessions import age_sessions

WALK = f"/nl/canvass/{ROUND}/wyckerpoort/"


def device_of(client, path: str = WALK) -> dict:
    """What a canvasser page hands its script: user, token, ..."""
    html = client.get(path).get_data(as_text=True)
    return json.loads(re.search(r'<script type="application/json" id="canvass-device">(.*?)</script>', html, re.S).group(1))


def sends(client, token: str) -> int:
    return send(client, [interview()], token).status_code


def test_sign_out_makes_the_tablets_token_useless(client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")
    token = device_of(client)["token"]
    assert sends(client, token) == 200
    client.post("/nl/logout")
    response = send(client, [interview()], token)
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_the_next_canvassers_sign_in_ends_the_previous_token(client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")
    first = device_of(client)["token"]
    accounts.login_as("canvasser", "wyckerpoort", "daalhof")  # someone else, without signing out
    second = device_of(client)["token"]
    assert sends(client, first) == 401
    assert sends(client, second) == 200


def test_a_token_ends_with_its_sessions_timeouts(app, client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")
    token = device_of(client)["token"]
    age_sessions(app, last_seen=7 * 60)  # seven hours offline in the middle of a shift: still fine
    assert sends(client, token) == 200
    age_sessions(app, last_seen=8 * 60 + 1)
    assert sends(client, token) == 401


def test_sending_counts_as_activity(app, client, accounts):
    from survey.accounts.sessions import utcnow
    from survey.extensions import db

    accounts.login_as("canvasser", "wyckerpoort")
    token = device_of(client)["token"]
    age_sessions(app, last_seen=7 * 60)
    assert sends(client, token) == 200
    with app.app_context():
        assert utcnow() - db.session.scalar(select(UserSession.last_seen_at)) < dt.timedelta(minutes=1)


def test_a_token_names_a_session_of_its_own_user(app, client, accounts):
    """A token is signed, so it cannot be changed to name another session; but were the secret
    known, a session of another account would still not do."""
    import itsdangerous

    accounts.login_as("canvasser", "wyckerpoort")
    device = device_of(client)
    serializer = itsdangerous.URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="canvass-device-token")
    data = serializer.loads(device["token"])
    assert set(data) == {"user", "session", "key"}
    assert sends(client, serializer.dumps({**data, "user": data["user"] + 1000})) == 401
    assert sends(client, serializer.dumps({**data, "session": str(data["session"])})) == 401
