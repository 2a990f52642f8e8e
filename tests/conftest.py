"""Fixtures: one migrated database per test session (SQLite, or PostgreSQL when
``SURVEY_TEST_DATABASE_URI`` is set), reference data loaded once, and every row a test adds removed
after it, so that each test starts from the same shipped state."""

from __future__ import annotations

import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from survey import create_app
from survey.extensions import db, limiter

# Tables holding what `flask setup` ships; tests may add to them, and those rows are removed again.
BASELINE_TABLES = ("area", "venue", "survey", "survey_version", "survey_round")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    uri = os.environ.get("SURVEY_TEST_DATABASE_URI") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": uri,
            "WTF_CSRF_ENABLED": False,
            # Tests send a whole survey in milliseconds; test_online.py checks the bot guard itself.
            "SUBMISSION_MIN_SECONDS": 0,
            # A due release is made at once, not in a thread that would race the test.
            "RELEASE_IN_BACKGROUND": False,
        }
    )
    app.instance_path = str(instance)
    limiter.enabled = False  # tests that check limits switch it on
    with app.app_context():
        if uri.startswith("postgresql"):
            _reset_postgres()
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        app.test_cli_runner().invoke(args=["setup"], catch_exceptions=False)
        app.config["BASELINE"] = {t: db.session.scalar(select(func.max(text("id"))).select_from(text(t))) or 0 for t in BASELINE_TABLES}
        # Tests may change the shipped round (languages, dates, publicity): it is put back after each.
        rounds = db.metadata.tables["survey_round"]
        app.config["BASELINE_ROUNDS"] = [dict(row._mapping) for row in db.session.execute(rounds.select())]
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _reset_postgres():
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Remove every row a test added; reset the rate limiter."""
    yield
    with app.app_context():
        db.session.rollback()
        baseline = app.config["BASELINE"]
        # Shipped rounds first: a test may have moved one to a version it added, removed below.
        rounds = db.metadata.tables["survey_round"]
        for row in app.config["BASELINE_ROUNDS"]:
            db.session.execute(rounds.update().where(rounds.c.id == row["id"]).values(**row))
        for table in reversed(db.metadata.sorted_tables):
            if table.name in baseline:
                db.session.execute(table.delete().where(table.c.id > baseline[table.name]))
            elif table.name == "round_area":
                db.session.execute(table.delete().where(table.c.round_id > baseline["survey_round"]))
            else:
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
        limiter.reset()
        limiter.enabled = False


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context with a request context, for calling services directly."""
    with app.test_request_context():
        yield
        db.session.remove()


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Accounts:
    """Create staff accounts and sign in as them."""

    PASSWORD = "correct horse battery"

    def __init__(self, app, client):
        self.app, self.client = app, client

    def create(self, email: str, role: str, areas: tuple[str, ...] = ()):
        from survey.accounts.models import Role
        from survey.accounts.services import create_user

        with self.app.app_context():
            user = create_user(email, self.PASSWORD, Role(role), list(areas))
            db.session.commit()
            return user.id

    def login(self, email: str, password: str | None = None, lang: str = "nl"):
        return self.client.post(f"/{lang}/login", data={"email": email, "password": password or self.PASSWORD})

    def login_as(self, role: str, *areas: str):
        email = f"{role}-{'-'.join(areas) or 'all'}@example.nl"
        self.create(email, role, areas)
        response = self.login(email)
        assert response.status_code == 302, response.data[:500]
        return email


@pytest.fixture
def accounts(app, client):
    return Accounts(app, client)
