"""The audit log for admins: filters, pages, the CSV export (itself logged), role checks, and the
entry a resident's own deletion leaves (the round and the day, nothing that points back)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import re

import pytest
from sqlalchemy import select

from survey.audit.models import AuditEntry
from survey.extensions import db


LOG = "/nl/admin/audit/"
EXPORT = "/nl/admin/audit/export.csv"


def add_entries(app, *entries):
    """Entries as (action, email or None, UTC moment, detail)."""
    from survey.accounts.models import User

    with app.app_context():
        for action, email, at, detail in entries:
            user = db.session.scalar(select(User).where(User.email == email)) if email else None
            db.session.add(AuditEntry(action=action, user_id=user.id if user else None, at=at, detail=detail))
        db.session.commit()


def user_id(app, email):
    from survey.accounts.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def rows_of(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("url, method", [
    (LOG, "get"), (EXPORT, "post"), ("/nl/admin/retention/", "get"), ("/nl/admin/retention/", "post"),
    ("/nl/admin/research/", "get"), ("/nl/admin/research/activities-2026/download", "post"),
])
@pytest.mark.parametrize("role", ["board", "canvasser"])
def test_only_admins_reach_the_accountability_pages(client, accounts, url, method, role):
    assert getattr(client, method)(url).status_code == 302  # to sign-in
    accounts.login_as(role, "wyckerpoort")
    assert getattr(client, method)(url).status_code == 403


def test_filters_by_person_action_and_days(app, client, accounts):
    admin = accounts.login_as("admin")
    accounts.create("piet@example.nl", "canvasser", ("wyckerpoort",))
    noon = dt.datetime(2026, 3, 10, 11, 0)  # 12:00 in Maastricht
    add_entries(app, ("view_contacts", "piet@example.nl", noon, "3 contacts"),
                ("view_contacts", admin, noon + dt.timedelta(days=1), "4 contacts"),
                ("results_public", admin, noon + dt.timedelta(days=5), None),
                ("retention_run", None, noon - dt.timedelta(days=30), "contacts 0"))
    piet = user_id(app, "piet@example.nl")

    html = client.get(LOG).get_data(as_text=True)
    assert "piet@example.nl" in html and "Contactgegevens bekeken" in html
    html = client.get(LOG, query_string={"person": piet}).get_data(as_text=True)
    assert "3 contacts" in html and "4 contacts" not in html
    html = client.get(LOG, query_string={"person": "none"}).get_data(as_text=True)
    assert "contacts 0" in html and "3 contacts" not in html
    html = client.get(LOG, query_string={"action": "view_contacts"}).get_data(as_text=True)
    assert "3 contacts" in html and "4 contacts" in html and "contacts 0" not in html
    # Days are local and both ends count.
    html = client.get(LOG, query_string={"since": "2026-03-11", "until": "2026-03-15"}).get_data(as_text=True)
    assert "4 contacts" in html and "3 contacts" not in html and "Resultaten openbaar gemaakt" in html


@pytest.mark.parametrize("query, message", [
    ({"since": "2026-03-11", "until": "2026-03-01"}, "De laatste dag kan niet voor de eerste liggen."),
    ({"since": "yesterday"}, "Ongeldige datum."),
    ({"since": "0001-01-01"}, "Kies een dag tussen"),
    ({"person": "99999"}, "Ongeldige keuze."),
    ({"action": "<script>alert(1)</script>"}, "Ongeldige keuze."),
])
def test_bad_filters_are_explained_not_crashed_on(client, accounts, query, message):
    accounts.login_as("admin")
    response = client.get(LOG, query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "alert(1)" not in html


def test_pages_of_fifty_keep_the_filter(app, client, accounts):
    admin = accounts.login_as("admin")
    start = dt.datetime(2026, 1, 1, 9, 0)
    add_entries(app, *[("moderate_ideas", admin, start + dt.timedelta(minutes=i), f"entry {i:03d}") for i in range(120)])
    first = client.get(LOG, query_string={"action": "moderate_ideas"}).get_data(as_text=True)
    assert "entry 119" in first and "entry 070" in first and "entry 069" not in first
    assert "Pagina 1 van 3" in first and "action=moderate_ideas" in first and "page=2" in first
    third = client.get(LOG, query_string={"action": "moderate_ideas", "page": 3}).get_data(as_text=True)
    assert "entry 019" in third and "entry 020" not in third
    assert client.get(LOG, query_string={"page": 99}).status_code == 404
    assert client.get(LOG, query_string={"page": "-1"}).status_code == 404


def test_csv_export_of_the_filter_is_formula_safe_and_logged(app, client, accounts):
    admin = accounts.login_as("admin")
    at = dt.datetime(2026, 2, 2, 8, 0)
    add_entries(app, ("view_contacts", admin, at, "=HYPERLINK(\"http://evil\")"),
                ("results_public", admin, at, "not this one"))
    response = client.post(EXPORT, query_string={"action": "view_contacts"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response.data)
    assert rows[0][:3] == ["Wanneer", "Persoon", "Actie"]
    assert len(rows) == 2 and rows[1][1] == admin and rows[1][2] == "view_contacts"
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")"  # read as text, never run
    assert rows[1][0] == "2026-02-02T09:00:00+01:00"
    with app.app_context():
        logged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export_audit_log"))
        assert logged.user_id == user_id(app, admin) and logged.detail == "1 entries; action=view_contacts"
    # Downloading is a POST with the CSRF token: a link elsewhere cannot make an admin export.
    assert client.get(EXPORT).status_code == 405
    assert client.post(EXPORT, query_string={"since": "nonsense"}).status_code == 400


def test_export_needs_the_csrf_token(request, client, accounts):
    accounts.login_as("admin")
    request.getfixturevalue("csrf_app")  # on from here: signed in without it
    assert client.post(EXPORT).status_code == 400
    token = page_token(client.get(LOG).get_data(as_text=True))
    assert client.post(EXPORT, data={"csrf_token": token}).status_code == 200


def test_every_language_shows_the_log(client, accounts, app):
    admin = accounts.login_as("admin")
    add_entries(app, ("view_contacts", admin, dt.datetime(2026, 2, 2, 8, 0), "x"))
    for lang in ("nl", "en", "ar", "tr", "pl", "uk"):
        response = client.get(f"/{lang}/admin/audit/")
        assert response.status_code == 200, lang
    assert 'dir="rtl"' in client.get("/ar/admin/audit/").get_data(as_text=True)
    assert "/nl/admin/audit/" in client.get("/nl/admin/").get_data(as_text=True)


def test_a_residents_deletion_is_logged_with_round_and_day_only(app, client, accounts):
    from survey.responses.models import Response

    from test_online import receipt_code, receipt_ticket, submit_everything

    code = receipt_code(submit_everything(client).get_data(as_text=True))
    with app.app_context():
        response = db.session.scalar(select(Response))
        response_id, round_id, hashed, uuid = response.id, response.round_id, response.receipt_hash, response.uuid
        before = {entry.id for entry in db.session.scalars(select(AuditEntry))}
    # A canvasser signed in on the tablet helps: the entry still names no account.
    accounts.login_as("canvasser", "wyckerpoort")
    deleted = client.post("/nl/receipt/delete", data={"code": code, "ticket": receipt_ticket(client)})
    assert deleted.status_code == 200
    with app.app_context():
        new = [e for e in db.session.scalars(select(AuditEntry)) if e.id not in before]
        assert len(new) == 1
        entry = new[0]
        assert entry.action == "receipt_deletion" and entry.round_id == round_id
        assert entry.user_id is None and entry.area_id is None and entry.detail is None
        # The day only: its moment is midnight in Maastricht, and its id says nothing about its place.
        local = entry.at.replace(tzinfo=dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Amsterdam"))
        assert (local.hour, local.minute, local.second) == (0, 0, 0)
        assert entry.id < 0
        text = " ".join(str(getattr(entry, c.name)) for c in AuditEntry.__table__.columns)
        for secret in (code, code.replace("-", ""), hashed, uuid):
            assert secret not in text
        assert str(response_id) != str(entry.id)
    client.post("/nl/logout")
    accounts.login_as("admin")
    html = client.get(LOG, query_string={"action": "receipt_deletion"}).get_data(as_text=True)
    assert "alleen de dag" in html and "activities-2026" in html


def test_a_failed_deletion_logs_nothing(app, client):
    from test_online import receipt_ticket

    client.post("/nl/receipt/delete", data={"code": "AAAA-BBBB-CCCC", "ticket": receipt_ticket(client)})
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "receipt_deletion")) is None


def page_token(html: str) -> str:
    """The CSRF token a page hands its forms (in its meta tag)."""
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
