"""The pages of a shared tablet's sign-out: the canvasser's sign-out page (warning and queue), the
link to it, each canvasser's own locking key, and the sign-in page that clears the device."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db
from test_canvassing_helpers import ROUND
from test_canvassing_tokens import device_of

SIGN_OUT = "/nl/canvass/sign-out"


def test_a_canvassers_sign_out_page_warns_before_posting(client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")
    html = client.get(SIGN_OUT).get_data(as_text=True)
    assert 'action="/nl/logout"' in html and "data-sign-out-warning" in html and 'id="sync-panel"' in html
    device = device_of(client, SIGN_OUT)
    assert device["signing_out"] is True and device["texts"]["sign_out_anyway"] == "Toch uitloggen"
    assert "offline_urls" not in device  # this page is not kept for offline work
    assert "/nl/canvass/sign-out" in client.get("/nl/canvass/").get_data(as_text=True)
    assert "/nl/canvass/sign-out" in client.get("/nl/account").get_data(as_text=True)


def test_board_members_sign_out_directly(client, accounts):
    accounts.login_as("board", "wyckerpoort")
    assert client.get(SIGN_OUT).status_code == 403
    assert 'action="/nl/logout"' in client.get("/nl/account").get_data(as_text=True)


def test_each_canvasser_gets_only_their_own_locking_key(app, client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")
    first = device_of(client, f"/nl/canvass/{ROUND}/wyckerpoort/")
    client.post("/nl/logout")
    accounts.login_as("canvasser", "wyckerpoort", "daalhof")
    second = device_of(client, f"/nl/canvass/{ROUND}/wyckerpoort/")
    with app.app_context():
        keys = {user.id: user.vault_key for user in db.session.scalars(select(User))}
    assert first["vault_key"] == keys[first["user"]] and second["vault_key"] == keys[second["user"]]
    assert len(set(keys.values())) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys.values())


def test_the_sign_in_page_clears_the_device_when_no_one_is_signed_in(client, accounts):
    html = client.get("/nl/login").get_data(as_text=True)
    blob = re.search(r'<script type="application/json" id="canvass-device">(.*?)</script>', html, re.S).group(1)
    assert json.loads(blob) == {"user": None, "worker": "/canvass-sw.js"}
    assert "/static/canvassing/canvass.js" in html
    accounts.login_as("canvasser", "wyckerpoort")
    assert "canvass-device" not in client.get("/nl/login").get_data(as_text=True)
