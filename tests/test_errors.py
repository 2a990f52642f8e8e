"""Hostile input never makes a server error: reserved URL arguments, NULs, broken encodings; and the
error pages themselves never fail, carry the security headers and log no values that were sent."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.responses.models import Answer, Response

FORM = "/nl/r/activities-2026/wyckerpoort/"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- links built from the query ---------------------------------------------------------------

@pytest.mark.parametrize("page", ["/nl/", FORM, "/nl/receipt", "/nl/login"])
@pytest.mark.parametrize("query", ["_method=xx", "_external=1", "_scheme=javascript", "_anchor=x", "endpoint=x",
                                   "values=x", "_method=POST&_external=1&_scheme=ftp"])
def test_url_building_arguments_in_the_query_change_no_link(client, page, query):
    response = client.get(f"{page}?{query}", headers={"Host": "evil.example"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "evil.example" not in html and "javascript:" not in html and "ftp:" not in html
    if page != FORM:  # the form switches language with buttons that keep the answers
        # The language links keep the query as it came, relative to this site.
        assert f'href="{page.replace("/nl/", "/ar/", 1)}?{query.replace("&", "&amp;")}"' in html


# --- the error pages themselves ---------------------------------------------------------------

def _explode():
    raise RuntimeError("database on fire")


def test_an_error_page_that_cannot_be_rendered_falls_back_to_a_plain_one(client, monkeypatch):
    monkeypatch.setattr("survey.main.lang.open_rounds", _explode)
    monkeypatch.setattr("survey.errors.render_template", lambda *args, **kwargs: _explode())
    response = client.get("/tr/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'lang="tr"' in html and "<h1>" in html and "database on fire" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    not_found = client.get("/tr/no/such/page")
    assert not_found.status_code == 404 and "Content-Security-Policy" in not_found.headers


@pytest.mark.parametrize("request_args, status", [
    (("GET", "/nl/no/such/page"), 404),
    (("GET", "/xx/"), 404),
    (("GET", "/nl/receipt/delete"), 405),
    (("POST", FORM, {"data": {"page": "0", "action": "next", "website": "spam"}}), 400),
    (("POST", FORM, {"data": {"q-idea": "x" * 2_000_000}}), 413),
    (("GET", "/nl/?q=%00"), 400),
    (("GET", "/api/v1/surveys/nope/areas/nope/summary"), 401),
])
def test_every_error_page_carries_the_security_headers(client, request_args, status):
    method, url, *options = request_args
    response = client.open(url, method=method, **(options[0] if options else {}))
    assert response.status_code == status
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unexpected_errors_are_logged_without_the_values_sent(client, monkeypatch, caplog):
    """A database error quotes its statement's values; the log keeps the place and the kind only."""
    from sqlalchemy import insert

    from survey.areas.models import Area, AreaKind

    # Values as a visitor would send them: not in the source, which a traceback quotes.
    secrets = {"key": "wyckerpoort", "name": "anna@example.nl 06-12345678", "search": "hidden-search-words"}

    def clash(query, only_ids=None):
        db.session.execute(insert(Area).values(key=secrets["key"], name=secrets["name"], kind=AreaKind.NEIGHBOURHOOD))

    monkeypatch.setattr("survey.main.lang.search_neighbourhoods", clash)
    with caplog.at_level(logging.ERROR, logger="survey"):
        response = client.get(f"/nl/?q={secrets['search']}")
    assert response.status_code == 500
    logged = caplog.text
    assert "IntegrityError" in logged and "INSERT INTO area" in logged and "/nl/" in logged
    for secret in (*secrets.values(), "anna@", "12345678"):
        assert secret not in logged


def test_the_database_never_echoes_values(app):
    with app.app_context():
        assert db.engine.hide_parameters and db.engine.pool._pre_ping


# --- NUL characters -----------------------------------------------------------------------------

