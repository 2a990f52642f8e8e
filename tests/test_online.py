"""The online path of a resident: landing page, the form page by page, receipt, deletion."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.extensions import db, limiter
from survey.responses.models import Answer, Response, SealedItem, VolunteerContact

FORM = "/nl/r/activities-2026/wyckerpoort/"

# A complete set of answers, page by page, as a resident's browser would post them.
PAGES = [
    {"q-visit_frequency": "monthly"},
    {"q-activities": ["cooking_together", "quiz", "other"], "q-activities-other": "Jeu de boules"},
    {"q-top3-1": "quiz", "q-top3-2": "cooking_together", "q-when": ["mon:evening", "sat:morning"], "q-reach": ["elderly"]},
    {"q-barriers": ["cost"], "q-hear": ["posters", "whatsapp_group"]},
    {"q-building": ["better_kitchen"], "q-price": "up_to_2"},
    {"q-help": ["cook"], "q-talent": "Ik kan goed koken", "q-age_group": "age_46_65", "q-idea": "Een moestuin bij het buurthuis"},
    {"q-contact-agree": "yes", "q-contact-name": "Anna", "q-contact-email": "anna@example.nl"},
]


def all_answers(upto: int = len(PAGES)) -> dict:
    merged = {}
    for page in PAGES[:upto]:
        merged.update(page)
    return merged


def ticket(client, url: str = FORM) -> str:
    """The form ticket of the current resident (tickets.py), as the form page hands it out."""
    return re.search(r'name="ticket" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def post(client, page: int, answers: dict, action: str = "next", url: str = FORM, with_ticket: str | None = None):
    return client.post(url, data={**answers, "page": str(page), "action": action,
                                  "ticket": with_ticket or ticket(client, url)})


def receipt_code(html: str) -> str:
    return re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]{14})<', html).group(1)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def release(app):
    """Make a release now (contacts and door interviews wait sealed until one)."""
    from survey.dashboards.releases import make_release
    from survey.surveys.queries import round_by_key

    make_release(round_by_key("activities-2026"), force=True)
    db.session.commit()


def receipt_ticket(client) -> str:
    html = client.get("/nl/receipt").get_data(as_text=True)
    return re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)


def submit_everything(client, url: str = FORM):
    """Walk through every page (as the form would) and send; return the final response."""
    for page in range(len(PAGES) - 1):
        response = post(client, page, all_answers(page + 1), url=url)
        assert response.status_code == 200, response.data[:2000]
    return post(client, len(PAGES) - 1, all_answers(), action="submit", url=url)


def test_root_redirects_by_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).location.endswith("/en/")
    assert client.get("/", headers={"Accept-Language": "fr"}).location.endswith("/nl/")
    assert client.get("/").location.endswith("/nl/")


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_landing_lists_neighbourhoods_by_district(client):
    html = client.get("/nl/").get_data(as_text=True)
    assert "Wat wil jij in jouw buurt?" in html
    assert 'href="/nl/r/activities-2026/wyckerpoort/"' in html
    assert html.index(">Oost<") < html.index(">Wyckerpoort<")


def test_landing_search_without_javascript(client):
    html = client.get("/nl/?q=wyck").get_data(as_text=True)
    results = html.split("districts")[0]
    assert "Wyckerpoort" in results and "Daalhof" not in results


def test_whole_survey_is_stored_with_receipt(client, app):
    response = submit_everything(client)
    assert response.status_code == 200
    code = receipt_code(response.get_data(as_text=True))
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert (stored.channel.value, stored.language, stored.area.key if hasattr(stored, "area") else None) [:2] == ("online", "nl")
        assert stored.age_group == "age_46_65"
        rows = {(a.question, a.option, a.rank) for a in stored.answers}
        assert ("activities", "other", None) in rows
        assert ("top3", "quiz", 1) in rows and ("top3", "cooking_together", 2) in rows
        assert ("when", "sat:morning", None) in rows
        other = next(a for a in stored.answers if a.option == "other")
        assert other.text == "Jeu de boules"
        # Contact details are sealed apart until the next release, not stored as answers; the
        # talent goes with the contact only (free text in both places would join them).
        assert count(VolunteerContact) == 0 and count(SealedItem) == 1
        assert not any(a.text in ("anna@example.nl", "Ik kan goed koken") for a in stored.answers)
        release(app)
        contact = db.session.scalars(select(VolunteerContact)).one()
        assert (contact.name, contact.email, contact.roles, contact.talent) == ("Anna", "anna@example.nl", "cook", "Ik kan goed koken")
    # The receipt shows the answers, then deletes them with the contact details.
    page = client.post("/nl/receipt", data={"code": code.lower(), "ticket": receipt_ticket(client)})
    assert page.status_code == 200 and "Jeu de boules" in page.get_data(as_text=True)
    delete_ticket = re.search(r'name="ticket" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    deleted = client.post("/nl/receipt/delete", data={"code": code, "ticket": delete_ticket})
    assert deleted.status_code == 200
    with app.app_context():
        assert count(Response) == count(Answer) == count(VolunteerContact) == count(SealedItem) == 0


def test_missing_required_answer_shows_error_and_keeps_earlier_pages(client, app):
    response = post(client, 1, {**all_answers(1), "q-activities": [], "q-activities-other": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-activities"' in html
    assert 'name="q-visit_frequency" value="monthly"' in html  # the earlier page travels along


def test_invalid_answer_keeps_what_was_typed(client):
    response = post(client, 5, {**all_answers(6), "q-talent": "x" * 201, "q-idea": "Mijn idee"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-talent"' in html and ">Mijn idee</textarea>" in html


@pytest.mark.parametrize(
    "field, value",
    [
        ("q-visit_frequency", "sometimes"),  # unknown option
        ("q-activities", "skydiving"),
        ("q-top3-1", "billiards"),  # not among the chosen activities
        ("q-when", "mon:night"),
        ("q-price", ["free_only", "up_to_5"]),  # two answers to a single choice
        ("q-talent", "x" * 201),  # too long
        ("q-contact-email", "not-an-address"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(client, app, field, value):
    answers = {**all_answers(), field: value}
    response = post(client, len(PAGES) - 1, answers, action="submit")
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    with app.app_context():
        assert count(Response) == count(Answer) == count(VolunteerContact) == 0


def test_exclusive_option_cannot_be_combined(client, app):
    response = post(client, 3, {**all_answers(4), "q-barriers": ["nothing", "cost"]})
    assert response.status_code == 422


def test_contact_needs_consent_and_is_dropped_without_it(client, app):
    answers = {**all_answers(), "q-contact-agree": ""}
    assert post(client, len(PAGES) - 1, answers, action="submit").status_code == 200
    with app.app_context():
        assert count(VolunteerContact) == count(SealedItem) == 0 and count(Response) == 1


def test_contact_question_hidden_unless_offering_help(client):
    answers = {**all_answers(6), "q-help": ["no"], "q-talent": ""}
    response = post(client, 5, answers, action="next")
    html = response.get_data(as_text=True)
    assert "q-contact-agree" not in html  # page 7 skipped: the last page is 6
    assert 'value="submit"' in html


def test_back_keeps_answers(client):
    response = post(client, 2, all_answers(3), action="back")
    html = response.get_data(as_text=True)
    assert 'value="cooking_together" checked' in html


def test_language_switch_mid_form_keeps_answers(client):
    response = post(client, 1, all_answers(2), action="lang:en")
    assert response.status_code == 307 and response.location.endswith("/en/r/activities-2026/wyckerpoort/")
    switched = client.post(response.location, data={**all_answers(2), "page": "1", "action": "lang:en",
                                                     "ticket": ticket(client)})
    html = switched.get_data(as_text=True)
    assert 'lang="en"' in html and "Cooking and eating together" in html
    assert 'value="quiz" checked' in html


@pytest.mark.parametrize("url, status", [
    ("/nl/r/activities-2026/atlantis/", 404),
    ("/nl/r/no-such-round/wyckerpoort/", 404),
    ("/nl/r/activities-2026/oost/", 404),  # a district is not a neighbourhood
    ("/xx/", 404),
    ("/xx/r/activities-2026/wyckerpoort/", 404),
])
def test_unknown_places_give_helpful_404(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert "<h1>" in response.get_data(as_text=True)


def test_unknown_language_page_lists_languages(client):
    html = client.get("/xx/").get_data(as_text=True)
    assert 'href="/ar/"' in html and "xx" in html


def test_honeypot_refuses_and_stores_nothing(client, app):
    response = post(client, len(PAGES) - 1, {**all_answers(), "website": "http://spam"}, action="submit")
    assert response.status_code == 400
    with app.app_context():
        assert count(Response) == 0


def test_bad_utf8_is_refused(client, app):
    body = b"page=6&action=submit&q-visit_frequency=monthly&q-activities=quiz&q-idea=%ff%fe"
    response = client.post(FORM, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    with app.app_context():
        assert count(Response) == 0


def test_oversized_request_is_refused(client, app):
    response = post(client, 6, {**all_answers(), "q-idea": "x" * 2_000_000}, action="submit")
    assert response.status_code == 413
    with app.app_context():
        assert count(Response) == 0


def test_page_number_out_of_range_is_clamped(client):
    assert post(client, 99, all_answers()).status_code in (200, 422)
    assert client.post(FORM, data={"page": "abc", "action": "next", "ticket": ticket(client)}).status_code == 422


def test_missing_csrf_token_is_refused(csrf_app, app, client):
    response = client.post(FORM, data={**all_answers(), "page": "6", "action": "submit"})
    assert response.status_code == 400
    assert "form" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert count(Response) == 0


def test_tampered_csrf_token_is_refused(csrf_app, app, client):
    html = client.get(FORM).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(FORM, data={**all_answers(), "page": "6", "action": "submit", "csrf_token": token[:-3] + "abc"})
    assert response.status_code == 400


def test_wrong_receipt_code(client):
    response = client.post("/nl/receipt", data={"code": "AAAA-BBBB-CCCC", "ticket": receipt_ticket(client)})
    assert response.status_code == 404
    assert "code" in response.get_data(as_text=True)
    assert client.post("/nl/receipt", data={"code": "drop table", "ticket": receipt_ticket(client)}).status_code == 404


def test_submission_rate_limit_never_throws_a_survey_away(app, client):
    limiter.enabled = True
    app.config["SUBMISSION_RATE_LIMIT"] = "2 per hour"
    try:
        # Surveys that still need a correction do not count.
        for _ in range(3):
            assert post(client, 6, {**all_answers(), "q-visit_frequency": "sometimes"}, action="submit").status_code == 422
        statuses = [post(client, 6, all_answers(), action="submit") for _ in range(3)]
    finally:
        app.config["SUBMISSION_RATE_LIMIT"] = "60 per hour"
    assert [r.status_code for r in statuses] == [200, 200, 429]
    refused = statuses[2]
    html = refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert "Een moestuin bij het buurthuis" in html and 'value="anna@example.nl"' in html
    assert 'value="submit"' in html  # the same page, ready to send again
    with app.app_context():
        assert count(Response) == 2


def test_security_headers(client):
    headers = client.get("/nl/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_closed_round_says_so(app, client):
    import datetime as dt

    from survey.surveys.models import SurveyRound

    with app.app_context():
        survey_round = db.session.scalars(select(SurveyRound)).one()
        survey_round.closes_on = dt.date.today() - dt.timedelta(days=1)
        db.session.commit()
    try:
        response = client.get(FORM)
        assert response.status_code == 410
        assert "Deze peiling is gesloten" in response.get_data(as_text=True)
        assert post(client, 6, all_answers(), action="submit", with_ticket="any").status_code == 410
        assert "/nl/r/" not in client.get("/nl/").get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.scalars(select(SurveyRound)).one().closes_on = dt.date.today() + dt.timedelta(days=30)
            db.session.commit()


def test_unexpected_error_is_a_friendly_page_not_a_traceback(client, monkeypatch):
    def explode():
        raise RuntimeError("database on fire")

    monkeypatch.setattr("survey.main.lang.open_rounds", explode)
    response = client.get("/tr/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert 'lang="tr"' in html and "Traceback" not in html and "database on fire" not in html


def test_wrong_method_is_a_friendly_page(client):
    response = client.get("/nl/receipt/delete")
    assert response.status_code == 405 and "<h1>" in response.get_data(as_text=True)


def test_page_not_found_speaks_the_language_of_the_path(client):
    response = client.get("/ar/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert 'lang="ar" dir="rtl"' in response.get_data(as_text=True)


def test_switcher_links_survive_odd_query_arguments(client):
    response = client.get("/nl/?lang=ar&q=wyck&round_key=x")
    assert response.status_code == 200
    assert 'href="/ar/?q=wyck&amp;round_key=x"' in response.get_data(as_text=True)
