"""`flask --app survey users list|deactivate|activate|set-password|set-areas|sign-out`: accounts
are changed from the command line, and whatever takes access away ends sessions and device
tokens at once (only `users create` existed before)."""

from __future__ import annotations

import pytest

from test_canvassing_helpers import ROUND, interview, send  # noqa: F401
from test_canvassing_tokens import device_of

WALK = f"/nl/canvass/{ROUND}/wyckerpoort/"
PIET = "piet@example.nl"


@pytest.fixture
def piet(app, client, accounts):
    """A canvasser of Wyckerpoort, signed in; returns the token of their tablet."""
    accounts.create(PIET, "canvasser", ("wyckerpoort",))
    assert accounts.login(PIET).status_code == 302
    return device_of(client)["token"]


def users(runner, *args, password: str | None = None):
    env = {"SURVEY_NEW_PASSWORD": password} if password else {}
    return runner.invoke(args=["users", *args], env=env)


def test_list_shows_roles_areas_and_live_sessions(runner, accounts, piet):
    accounts.create("bestuur@example.nl", "board", ("oost",))
    result = users(runner, "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["bestuur@example.nl", PIET]
    assert "board" in lines[0] and "oost" in lines[0] and "(0 live session(s))" in lines[0]
    assert "canvasser" in lines[1] and "active" in lines[1] and "wyckerpoort" in lines[1] and "(1 live session(s))" in lines[1]
    assert users(runner, "list", "--role", "board").output.count("\n") == 1


def test_deactivate_ends_sessions_and_tokens_and_activate_lets_in_again(client, runner, accounts, piet):
    result = users(runner, "deactivate", PIET)
    assert result.exit_code == 0 and "1 session(s) and their device tokens ended" in result.output
    assert client.get(WALK).status_code == 302
    assert send(client, [interview()], piet).status_code == 401
    assert accounts.login(PIET).status_code == 401
    assert "inactive" in users(runner, "list").output
    assert users(runner, "activate", PIET).exit_code == 0
    assert send(client, [interview()], piet).status_code == 401  # ended sessions stay ended
    assert accounts.login(PIET).status_code == 302
    assert send(client, [interview()], device_of(client)["token"]).status_code == 200


def test_set_password_ends_sessions_and_tokens(client, runner, accounts, piet):
    assert "at least 12" in users(runner, "set-password", PIET, password="too short").output
    assert client.get(WALK).status_code == 200  # nothing changed
    result = users(runner, "set-password", PIET, password="a brand new passphrase")
    assert result.exit_code == 0 and "1 session(s)" in result.output
    assert client.get(WALK).status_code == 302
    assert send(client, [interview()], piet).status_code == 401
    assert accounts.login(PIET).status_code == 401
    assert accounts.login(PIET, "a brand new passphrase").status_code == 302


def test_set_password_prompts(runner, accounts, piet):
    result = runner.invoke(args=["users", "set-password", PIET], input="a brand new passphrase\na brand new passphrase\n")
    assert result.exit_code == 0, result.output
    assert accounts.login(PIET, "a brand new passphrase").status_code == 302


def test_set_areas_replaces_them_at_once(client, runner, accounts, piet):
    result = users(runner, "set-areas", PIET, "--area", "daalhof", "--area", "noord")
    assert result.exit_code == 0 and "daalhof, noord" in result.output
    assert client.get(WALK).status_code == 404
    assert client.get(f"/nl/canvass/{ROUND}/daalhof/").status_code == 200
    assert "needs at least one --area" in users(runner, "set-areas", PIET).output
    assert "unknown area" in users(runner, "set-areas", PIET, "--area", "atlantis").output
    assert client.get(f"/nl/canvass/{ROUND}/daalhof/").status_code == 200  # unchanged by the refusals


def test_sign_out_everywhere_for_a_lost_tablet(app, runner, accounts, piet):
    other = app.test_client()  # the same canvasser on a second tablet
    assert other.post("/nl/login", data={"email": PIET, "password": accounts.PASSWORD}).status_code == 302
    result = users(runner, "sign-out", PIET)
    assert result.exit_code == 0 and "2 session(s)" in result.output
    assert other.get(WALK).status_code == 302
    assert send(other, [interview()], piet).status_code == 401
    assert accounts.login(PIET).status_code == 302  # the account itself still works


@pytest.mark.parametrize("command", ["deactivate", "activate", "set-password", "set-areas", "sign-out"])
def test_an_unknown_account_is_named(runner, command):
    result = users(runner, command, "nobody@example.nl", password="a long enough password")
    assert result.exit_code == 1 and "no account for nobody@example.nl" in result.output
