"""Behind a reverse proxy, limits count each real client (SURVEY_TRUSTED_PROXIES), and never an
address a client wrote itself. tests/test_deploy.py checks the same through a real proxy."""

from __future__ import annotations

import pytest

from survey import create_app
from survey.extensions import db, limiter


@pytest.fixture
def behind_one_proxy(app, accounts):
    """The app as deployed behind one proxy, with the limiter on and 3 sign-ins a minute."""
    accounts.create("staff@example.nl", "admin")
    limiter.enabled = True
    proxied = create_app({"TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "TRUSTED_PROXIES": 1,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "LOGIN_RATE_LIMIT": "3 per minute"})
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


def _attempts(client, count: int, forwarded_for: str) -> list[int]:
    return [client.post("/nl/login", data={"email": "staff@example.nl", "password": "wrong"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(count)]


def test_each_client_behind_the_proxy_is_counted_alone(behind_one_proxy):
    client = behind_one_proxy.test_client()
    assert _attempts(client, 4, "198.51.100.7") == [401, 401, 401, 429]
    assert _attempts(client, 1, "198.51.100.8") == [401]  # someone else, behind the same proxy


def test_an_address_the_client_wrote_itself_is_not_believed(behind_one_proxy):
    client = behind_one_proxy.test_client()
    # The proxy appends the address it saw; only that last one counts.
    statuses = [*_attempts(client, 3, "1.1.1.1, 198.51.100.7"), *_attempts(client, 1, "2.2.2.2, 198.51.100.7")]
    assert statuses == [401, 401, 401, 429]


def test_without_a_trusted_proxy_the_header_is_ignored(app, client, accounts):
    accounts.create("staff@example.nl", "admin")
    limiter.enabled = True
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [*_attempts(client, 2, "198.51.100.7"), *_attempts(client, 2, "198.51.100.8")]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    assert statuses == [401, 401, 401, 429]
