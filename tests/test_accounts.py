"""Staff sign-in: argon2 passwords, rate limits, safe redirects, errors in the user's language."""

import pytest
from sqlalchemy import select

from survey.accounts.models import User
from survey.extensions import db, limiter


def test_sign_in_and_out(client, accounts):
    accounts.create("anna@example.nl", "board", ("wyckerpoort",))
    response = accounts.login("ANNA@example.nl ")
    assert response.status_code == 302 and response.location.endswith("/nl/account")
    page = client.get("/nl/account").get_data(as_text=True)
    assert "anna@example.nl" in page and "Wyckerpoort" in page
    client.post("/nl/logout")
    assert client.get("/nl/account").status_code == 302


def test_wrong_password_is_refused_in_the_users_language(client, accounts):
    accounts.create("anna@example.nl", "admin")
    response = accounts.login("anna@example.nl", "wrong password", lang="nl")
    assert response.status_code == 401
    assert "Het e-mailadres of het wachtwoord klopt niet" in response.get_data(as_text=True)
    unknown = accounts.login("nobody@example.nl", "wrong password", lang="en")
    assert unknown.status_code == 401 and "The email address or password is not right" in unknown.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(app, accounts):
    accounts.create("old@example.nl", "admin")
    with app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()
    assert accounts.login("old@example.nl").status_code == 401


def test_next_only_goes_to_this_site(client, accounts):
    accounts.create("anna@example.nl", "admin")
    for target, expected in (("/nl/admin/", "/nl/admin/"), ("//evil.example/x", "/nl/account"), ("https://evil.example", "/nl/account")):
        client.post("/nl/logout")
        response = client.post(f"/nl/login?next={target}", data={"email": "anna@example.nl", "password": accounts.PASSWORD})
        assert response.location == expected


# As they arrive in the query string (percent-encoded). Before local_path, "/%09/evil.example"
# answered "Location: //evil.example" (the browser drops the tab) and "/%0a/..." a 500.
HOSTILE_NEXT = (
    "/%09/evil.example", "/%0a/evil.example", "/%0d%0aSet-Cookie:%20x=1", "/%0d/evil.example", "%09//evil.example",
    "/%00/evil.example", "//evil.example", "///evil.example", "////evil.example", "/%2F%2Fevil.example",
    "%2F%2Fevil.example", "/%252F%252Fevil.example", "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example",
    "https://evil.example", "https:/evil.example", "http:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
    "%20//evil.example", "%09/evil.example", "evil.example", ".//evil.example", "/%E2%80%AE//evil.example%C2%85",
    "/%C2%85/evil.example", "/%7F/evil.example", "/%2509/evil.example", "/" + "a" * 2100,
)


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leaves_the_site_after_normalisation(client, accounts, target):
    accounts.create("anna@example.nl", "admin")
    response = client.post(f"/nl/login?next={target}", data={"email": "anna@example.nl", "password": accounts.PASSWORD})
    if "%00" in target:  # a NUL anywhere in a request is refused before anything else (security.py)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.location == "/nl/account"


@pytest.mark.parametrize("target", ["/nl/admin/", "/nl/dashboards/activities-2026/wyckerpoort/?filter=channel:door",
                                    "/nl/canvass/activities-2026/wyckerpoort/streets/Wyckerpoort%20Steenweg/"])
def test_next_keeps_a_path_of_this_site(client, accounts, target):
    accounts.create("anna@example.nl", "admin")
    response = client.post(f"/nl/login?next={target}", data={"email": "anna@example.nl", "password": accounts.PASSWORD})
    assert response.location.startswith(target.split("%20")[0])


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example", "/\n", "\u3000//evil.example", "", None])
def test_local_path_refuses_what_a_browser_would_read_as_another_host(target):
    from survey.accounts.redirects import local_path

    assert local_path(target) is None


def test_signed_out_visitor_is_sent_to_sign_in_in_their_language(client):
    response = client.get("/ar/admin/")
    assert response.status_code == 302 and response.location.startswith("/ar/login?next=/ar/admin/")


def test_login_is_rate_limited(app, accounts):
    accounts.create("anna@example.nl", "admin")
    limiter.enabled = True
    statuses = [accounts.login("anna@example.nl", "wrong password").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    # Even the right password waits now.
    assert accounts.login("anna@example.nl").status_code == 429


def test_hsts_only_when_cookies_are_secure(app, client):
    assert "Strict-Transport-Security" not in client.get("/nl/").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        for path in ("/nl/", "/nl/login", "/healthz", "/nl/nowhere"):
            assert client.get(path, base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
