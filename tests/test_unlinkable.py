"""Nothing stored links a volunteer's contact details to their answers, or a door to its interview.

The test dumps every table, as someone with a copy of the database would, after residents offered
to help (online and at the door) and door interviews were synced with their visits, and looks for
what could join the rows: a shared value, a shared time, an order.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.extensions import db
from survey.responses.models import Response, SealedItem, VolunteerContact
from test_canvassing_helpers import (  # noqa: F401  (fixtures)
    ANSWERS, ROUND, canvasser, interview, send, visit, walk_list,
)
from test_dashboards import release
from test_online import all_answers, post

DOORS = ["Wyckerpoort Steenweg 1", "Wyckerpoort Steenweg 3 A", "Wyckerpoort Steenweg 5", "Meerssenerweg 10",
         "Meerssenerweg 12 BIS"]
HELPER = {"q-help": ["host"], "q-contact-agree": "yes", "q-contact-age": "yes", "q-contact-name": "Fatima",
          "q-contact-email": "fatima@example.nl", "q-talent": ["Naaien op een naaimachine"]}


def dump(app) -> dict[str, list[dict]]:
    """Every row of every table, as dictionaries."""
    with app.app_context():
        return {table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
                for table in db.metadata.sorted_tables}


def identifying(rows: list[dict], skip: set[str]) -> set:
    """The values of rows that could identify a row elsewhere: every text of 8 characters or more,
    every moment, and every number too large to be a category or a small id."""
    found = set()
    for row in rows:
        for name, value in row.items():
            if name in skip or value is None:
                continue
            if isinstance(value, str) and len(value) >= 8 or isinstance(value, (dt.datetime, bytes)):
                found.add(value)
            elif isinstance(value, int) and not isinstance(value, bool) and value > 100_000:
                found.add(value)
    return found


def test_a_database_dump_joins_no_contact_to_answers_and_no_door_to_an_interview(app, client, canvasser, walk_list):
    _, token = canvasser
    # Online: a resident offers to help and leaves contact details.
    assert post(client, 6, {**all_answers(), **HELPER}, action="submit").status_code == 200
    # At the door: five interviews with their doors' visits; one volunteer among them.
    items = []
    for number, label in enumerate(DOORS):
        answers = dict(ANSWERS)
        if number == 2:
            answers.update({"q-help": ["cook"], "q-contact-agree": "yes", "q-contact-age": "yes",
                            "q-contact-email": "jan@example.nl", "q-talent": ["Ik repareer fietsen"]})
        talk = interview(answers=answers)
        items += [talk, visit(walk_list[label], "interviewed", interview=talk["uuid"])]
    assert [r["status"] for r in send(client, items, token).get_json()["results"]] == ["stored"] * 10
    release(app)  # stores what waited sealed: five interviews of one neighbourhood, the contacts

    tables = dump(app)
    assert not tables["sealed_item"]
    contacts, visits = tables["volunteer_contact"], tables["visit"]
    responses = [r for r in tables["response"]]
    assert len(contacts) == 2 and len(visits) == 5 and len(responses) == 6
    answers = tables["answer"]

    # 1. No shared value: hash, text, id, time.
    answer_side = identifying(responses, set()) | identifying(answers, set())
    assert not identifying(contacts, {"name", "email", "phone"}) & answer_side
    assert not identifying(visits, set()) & answer_side
    texts = {row["text"] for row in answers if row["text"]}
    assert not {"Naaien op een naaimachine", "Ik repareer fietsen", "fatima@example.nl", "jan@example.nl"} & texts
    # 2. Contacts carry no date, and ids that follow nothing.
    assert not [name for name, value in contacts[0].items() if isinstance(value, (dt.date, dt.datetime))]
    assert all(contact["id"] > 2**20 for contact in contacts)
    # 3. Visits keep their day only; door interviews share one day (the release's), five at least.
    assert all(not isinstance(value, dt.datetime) for row in visits for name, value in row.items() if name != "come_back_at")
    door = [r for r in responses if r["channel"] == "door"]
    assert len(door) == 5 and len({r["day"] for r in door}) == 1
    # 4. The receipt hashes of the two tables differ, and each still finds its rows.
    assert not {c["receipt_hash"] for c in contacts} & {r["receipt_hash"] for r in responses}


def test_door_interviews_are_stored_in_an_order_that_follows_nothing(app, client, accounts, walk_list):
    """Thirty interviews sealed in the order they arrived are stored in a random order: the order
    of their ids is not the order of their visits."""
    from test_canvassing_helpers import make_canvasser

    _, token = make_canvasser(app, accounts, "order@example.nl", "canvasser", ("wyckerpoort",))
    sent = [interview() for _ in range(30)]
    for item in sent:  # one by one, as a tablet at thirty doors would
        assert send(client, [item], token).get_json()["results"][0]["status"] == "stored"
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SealedItem)) == 30
    release(app)
    with app.app_context():
        stored = [uuid for uuid in db.session.scalars(select(Response.uuid).order_by(Response.id))]
    arrival = [item["uuid"] for item in sent]
    assert sorted(stored) == sorted(arrival)
    assert stored != arrival
    # Not merely shifted either: few neighbours of the arrival order stay neighbours.
    position = {uuid: index for index, uuid in enumerate(stored)}
    kept = sum(position[b] - position[a] == 1 for a, b in zip(arrival, arrival[1:]))
    assert kept < 8


def test_fewer_than_five_door_interviews_wait_sealed(app, client, canvasser):
    _, token = canvasser
    send(client, [interview() for _ in range(4)], token)
    release(app)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(db.func.count()).select_from(SealedItem)) == 4


def test_after_the_grace_period_the_last_few_join_the_previous_batch(app, client, canvasser):
    """No interview waits for ever: once the round is closed and no more can come, the last few
    are stored together with the previous five, written again, so they stand among five or more."""
    from survey.dashboards.releases import make_release
    from survey.surveys.queries import round_by_key

    _, token = canvasser
    send(client, [interview() for _ in range(5)], token)
    release(app)
    send(client, [interview() for _ in range(2)], token)
    with app.test_request_context():
        survey_round = round_by_key(ROUND)
        closes_on = survey_round.closes_on
        survey_round.closes_on = dt.date.today() - dt.timedelta(days=31)
        later = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        make_release(survey_round, later, force=True)
        door = db.session.execute(select(Response.day, Response.id).where(Response.channel == "door")).all()
        survey_round.closes_on = closes_on
        db.session.commit()
    assert len(door) == 7 and len({day for day, _ in door}) == 1
    with app.app_context():
        assert not db.session.scalars(select(SealedItem)).all()


def test_contacts_are_written_again_in_a_random_order_at_each_release(app):
    from survey.areas.queries import area_by_key
    from survey.responses.models import Channel
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    with app.app_context():
        for number in range(12):
            answers = {**{"visit_frequency": "never", "activities": {"options": ["quiz"], "other": None}},
                       "help": {"options": ["cook"], "other": None},
                       "contact": {"agree": True, "name": f"Resident {number:02d}", "email": f"r{number}@example.nl", "phone": None}}
            store_response(round_by_key(ROUND), area_by_key("wyckerpoort"), answers, channel=Channel.ONLINE, language="nl")
            db.session.commit()
    release(app)
    with app.app_context():
        names = list(db.session.scalars(select(VolunteerContact.name)))  # the order a dump shows them in
    assert sorted(names) == [f"Resident {n:02d}" for n in range(12)]
    assert names != sorted(names)  # written in the order they came (and sorted by name), this fails
