"""The device sync API, ``POST /api/v1/submissions``: stored, duplicate or rejected, per item;
nothing stored twice, nothing stored half."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select

from survey.canvassing.models import Visit
from survey.extensions import db
from survey.responses.models import Answer, Response, SealedItem, VolunteerContact
from survey.responses.services import find_by_receipt
from test_canvassing_helpers import (  # noqa: F401  (fixtures)
    API, canvasser, count_rows, interview, interviews_kept, make_canvasser, new_uuid, send, store_sealed, visit,
    walk_list,
)


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["status"] for result in response.get_json()["results"]]


def test_interview_and_visit_are_stored_apart(app, client, canvasser, walk_list):
    user_id, token = canvasser
    door = walk_list["Wyckerpoort Steenweg 3 A"]
    talk = interview(receipt="7kq4-m2xd-9pta", language="en")
    response = send(client, [talk, visit(door, "interviewed", interview=talk["uuid"])], token)
    assert statuses(response) == ["stored", "stored"]
    body = response.get_json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (2, 0, 0)
    # The interview waits sealed until enough of the neighbourhood can be stored together.
    assert count_rows(app, Response) == 0 and interviews_kept(app) == 1
    with app.test_request_context():
        assert "top3" in find_by_receipt("7KQ4-M2XD-9PTA").answers
    store_sealed(app)
    with app.test_request_context():
        stored = db.session.scalars(select(Response)).one()
        assert (stored.uuid, stored.channel.value, stored.language, stored.area_id) == (
            talk["uuid"], "door", "en", stored.area_id)
        assert stored.age_group == "age_46_65"
        rows = {(a.question, a.option, a.rank) for a in stored.answers}
        assert ("top3", "quiz", 1) in rows and ("when", "sat:morning", None) in rows
        # The resident can see and delete their answers with the code shown at the door.
        assert find_by_receipt("7KQ4-M2XD-9PTA").answers["top3"] == ["quiz", "cooking_together"]
        outcome = db.session.scalars(select(Visit)).one()
        assert (outcome.door_id, outcome.outcome.value, outcome.canvasser_id) == (door, "interviewed", user_id)
        # The answers carry no address: nothing in a response points at a door or a visit.
        assert not {"door_id", "street", "visit_id", "postcode"} & set(Response.__table__.columns.keys())


def test_same_batch_twice_stores_once(app, client, canvasser, walk_list):
    _, token = canvasser
    batch = [interview(), interview(), visit(walk_list["Meerssenerweg 10"], "refused")]
    assert statuses(send(client, batch, token)) == ["stored"] * 3
    answers_before = count_rows(app, Answer)
    assert statuses(send(client, batch, token)) == ["duplicate"] * 3
    assert interviews_kept(app) == 2 and count_rows(app, Visit) == 1
    assert count_rows(app, Answer) == answers_before
    store_sealed(app)  # also once they are stored, a resend is a duplicate
    assert statuses(send(client, batch, token)) == ["duplicate"] * 3
    assert count_rows(app, Response) == 2


def test_the_same_item_twice_in_one_batch(app, client, canvasser):
    _, token = canvasser
    item = interview()
    assert statuses(send(client, [item, item], token)) == ["stored", "duplicate"]
    assert interviews_kept(app) == 1


def test_a_second_tablet_resending_stores_nothing(app, client, accounts, canvasser, walk_list):
    _, token = canvasser
    _, other = make_canvasser(app, accounts, "second@example.nl", "canvasser", ("wyckerpoort",))
    batch = [interview(), visit(walk_list["Meerssenerweg 10"])]
    send(client, batch, token)
    assert statuses(send(client, batch, other)) == ["duplicate", "duplicate"]
    assert interviews_kept(app) == 1 and count_rows(app, Visit) == 1


def test_concurrent_identical_requests_leave_one_row(app, canvasser, walk_list):
    _, token = canvasser
    batch = [interview() for _ in range(5)] + [visit(door, "flyer_left") for door in list(walk_list.values())[:5]]
    threads, answers = 8, []
    start = threading.Barrier(threads)

    def tablet():
        client = app.test_client()
        start.wait()
        response = send(client, batch, token)
        answers.append((response.status_code, [r["status"] for r in response.get_json()["results"]]))

    workers = [threading.Thread(target=tablet) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [status for status, _ in answers] == [200] * threads, answers
    # Every item was stored by exactly one request; all others answered "duplicate".
    for index in range(len(batch)):
        assert sorted(results[index] for _, results in answers) == ["duplicate"] * (threads - 1) + ["stored"]
    assert interviews_kept(app) == 5 and count_rows(app, Visit) == 5


def test_partial_batch_stores_the_good_items(app, client, canvasser, walk_list):
    _, token = canvasser
    good, bad_answer = interview(), interview(answers={"q-visit_frequency": ["sometimes"]})
    batch = [good, "not an item", bad_answer, visit(walk_list["Daalhoferweg 2"]), visit(walk_list["Meerssenerweg 12 BIS"])]
    response = send(client, batch, token)
    assert statuses(response) == ["stored", "rejected", "rejected", "rejected", "stored"]
    results = response.get_json()["results"]
    assert [r.get("code") for r in results] == [None, "malformed", "invalid_answers", "area_not_allowed", None]
    assert results[2]["question"] == "visit_frequency"
    assert all(r["reason"] for r in results if r["status"] == "rejected")
    assert interviews_kept(app) == 1 and count_rows(app, Visit) == 1
    # Nothing of a refused interview is stored half: no stray answers.
    store_sealed(app)
    with app.app_context():
        assert db.session.scalar(select(Response.uuid)) == good["uuid"]


@pytest.mark.parametrize("item, code", [
    ({"uuid": "x"}, "bad_uuid"),
    ({"type": "interview"}, "bad_uuid"),
    ({"type": "survey", "uuid": new_uuid()}, "unknown_type"),
    (interview(answers="monthly"), "malformed"),
    (interview(answers={"visit_frequency": "monthly"}), "malformed"),  # not a form field name
    (interview(answers={"q-visit_frequency": [1]}), "malformed"),
    (interview(answers={"q-idea": ["x" * 20_000]}), "malformed"),
    (interview(answers={"q-idea": ["nul\x00byte"]}), "malformed"),
    (interview(day="yesterday"), "malformed"),
    (interview(version="1"), "malformed"),
    (interview(receipt="not-a-code"), "malformed"),
    (interview(area="Wyckerpoort"), "malformed"),
    (interview(answers={}), "invalid_answers"),  # required questions unanswered
    (interview(answers={"q-visit_frequency": "monthly", "q-activities": ["skydiving"]}), "invalid_answers"),
    (interview(answers={"q-visit_frequency": "monthly", "q-activities": ["quiz"], "q-barriers": ["nothing", "cost"]}), "invalid_answers"),
    (interview(answers={"q-visit_frequency": "monthly", "q-activities": ["quiz"], "q-help": ["cook"],
                        "q-contact-agree": "yes", "q-contact-email": "nope"}), "invalid_answers"),
    (visit(1, outcome="asleep"), "malformed"),
    (visit(True), "malformed"),
    (visit("12"), "malformed"),
    (visit(1, outcome="come_back"), "malformed"),  # without a time
    (visit(1, outcome="come_back", come_back_at="tomorrow"), "malformed"),
    (visit(1, outcome="language_barrier"), "malformed"),  # without the language
    (visit(1, visited_at="2026-05-04T10:00:00"), "malformed"),  # no time zone
    (visit(999_999), "unknown_door"),
])
def test_malformed_items_are_rejected_with_a_code(app, client, canvasser, item, code):
    _, token = canvasser
    response = send(client, [item], token)
    result = response.get_json()["results"][0]
    assert (response.status_code, result["status"], result["code"]) == (200, "rejected", code), result
    assert interviews_kept(app) == 0 and count_rows(app, Visit) == 0 and count_rows(app, SealedItem) == 0


def test_neighbourhoods_the_canvasser_may_not_visit(app, client, canvasser, walk_list):
    _, token = canvasser
    response = send(client, [interview(area="daalhof"), visit(walk_list["Daalhoferweg 2"])], token)
    assert [r["code"] for r in response.get_json()["results"]] == ["area_not_allowed", "area_not_allowed"]
    assert interviews_kept(app) == 0 and count_rows(app, Visit) == 0


def test_an_admin_may_record_everywhere(app, client, accounts, walk_list):
    _, token = make_canvasser(app, accounts, "admin@example.nl", "admin", ())
    assert statuses(send(client, [interview(area="daalhof"), visit(walk_list["Daalhoferweg 2"])], token)) == ["stored"] * 2


@pytest.mark.parametrize("overrides, code", [
    ({"version": 2}, "wrong_version"),  # a version the server does not have
    ({"round": "activities-2024"}, "unknown_round"),
    ({"area": "oost"}, "area_not_in_round"),  # a district, not a neighbourhood
    ({"area": "atlantis"}, "area_not_in_round"),
    ({"language": "fr"}, "language_not_offered"),
    ({"day": "2020-01-01"}, "outside_round"),
    ({"day": "2999-01-01"}, "outside_round"),
])
def test_wrong_round_version_or_place(app, client, canvasser, overrides, code):
    _, token = canvasser
    result = send(client, [interview(**overrides)], token).get_json()["results"][0]
    assert (result["status"], result["code"]) == ("rejected", code)
    assert interviews_kept(app) == 0


def test_a_wrong_version_says_which(app, client, canvasser):
    _, token = canvasser
    result = send(client, [interview(version=7)], token, **{"Accept-Language": "en"}).get_json()["results"][0]
    assert result["code"] == "wrong_version" and "version 7" in result["reason"]


def test_oversized_batch_is_refused_whole(app, client, canvasser):
    _, token = canvasser
    response = send(client, [interview() for _ in range(app.config["CANVASS_SYNC_MAX_ITEMS"] + 1)], token)
    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == "batch_too_large" and body["message"]
    assert count_rows(app, Response) == 0


def test_oversized_request_body_is_refused(app, client, canvasser):
    _, token = canvasser
    response = send(client, [interview(answers={"q-idea": ["x" * 9_000]}) for _ in range(150)], token)
    assert response.status_code == 413 and response.is_json
    assert count_rows(app, Response) == 0


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"items": {}}', b'{"things": []}', b"\xff\xfe", b"[" * 200_000])
def test_malformed_batch(app, client, canvasser, body):
    _, token = canvasser
    response = client.post(API, data=body, content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.get_json()["code"] == "malformed_batch"


def test_without_authentication(client):
    response = send(client, [interview()], None)
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    assert send(client, [interview()], "forged.token").status_code == 401


def test_board_members_cannot_send(app, client, accounts):
    _, token = make_canvasser(app, accounts, "board@example.nl", "board", ("wyckerpoort",))
    response = send(client, [interview()], token)
    assert (response.status_code, response.get_json()["code"]) == (403, "forbidden")


def test_a_new_password_revokes_the_device_token(app, client, canvasser):
    from survey.accounts.models import User

    user_id, token = canvasser
    with app.app_context():
        db.session.get(User, user_id).password_hash = "changed"
        db.session.commit()
    assert send(client, [interview()], token).status_code == 401


def test_an_inactive_account_cannot_send(app, client, canvasser):
    from survey.accounts.models import User

    user_id, token = canvasser
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert send(client, [interview()], token).status_code == 401


def test_session_needs_the_csrf_header(csrf_app, app, client, accounts):
    email = "session@example.nl"
    accounts.create(email, "canvasser", ("wyckerpoort",))
    login_page = client.get("/nl/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/nl/login", data={"email": email, "password": accounts.PASSWORD, "csrf_token": token}).status_code == 302
    refused = send(client, [interview()], None)
    assert (refused.status_code, refused.get_json()["code"]) == (400, "csrf_failed")
    page = client.get("/nl/canvass/").get_data(as_text=True)
    header = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert statuses(send(client, [interview()], None, **{"X-CSRFToken": header})) == ["stored"]


def test_contact_details_from_the_door_are_stored_apart(app, client, canvasser):
    _, token = canvasser
    answers = {"q-visit_frequency": "never", "q-activities": ["quiz"], "q-help": ["cook"],
               "q-contact-agree": "yes", "q-contact-email": "anna@example.nl"}
    assert statuses(send(client, [interview(answers={**answers, "q-contact-age": "yes"})], token)) == ["stored"]
    assert count_rows(app, VolunteerContact) == 0  # sealed until a release
    store_sealed(app)
    with app.app_context():
        contact = db.session.scalars(select(VolunteerContact)).one()
        assert contact.email == "anna@example.nl"
        assert not db.session.scalar(select(Answer).where(Answer.text == "anna@example.nl"))


def test_rate_limit_answers_json(app, client, canvasser):
    from survey.extensions import limiter

    _, token = canvasser
    limiter.enabled = True
    app.config["CANVASS_SYNC_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [send(client, [], token).status_code for _ in range(3)]
    finally:
        app.config["CANVASS_SYNC_RATE_LIMIT"] = "120 per minute"
    assert codes == [200, 200, 429]


def test_a_clash_on_another_unique_value_rejects_only_that_item(app, client, canvasser):
    """The same receipt code on two interviews (a broken device): the second is refused in its
    savepoint, and the items after it in the batch are still stored."""
    _, token = canvasser
    first, clash, after = interview(receipt="AAAA-BBBB-CCCC"), interview(receipt="AAAA-BBBB-CCCC"), interview()
    response = send(client, [first, clash, after], token)
    by_uuid = {r["uuid"]: r for r in response.get_json()["results"]}
    assert sorted(r["status"] for r in by_uuid.values()) == ["rejected", "stored", "stored"]
    assert by_uuid[after["uuid"]]["status"] == "stored"
    assert [r["code"] for r in by_uuid.values() if r["status"] == "rejected"] == ["conflict"]
    assert interviews_kept(app) == 2


def test_a_visit_keeps_only_its_day(app, client, canvasser, walk_list):
    """A time would help to pair a door with the interview sent with it."""
    _, token = canvasser
    assert statuses(send(client, [visit(walk_list["Meerssenerweg 10"])], token)) == ["stored"]
    columns = {column.name: column.type.python_type for column in Visit.__table__.columns}
    assert columns["visited_on"] is dt.date and columns["received_on"] is dt.date
    assert not [name for name, kind in columns.items() if kind is dt.datetime and name != "come_back_at"]
