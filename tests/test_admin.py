"""Admins choose the languages of a round and see each language's review state."""

from sqlalchemy import select

from survey.extensions import db
from survey.surveys.models import SurveyRound


def test_overview_shows_review_states_to_admins_only(client, accounts):
    assert client.get("/nl/admin/").status_code == 302  # to sign-in
    accounts.login_as("board", "wyckerpoort")
    assert client.get("/nl/admin/").status_code == 403
    client.post("/nl/logout")
    accounts.login_as("admin")
    html = client.get("/en/admin/").get_data(as_text=True)
    assert "activities-2026" in html
    assert "العربية" in html and "draft" in html


def test_round_languages_limit_the_switcher(app, client, accounts):
    accounts.login_as("admin")
    response = client.post("/en/admin/rounds/activities-2026",
                           data={"opens_on": "2026-01-01", "closes_on": "2030-12-31", "languages": ["nl", "en"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SurveyRound.languages)) == ["nl", "en"]
    form = client.get("/nl/r/activities-2026/wyckerpoort/").get_data(as_text=True)
    assert 'value="lang:en"' in form and 'value="lang:ar"' not in form
    # A language the round does not offer sends the visitor to one it does, keeping the answers.
    assert client.get("/ar/r/activities-2026/wyckerpoort/", headers={"Accept-Language": "en"}).location.endswith("/en/r/activities-2026/wyckerpoort/")


def test_round_form_refuses_bad_input(client, accounts):
    accounts.login_as("admin")
    response = client.post("/en/admin/rounds/activities-2026",
                           data={"opens_on": "2027-01-01", "closes_on": "2026-01-01", "languages": ["xx"]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "cannot close before it opens" in html and "is not a valid choice" in html
    assert client.post("/en/admin/rounds/activities-2026", data={"opens_on": "yesterday"}).status_code == 400
    assert client.get("/en/admin/rounds/nope").status_code == 404