@pytest.mark.parametrize("method, url, data", [
    ("GET", "/nl/?q=a%00b", None),
    ("GET", "/nl/?q%00=x", None),
    ("GET", "/nl/r/activities-2026%00/wyckerpoort/", None),
    ("GET", "/nl/r/activities-2026/wyck%00erpoort/", None),
    ("GET", "/nl/r/activities-2026/wyckerpoort/poster%00", None),
    ("GET", "/r/activities-2026/wyck%00erpoort", None),
    ("GET", "/nl/results/activities%00-2026/", None),
    ("GET", "/api/v1/surveys/activities-2026/areas/wyck%00/summary", None),
    ("POST", "/nl/login", {"email": "admin\x00@example.nl", "password": "secret\x00"}),
    ("POST", "/nl/receipt", {"code": "7KQ4-M2XD\x00-9PTA"}),
    ("POST", FORM, {"page": "6", "action": "submit", "q-visit_frequency": "monthly", "q-activities": "quiz",
                    "q-idea": "Een moestuin\x00"}),
])
def test_nul_characters_are_refused_everywhere(app, client, method, url, data):
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    with app.app_context():
        assert count(Response) == 0 and count(Answer) == 0


def test_nul_in_a_multipart_form_is_refused(app, client):
    response = client.post(FORM, data={"page": "6", "action": "submit", "q-visit_frequency": "monthly",
                                       "q-activities": "quiz", "q-idea": "idee\x00"}, content_type="multipart/form-data")
    assert response.status_code == 400


# --- broken encodings ---------------------------------------------------------------------------

def _multipart(fields: dict[str, bytes], charset: str | None = None) -> tuple[bytes, str]:
    boundary = "----fuzzboundary"
    parts = []
    for name, value in fields.items():
        part_type = f"Content-Type: text/plain; charset={charset}\r\n" if charset else ""
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n{part_type}\r\n'.encode() + value + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


SUBMIT = {"page": b"6", "action": b"submit", "q-visit_frequency": b"monthly", "q-activities": b"quiz"}


def test_a_multipart_form_with_invalid_utf8_is_refused_not_stored_mangled(app, client):
    body, content_type = _multipart({**SUBMIT, "q-idea": b"Een moestuin \xff\xfe"})
    response = client.post(FORM, data=body, content_type=content_type)
    assert response.status_code == 400
    with app.app_context():
        assert count(Response) == 0


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
def test_invalid_utf8_is_refused_also_with_csrf_protection_on(csrf_app, app, client, kind):
    """As in production: the CSRF check parses the form first, and the raw body must still be checked."""
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(FORM).get_data(as_text=True)).group(1)
    fields = {**SUBMIT, "csrf_token": token.encode(), "q-idea": b"Een moestuin \xff\xfe"}
    if kind == "urlencoded":
        body, content_type = b"&".join(k.encode() + b"=" + v.replace(b"\xff\xfe", b"%ff%fe") for k, v in fields.items()), \
            "application/x-www-form-urlencoded"
    else:
        body, content_type = _multipart(fields)
    assert client.post(FORM, data=body, content_type=content_type).status_code == 400
    with app.app_context():
        assert count(Response) == 0


def test_a_multipart_form_in_utf8_or_a_named_charset_is_read_as_sent(app, client):
    import re

    def ticket() -> bytes:
        html = client.get(FORM).get_data(as_text=True)
        return re.search(r'name="ticket" value="([^"]+)"', html).group(1).encode()

    body, content_type = _multipart({**SUBMIT, "ticket": ticket(), "q-idea": "Café met één tafel".encode()})
    assert client.post(FORM, data=body, content_type=content_type).status_code == 200
    body, content_type = _multipart({**SUBMIT, "ticket": ticket(), "q-idea": "Crème brûlée".encode("latin-1")},
                                    charset="iso-8859-1")
    assert client.post(FORM, data=body, content_type=content_type).status_code == 200
    with app.app_context():
        ideas = set(db.session.scalars(select(Answer.text).where(Answer.question == "idea")))
    assert ideas == {"Café met één tafel", "Crème brûlée"}


def test_a_broken_multipart_body_is_a_client_error(client):
    response = client.post(FORM, data=b"--x\r\nnonsense", content_type="multipart/form-data; boundary=x")
    assert response.status_code < 500
