"""Edge cases of the device sync API: each item judged on its own, conflicts, late and odd times,
older survey versions, and an interview with its door's visit stored both or neither."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.canvassing.models import Visit
from survey.extensions import db
from survey.responses.models import Response
from test_canvassing_helpers import (  # noqa: F401  (fixtures)
    ANSWERS, ROUND, canvasser, count_rows, interview, interviews_kept, send, store_sealed, visit, walk_list,
)


def results(response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(r["status"], r.get("code")) for r in response.get_json()["results"]]


@pytest.fixture
def round_dates(app):
    """Move the shipped round's dates for a test (the conftest puts them back)."""
    from survey.surveys.models import SurveyRound

    def move(opens_on: dt.date, closes_on: dt.date):
        with app.app_context():
            survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == ROUND))
            survey_round.opens_on, survey_round.closes_on = opens_on, closes_on
            db.session.commit()

    return move


@pytest.mark.parametrize("bad", [
    visit(1, visited_at="0001-01-01T00:00:00+14:00"),  # before the first moment a datetime holds in UTC
    visit(1, visited_at="9999-12-31T23:59:59-14:00"),
    interview(answers={**ANSWERS, "q-idea": ["lone surrogate \ud800"]}),
    interview(receipt="\ud800\ud800"),
    interview(language="nl\ud800"),
])
def test_one_bad_item_never_fails_the_batch(app, client, canvasser, walk_list, bad):
    _, token = canvasser
    good = interview()
    outcome = results(send(client, [good, bad, visit(walk_list["Meerssenerweg 10"])], token))
    assert outcome[0] == ("stored", None) and outcome[2] == ("stored", None)
    assert outcome[1][0] == "rejected"
    assert interviews_kept(app) == 1 and count_rows(app, Visit) == 1


def test_the_same_uuid_with_other_content_is_a_conflict_and_the_first_is_kept(app, client, canvasser, walk_list):
    _, token = canvasser
    first = interview()
    changed = {**first, "answers": {**ANSWERS, "q-visit_frequency": ["weekly"]}}
    assert results(send(client, [first], token)) == [("stored", None)]
    assert results(send(client, [changed], token)) == [("rejected", "conflict")]
    assert results(send(client, [first], token)) == [("duplicate", None)]  # the same content: a duplicate
    store_sealed(app)
    assert results(send(client, [changed], token)) == [("rejected", "conflict")]  # also once stored
    with app.app_context():
        stored = db.session.scalars(select(Response)).one()
        assert {(a.question, a.option) for a in stored.answers} >= {("visit_frequency", "monthly")}
    door = walk_list["Meerssenerweg 10"]
    outcome = visit(door, "not_home")
    assert results(send(client, [outcome], token)) == [("stored", None)]
    assert results(send(client, [{**outcome, "outcome": "refused"}], token)) == [("rejected", "conflict")]
    assert results(send(client, [outcome], token)) == [("duplicate", None)]


def test_a_conflict_is_explained_to_the_canvasser(app, client, canvasser):
    _, token = canvasser
    first = interview()
    send(client, [first], token)
    answer = send(client, [{**first, "language": "ar"}], token, **{"Accept-Language": "en"}).get_json()["results"][0]
    assert answer["code"] == "conflict" and "first one is kept" in answer["reason"]


def test_interviews_recorded_while_open_are_accepted_for_a_grace_period(app, client, canvasser, round_dates):
    _, token = canvasser
    today = dt.date.today()
    round_dates(today - dt.timedelta(days=60), today - dt.timedelta(days=10))
    recorded = (today - dt.timedelta(days=11)).isoformat()
    assert results(send(client, [interview(day=recorded)], token)) == [("stored", None)]
    assert results(send(client, [interview(day=today.isoformat())], token)) == [("rejected", "outside_round")]
    round_dates(today - dt.timedelta(days=160), today - dt.timedelta(days=150))  # five months ago
    late = send(client, [interview(day=(today - dt.timedelta(days=151)).isoformat())], token, **{"Accept-Language": "en"})
    assert results(late) == [("rejected", "round_closed")]
    assert "30 days" in late.get_json()["results"][0]["reason"]


@pytest.mark.parametrize("overrides, code", [
    ({"visited_at": "1970-01-01T10:00:00Z"}, "outside_round"),
    ({"visited_at": "2999-01-01T10:00:00Z"}, "outside_round"),
    ({"outcome": "come_back", "come_back_at": "1900-01-01T18:00"}, "malformed"),
    ({"outcome": "come_back", "come_back_at": "2999-01-01T18:00"}, "malformed"),
])
def test_only_plausible_times_are_stored(app, client, canvasser, walk_list, overrides, code):
    _, token = canvasser
    assert results(send(client, [visit(walk_list["Meerssenerweg 10"], **overrides)], token)) == [("rejected", code)]
    assert count_rows(app, Visit) == 0


def test_an_interview_of_an_older_version_is_stored_with_that_version(app, client, canvasser, runner, tmp_path):
    import yaml

    from survey.surveys.models import SurveyRound, SurveyVersion

    _, token = canvasser
    with app.app_context():
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == ROUND))
        old_version_id = survey_round.survey_version_id
        data = survey_round.definition.model_dump(exclude_none=True)
    data["title"] = {code: text + " (2)" for code, text in data["title"].items()}
    path = tmp_path / "next.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert runner.invoke(args=["surveys", "load", str(path)]).exit_code == 0
    with app.app_context():
        newest = db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.number.desc())).first()
        db.session.get(SurveyRound, survey_round.id).survey_version_id = newest.id
        db.session.commit()
        assert newest.number == 2
    try:
        assert results(send(client, [interview(version=1)], token)) == [("stored", None)]
        assert results(send(client, [interview(version=2)], token)) == [("stored", None)]
        store_sealed(app)
        with app.app_context():
            assert sorted(db.session.scalars(select(Response.survey_version_id))) == sorted([old_version_id, newest.id])
    finally:
        with app.app_context():  # the round back on its version, before the clean-up removes version 2
            db.session.execute(db.delete(Response))
            db.session.get(SurveyRound, survey_round.id).survey_version_id = old_version_id
            db.session.commit()


def test_an_interview_and_its_visit_are_stored_both_or_neither(app, client, canvasser, walk_list):
    _, token = canvasser
    door = walk_list["Wyckerpoort Steenweg 1"]
    bad = interview(answers={"q-visit_frequency": ["sometimes"]})
    outcome = results(send(client, [bad, visit(door, "interviewed", interview=bad["uuid"])], token))
    assert outcome == [("rejected", "invalid_answers"), ("rejected", "interview_not_stored")]
    assert interviews_kept(app) == 0 and count_rows(app, Visit) == 0
    # A visit naming an interview the server never got waits for it.
    alone = visit(door, "interviewed", interview=interview()["uuid"])
    assert results(send(client, [alone], token)) == [("rejected", "interview_not_stored")]
    # Sent together again, correctly: both stored; the visit alone again later: a duplicate.
    good = interview()
    paired = visit(door, "interviewed", interview=good["uuid"])
    assert results(send(client, [paired, good], token)) == [("stored", None), ("stored", None)]
    assert results(send(client, [paired], token)) == [("duplicate", None)]


def test_a_visit_can_name_its_interview_only_when_interviewed(app, client, canvasser, walk_list):
    _, token = canvasser
    item = visit(walk_list["Meerssenerweg 10"], "not_home", interview=interview()["uuid"])
    assert results(send(client, [item], token)) == [("rejected", "malformed")]
