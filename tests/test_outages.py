"""When the database is gone, restarting, full or read-only: a 503 in the visitor's language with a
retry hint, never a 500; and /healthz says so. The shared PostgreSQL server is never stopped: an
outage is an app pointed at a closed port (or a missing SQLite folder), a read-only connection, a
connection killed under the pool, or a SQLite database on a small filesystem that is filled up."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from survey import create_app
from survey.extensions import db

FORM = "/nl/r/activities-2026/wyckerpoort/"


def _postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def other_app(uri: str, **config):
    """A second app on another database URI (the test app's settings otherwise)."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": uri,
                       "WTF_CSRF_ENABLED": False, **config})


@pytest.fixture
def gone(app, tmp_path):
    """The app with its database gone: nothing listens on the port, or the SQLite folder is missing."""
    uri = ("postgresql+psycopg://postgres@127.0.0.1:1/gone" if _postgres(app)
           else f"sqlite:///{tmp_path / 'missing-folder' / 'gone.sqlite'}")
    down = other_app(uri)
    yield down
    with down.app_context():
        db.session.remove()
        db.engine.dispose()


def test_pages_answer_503_in_the_visitors_language_with_a_retry_hint(gone):
    response = gone.test_client().get("/tr/")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert 'lang="tr"' in html and "Şu anda kullanılamıyor" in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_sent_form_says_its_answers_were_not_stored_and_how_to_send_again(gone):
    response = gone.test_client().post(FORM, data={"page": "0", "action": "next", "q-visit_frequency": "monthly"})
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "terug" in response.get_data(as_text=True).lower()


def test_a_signed_in_staff_member_gets_the_503_page_too(gone):
    client = gone.test_client()
    with client.session_transaction() as session:
        # As if signed in before the database went away: the server-side session must be looked up.
        session["_user_id"] = "1"
        session["_session"] = "a-session-id"
    response = client.get("/en/dashboards/")
    assert response.status_code == 503 and "Not available right now" in response.get_data(as_text=True)


def test_sync_answers_a_json_503_so_that_the_tablet_sends_again_later(app, gone, accounts):
    from test_canvassing_helpers import interview, make_canvasser

    _user_id, token = make_canvasser(app, accounts, "canvasser-outage@example.nl", "canvasser", ("wyckerpoort",))
    response = gone.test_client().post("/api/v1/submissions", json={"items": [interview()]},
                                       headers={"Authorization": f"Bearer {token}", "Accept-Language": "nl"})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["code"] == "unavailable" and body["message"]


def test_healthz_says_unavailable(gone):
    response = gone.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}


def test_healthz_writes_so_a_read_only_database_is_not_ok(app, tmp_path):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if _postgres(app):
        read_only = other_app(uri, SQLALCHEMY_ENGINE_OPTIONS={
            "connect_args": {"options": "-c default_transaction_read_only=on"}})
    else:
        read_only = other_app(f"sqlite:///file:{uri.removeprefix('sqlite:///')}?mode=ro&uri=true")
    client = read_only.test_client()
    assert client.get("/nl/").status_code == 200  # reading still works,
    response = client.get("/healthz")  # but answers sent now would be lost
    assert response.status_code == 503 and response.get_json() == {"status": "unavailable"}
    with read_only.app_context():
        db.engine.dispose()
    assert app.test_client().get("/healthz").get_json() == {"status": "ok"}


@contextlib.contextmanager
def small_filesystem(size: str = "2m"):
    """A tmpfs of ``size``: a disk that can really be filled. Needs root (as in CI)."""
    folder = tempfile.mkdtemp(prefix="buurt-full-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder],
                             capture_output=True).returncode == 0
    if not mounted:
        os.rmdir(folder)
        if os.environ.get("CI"):
            pytest.fail("CI runs as root and must be able to mount a small tmpfs")
        pytest.skip("mounting a small filesystem needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", folder], check=False)
        os.rmdir(folder)


def test_healthz_is_not_ok_while_the_disk_is_full(app):
    with small_filesystem() as folder:
        full = other_app(f"sqlite:///{folder}/buurt.sqlite")
        with full.app_context():
            upgrade(directory=full.extensions["migrate"].directory, revision="heads")
        client = full.test_client()
        assert client.get("/healthz").get_json() == {"status": "ok"}
        filler = os.path.join(folder, "filler")
        with open(filler, "wb") as handle, contextlib.suppress(OSError):
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        statuses = [client.get("/healthz").status_code for _ in range(3)]
        os.remove(filler)
        recovered = client.get("/healthz").status_code
        with full.app_context():
            db.engine.dispose()
    assert statuses == [503, 503, 503] and recovered == 200


def test_a_connection_killed_under_the_pool_does_not_fail_the_next_request(app, client):
    """As after a PostgreSQL restart: the pool checks a connection before a request gets it."""
    if not _postgres(app):
        with app.app_context():
            assert db.engine.pool._pre_ping  # SQLite has no server to restart
        return
    marker = f"buurt-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        db.engine.dispose()
        with db.engine.connect() as connection:  # the one pooled connection the next request gets
            connection.execute(text(f"SET application_name = '{marker}'"))
            connection.commit()
        killer = create_engine(db.engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with killer.connect() as connection:  # kills it, as a restart would
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :m"),
                {"m": marker}).scalar()
        killer.dispose()
    assert killed == 1
    # A resident's next page (the ticket comes from the form, as a browser would have it already).
    ticket = re.search(r'name="ticket" value="([^"]+)"', client.get(FORM).get_data(as_text=True)).group(1)
    assert client.post(FORM, data={"page": "0", "action": "next", "q-visit_frequency": "monthly",
                                   "ticket": ticket}).status_code == 200
