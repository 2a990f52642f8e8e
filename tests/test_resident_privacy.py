"""A resident's privacy on the online form: the volunteer step, the age of consent, and a shared
device that passes from hand to hand (the receipt code shown once, nothing sent again by Back)."""

from __future__ import annotations

import base64
import json
import re
import zlib

from sqlalchemy import func, select

from survey.extensions import db
from survey.responses.models import Response, SealedItem
from test_online import FORM, PAGES, all_answers, post, receipt_code, receipt_ticket, submit_everything, ticket


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def session_data(client) -> str:
    """What the browser holds in the session cookie, decoded (it is signed, not encrypted)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.value.startswith("."):
        raw = zlib.decompress(raw)
    return json.dumps(json.loads(raw))


# --- the volunteer step ---------------------------------------------------------------------------

def test_send_on_the_page_that_offers_help_shows_the_contact_page_first(client, app):
    # Without JavaScript the button on page 6 still says "send" (the server rendered it before
    # "help" was ticked); pressing it must show the contact page, not store the survey.
    response = post(client, 5, all_answers(6), action="submit")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="q-contact-agree"' in html and 'name="page" value="6"' in html
    assert count(app, Response) == 0
    sent = post(client, 6, all_answers(), action="submit")
    assert sent.status_code == 200 and receipt_code(sent.get_data(as_text=True))
    assert count(app, Response) == 1 and count(app, SealedItem) == 1  # the contact waits sealed


def test_without_help_send_sends(client, app):
    answers = {**all_answers(6), "q-help": ["no"], "q-talent": ""}
    response = post(client, 5, answers, action="submit")
    assert response.status_code == 200 and receipt_code(response.get_data(as_text=True))
    assert count(app, Response) == 1 and count(app, SealedItem) == 0


def test_the_page_tells_its_script_which_answers_lead_to_a_later_page(client):
    html = post(client, 4, all_answers(5)).get_data(as_text=True)  # renders page 6 (help)
    later = json.loads(re.search(r'data-later-if="([^"]+)"', html).group(1).replace("&#34;", '"'))
    assert {"question": "help", "any_of": ["organise", "host", "cook", "board", "talent"]} in later[0]
    assert {"question": "talent", "answered": True} in later[0]


def test_under_14_leaves_no_contact_details_and_is_told_why(client, app):
    answers = {**all_answers(), "q-age_group": "age_under_14"}
    page = post(client, 5, {k: v for k, v in answers.items() if not k.startswith("q-contact")}, action="next")
    html = page.get_data(as_text=True)
    assert "16 jaar of ouder" in html
    assert re.search(r'<p class="note" data-age-below>', html)  # the explanation is shown
    assert re.search(r'<div data-age-allowed hidden>', html)  # the fields are not
    sent = post(client, 6, answers, action="submit")  # details posted anyway (a crafted request)
    assert sent.status_code == 200
    assert count(app, Response) == 1 and count(app, SealedItem) == 0


def test_14_to_17_confirm_their_age_before_details_are_kept(client, app):
    answers = {**all_answers(), "q-age_group": "age_14_17"}
    refused = post(client, 6, answers, action="submit")
    assert refused.status_code == 422 and "16 jaar of ouder" in refused.get_data(as_text=True)
    assert post(client, 6, {**answers, "q-contact-age": "no"}, action="submit").status_code == 200
    assert count(app, SealedItem) == 0  # "no": the details are dropped, the answers kept
    assert post(client, 6, {**answers, "q-contact-age": "yes"}, action="submit").status_code == 200
    assert count(app, SealedItem) == 1 and count(app, Response) == 2


# --- a shared device --------------------------------------------------------------------------------

def test_the_receipt_code_is_shown_once_and_kept_nowhere(client, app):
    last_page_ticket = ticket(client)
    sent = submit_everything(client)
    code = receipt_code(sent.get_data(as_text=True))
    assert code.replace("-", "") not in session_data(client).replace("-", "")
    # Leaving and coming back, or an old thanks link: no code.
    assert code not in client.get(FORM + "thanks").get_data(as_text=True)
    assert code not in client.get("/nl/").get_data(as_text=True)
    # "Back" and "send again" of the last page, or of any earlier page: stale, nothing shown.
    for page in (6, 3, 0):
        again = post(client, page, all_answers(page + 1), action="submit" if page == 6 else "next",
                     with_ticket=last_page_ticket)
        html = again.get_data(as_text=True)
        assert again.status_code == 409
        assert code not in html and "Anna" not in html and "moestuin" not in html and "Jeu de boules" not in html
    assert count(app, Response) == 1


def test_next_resident_starts_empty_and_makes_earlier_pages_stale(client, app):
    halfway_ticket = ticket(client)
    half = post(client, 2, all_answers(3), with_ticket=halfway_ticket)
    assert "Jeu de boules" in half.get_data(as_text=True)
    nxt = client.post("/nl/next-resident", data={"round_key": "activities-2026", "area_key": "wyckerpoort"})
    assert nxt.status_code == 302 and nxt.location.endswith(FORM)
    fresh = client.get(nxt.location).get_data(as_text=True)
    assert "Jeu de boules" not in fresh and 'checked' not in fresh
    stale = post(client, 2, all_answers(3), with_ticket=halfway_ticket)
    assert stale.status_code == 409 and "Jeu de boules" not in stale.get_data(as_text=True)


def test_next_resident_with_an_unknown_place_goes_to_the_start(client):
    response = client.post("/nl/next-resident", data={"round_key": "x", "area_key": "../../admin"})
    assert response.status_code == 302 and response.location.endswith("/nl/")


def test_a_receipt_look_up_cannot_be_sent_again_from_the_history(client):
    sent = submit_everything(client)
    code = receipt_code(sent.get_data(as_text=True))
    lookup_ticket = receipt_ticket(client)
    shown = client.post("/nl/receipt", data={"code": code, "ticket": lookup_ticket})
    assert "Jeu de boules" in shown.get_data(as_text=True)
    again = client.post("/nl/receipt", data={"code": code, "ticket": lookup_ticket})
    assert again.status_code == 409 and "Jeu de boules" not in again.get_data(as_text=True)
    delete_again = client.post("/nl/receipt/delete", data={"code": code, "ticket": lookup_ticket})
    assert delete_again.status_code == 409


def test_a_survey_sent_in_seconds_is_refused(app, client):
    app.config["SUBMISSION_MIN_SECONDS"] = 60
    try:
        response = post(client, len(PAGES) - 1, all_answers(), action="submit")
    finally:
        app.config["SUBMISSION_MIN_SECONDS"] = 0
    assert response.status_code == 400 and count(app, Response) == 0


def test_a_forged_ticket_is_stale(client, app):
    response = post(client, 6, all_answers(), action="submit", with_ticket="eyJlIjoiYSIsInQiOjF9.forged")
    assert response.status_code == 409 and count(app, Response) == 0


def test_the_language_links_after_sending_keep_to_the_rounds_languages(app, client):
    from survey.surveys.models import SurveyRound

    with app.app_context():
        survey_round = db.session.scalar(select(SurveyRound))
        survey_round.languages = ["nl", "ar"]
        db.session.commit()
    sent = post(client, 6, all_answers(), action="submit").get_data(as_text=True)
    switcher = sent.split('class="language-switcher"')[1].split("</nav>")[0]
    assert 'hreflang="ar"' in switcher and 'hreflang="tr"' not in switcher and 'hreflang="en"' not in switcher
