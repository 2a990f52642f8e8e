"""Migrations applied to a database that already holds answers: nothing lost, links removed.

Runs on the same kind of database as the rest of the suite (a throwaway SQLite file, or a
throwaway PostgreSQL database next to the test database)."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from survey import create_app
from survey.extensions import db

CODE = "7KQ4-M2XD-9PTA"


@pytest.fixture
def empty_database(tmp_path):
    """The URI of an empty database of the suite's kind, dropped afterwards."""
    base = os.environ.get("SURVEY_TEST_DATABASE_URI")
    if not base or not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.sqlite'}"
        return
    name = f"buurt_migrate_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    yield base.rsplit("/", 1)[0] + "/" + name
    with server.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


def test_0004_keeps_every_answer_and_unlinks_contacts_from_responses(empty_database):
    app = create_app({"TESTING": True, "SECRET_KEY": "migration-test", "SQLALCHEMY_DATABASE_URI": empty_database})
    directory = app.extensions["migrate"].directory
    old_hash = hashlib.sha256(CODE.replace("-", "").encode()).hexdigest()  # as 0001-0003 stored it
    with app.app_context():
        upgrade(directory=directory, revision="0003_dashboards")
        with db.engine.begin() as connection:
            run = lambda sql, **params: connection.execute(sa.text(sql), params)  # noqa: E731
            run("INSERT INTO area (id, key, kind, name, place_requested) VALUES (1, 'c', 'city', 'C', false), "
                "(2, 'd', 'district', 'D', false), (3, 'h', 'neighbourhood', 'H', false)")
            run("UPDATE area SET parent_id = 1 WHERE id = 2")
            run("UPDATE area SET parent_id = 2 WHERE id = 3")
            run("INSERT INTO survey (id, key) VALUES (1, 's')")
            run("INSERT INTO survey_version (id, survey_id, number, checksum, content, loaded_on) "
                "VALUES (1, 1, 1, 'x', '{}', '2026-01-01')")
            run("INSERT INTO survey_round (id, key, survey_version_id, opens_on, closes_on, languages, results_public) "
                "VALUES (1, 'r', 1, '2026-01-01', '2026-12-31', '[\"nl\"]', false)")
            for number in range(1, 31):
                # Responses 21-30 came from doors, one a day, in the order of their visits.
                door = number > 20
                run("INSERT INTO response (id, uuid, round_id, survey_version_id, area_id, channel, language, day, "
                    "receipt_hash, is_demo) VALUES (:id, :uuid, 1, 1, 3, :channel, 'nl', :day, :hash, false)",
                    id=number, uuid=f"00000000-0000-4000-8000-{number:012d}", hash=old_hash if number == 7 else None,
                    channel="door" if door else "online", day=f"2026-02-{number - 20 if door else 1:02d}")
                for question in ("a", "b", "c"):
                    run("INSERT INTO answer (response_id, question, option) VALUES (:id, :q, 'x')", id=number, q=question)
            run("INSERT INTO volunteer_contact (id, round_id, area_id, receipt_hash, email, language, given_on) "
                "VALUES (1, 1, 3, :hash, 'a@example.nl', 'nl', '2026-02-01')", hash=old_hash)
            run("INSERT INTO user_account (id, email, password_hash, role, language, active) "
                "VALUES (1, 'c@example.nl', 'x', 'canvasser', 'nl', true)")
            run("INSERT INTO door (id, neighbourhood_id, street, house_number, addition, postcode) "
                "VALUES (1, 3, 'Straat', 1, '', '6221AB')")
            run("INSERT INTO visit (uuid, round_id, door_id, canvasser_id, outcome, visited_at, received_at) "
                "VALUES (:uuid, 1, 1, 1, 'interviewed', '2026-02-01 14:03:11', '2026-02-01 00:00:00')", uuid=str(uuid.uuid4()))

        upgrade(directory=directory, revision="heads")

        with db.engine.connect() as connection:
            one = lambda sql: connection.execute(sa.text(sql)).one()  # noqa: E731
            assert one("SELECT count(*) FROM answer")[0] == 90  # nothing lost (SQLite's batch mode once lost them all)
            assert one("SELECT count(*), count(DISTINCT cell_key), count(release_id) FROM response") == (30, 30, 0)
            door = connection.execute(sa.text("SELECT uuid, day FROM response WHERE channel = 'door' ORDER BY id")).all()
            assert len(door) == 10 and {str(day) for _, day in door} == {"2026-02-10"}  # one day for all
            assert [u for u, _ in door] != sorted(u for u, _ in door)  # no longer in the order of the visits
            assert one("SELECT count(*) FROM answer WHERE response_id IN (SELECT id FROM response WHERE channel = 'door')")[0] == 30
            response_hash = one("SELECT receipt_hash FROM response WHERE id = 7")[0]
            contact_id, contact_hash = one("SELECT id, receipt_hash FROM volunteer_contact")
            assert response_hash != contact_hash and old_hash not in (response_hash, contact_hash)
            assert contact_id > 1
            visited_on = one("SELECT visited_on FROM visit")[0]
            assert str(visited_on) == "2026-02-01"
        with app.test_request_context():
            from survey.responses.services import CONTACT, receipt_hash

            assert receipt_hash(CODE) == response_hash and receipt_hash(CODE, CONTACT) == contact_hash
        db.engine.dispose()
