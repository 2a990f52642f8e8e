"""Retention: admins set how long each kind of data is kept; `flask retention` deletes what is
older (after a dry run that counts the same), logs the run, and reduces archived rounds to their
published figures."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid

import pytest
from sqlalchemy import func, select

from survey.audit.models import AuditEntry
from survey.canvassing.models import Door, Visit
from survey.canvassing.outcomes import VisitOutcome
from survey.dashboards.models import PublishedCell, Release, Tally
from survey.extensions import db
from survey.responses.models import Answer, Channel, Response, SealedItem, VolunteerContact
from survey.retention.models import RetentionSetting

PAGE = "/nl/admin/retention/"
TODAY = dt.date.today()
DEFAULTS = {"contacts": "365", "visits": "365", "doors": "365", "audit_log": "730", "archived_mode": "keep",
            "archived_years": ""}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_page_shows_the_defaults_and_saves_changes_once(app, client, accounts):
    accounts.login_as("admin")
    html = client.get(PAGE).get_data(as_text=True)
    assert re.search(r'name="contacts"[^>]*value="365"', html) and re.search(r'name="audit_log"[^>]*value="730"', html)
    assert re.search(r'<input checked id="archived_mode-0" name="archived_mode" type="radio" value="keep">', html)
    response = client.post(PAGE, data={**DEFAULTS, "contacts": "180", "archived_mode": "reduce", "archived_years": "5"})
    assert response.status_code == 302
    with app.app_context():
        saved = {row.kind: row.period for row in db.session.scalars(select(RetentionSetting))}
        assert saved == {"contacts": 180, "archived_responses": 5}
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention_settings"))
        assert entry.detail == "contacts: 365 → 180; archived_responses: keep → 5"
        assert entry.user_id is not None
    html = client.get(PAGE).get_data(as_text=True)
    assert "De bewaartermijnen zijn opgeslagen." in html and 'value="180"' in html
    # Saving the same again changes nothing and logs nothing.
    client.post(PAGE, data={**DEFAULTS, "contacts": "180", "archived_mode": "reduce", "archived_years": "5"})
    with app.app_context():
        assert count(AuditEntry, AuditEntry.action == "retention_settings") == 1


@pytest.mark.parametrize("changes, message", [
    ({"audit_log": "30"}, "Kies een heel getal van 365 tot 3650."),
    ({"contacts": "abc"}, "Ongeldig getal."),
    ({"visits": ""}, "Vul een aantal dagen in."),
    ({"doors": "-1"}, "Kies een heel getal van 0 tot 3650."),
    ({"archived_mode": "reduce"}, "Vul in na hoeveel jaar."),
    ({"archived_mode": "reduce", "archived_years": "99"}, "Kies een heel getal van 1 tot 30."),
    ({"archived_mode": "sometimes"}, "Ongeldige keuze"),
])
def test_bad_settings_are_explained_and_nothing_is_saved(app, client, accounts, changes, message):
    accounts.login_as("admin")
    response = client.post(PAGE, data={**DEFAULTS, **changes})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(RetentionSetting) == 0


def test_every_language_shows_the_page(client, accounts):
    accounts.login_as("admin")
    for lang in ("nl", "en", "ar", "tr", "pl", "uk"):
        assert client.get(f"/{lang}/admin/retention/").status_code == 200, lang


# --- the run ------------------------------------------------------------------------------------

def _round(key, opens, closes, areas, archived_on=None):
    from survey.surveys.queries import round_by_key
    from survey.surveys.services import open_round

    survey_round = open_round(key, round_by_key("activities-2026").version, opens, closes, areas)
    survey_round.archived_on = archived_on
    db.session.flush()
    return survey_round


@pytest.fixture
def history(app):
    """Two years of work: an old round (closed 500 days ago, in Amby and Wyckerpoort), a round
    still open in Wyckerpoort, and the shipped round moved back to 600 days ago."""
    from survey.areas.queries import area_by_key
    from survey.responses.sealing import seal
    from survey.surveys.queries import round_by_key

    with app.app_context():
        shipped = round_by_key("activities-2026")
        shipped.opens_on, shipped.closes_on = TODAY - dt.timedelta(days=700), TODAY - dt.timedelta(days=600)
        old = _round("old-round", TODAY - dt.timedelta(days=560), TODAY - dt.timedelta(days=500), ["amby", "wyckerpoort"])
        current = _round("new-round", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=30), ["wyckerpoort"])
        amby, wyck = area_by_key("amby"), area_by_key("wyckerpoort")
        doors = {}
        for area, street in ((amby, "Ambyerstraat"), (wyck, "Wycker Brugstraat")):
            for number in (1, 2):
                door = Door(neighbourhood_id=area.id, street=street, house_number=number, postcode=f"62{area.id:02d}AB")
                db.session.add(door)
                doors[(area.key, number)] = door
        db.session.flush()
        for survey_round, door in ((old, doors[("amby", 1)]), (old, doors[("wyckerpoort", 1)]),
                                   (current, doors[("wyckerpoort", 2)])):
            db.session.add(Visit(uuid=str(uuid.uuid4()), round_id=survey_round.id, door_id=door.id,
                                 outcome=VisitOutcome.NOT_HOME, visited_on=survey_round.opens_on,
                                 received_on=survey_round.opens_on))
        for survey_round in (old, old, current):
            db.session.add(VolunteerContact(round_id=survey_round.id, area_id=wyck.id, receipt_hash=uuid.uuid4().hex,
                                            email="a@example.nl", language="nl"))
        db.session.add(SealedItem(kind="contact", round_id=old.id, area_id=wyck.id, receipt_hash="x",
                                  payload=seal({"email": "b@example.nl", "language": "nl"})))
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for days in (800, 731, 5):
            db.session.add(AuditEntry(action="view_contacts", at=now - dt.timedelta(days=days), detail=f"{days} days ago"))
        db.session.commit()
        return {"old": old.id, "current": current.id}


def test_dry_run_counts_what_the_run_then_deletes(app, client, accounts, runner, history):
    accounts.login_as("admin")
    client.post(PAGE, data={**DEFAULTS, "visits": "400", "doors": "400"})
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    # Contacts: two stored and one sealed of the old round; visits: the old round's two; doors:
    # Amby's two (no round asked it within 400 days and its visit goes), not Wyckerpoort's
    # (a round is open there); audit log: the two entries older than 730 days.
    assert "Would delete the contact details of 3 volunteer(s)" in dry.output
    assert "Would delete 2 visit outcome(s)" in dry.output
    assert "Would delete 2 door(s)" in dry.output
    assert "Would delete 2 audit log entr" in dry.output
    assert "Responses of archived rounds are kept." in dry.output
    page = client.get(PAGE).get_data(as_text=True)
    for text in ("3 contactgegevens van vrijwilligers", "2 bezoekuitkomsten", "2 deuren van looplijsten",
                 "2 regels uit het auditlog"):
        assert text in page
    with app.app_context():
        assert count(VolunteerContact) == 3 and count(Visit) == 3 and count(Door) == 4
        assert count(AuditEntry, AuditEntry.action == "retention_run") == 0

    run = runner.invoke(args=["retention"])
    assert run.exit_code == 0 and "Deleted the contact details of 3 volunteer(s)" in run.output
    with app.app_context():
        assert [c.round_id for c in db.session.scalars(select(VolunteerContact))] == [history["current"]]
        assert count(SealedItem) == 0
        assert [v.round_id for v in db.session.scalars(select(Visit))] == [history["current"]]
        assert sorted(d.street for d in db.session.scalars(select(Door))) == ["Wycker Brugstraat"] * 2
        assert count(AuditEntry, AuditEntry.action == "view_contacts") == 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention_run"))
        assert entry.detail == "contacts 3, visits 2, doors 2, audit_log 2, archived_responses 0"
    again = runner.invoke(args=["retention"])
    assert "Deleted the contact details of 0 volunteer(s)" in again.output and "Deleted 0 door(s)" in again.output


def test_a_door_with_a_visit_that_is_kept_stays(app, runner, history):
    with app.app_context():
        db.session.add(RetentionSetting(kind="doors", period=0, changed_at=dt.datetime(2026, 1, 1)))
        db.session.commit()
    runner.invoke(args=["retention"])  # visits kept 365 days: the old round's (500 days) go
    with app.app_context():
        # Wyckerpoort's doors stay: a round is open there. Amby's go.
        assert sorted(d.street for d in db.session.scalars(select(Door))) == ["Wycker Brugstraat"] * 2


def _responses(app, round_key: str, count_: int):
    from survey.areas.queries import area_by_key
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    from test_dashboards import answers_for

    rng = random.Random(5)
    with app.app_context():
        survey_round = round_by_key(round_key)
        for index in range(count_):
            store_response(survey_round, area_by_key("wyckerpoort"), answers_for(rng, with_idea=f"idee {index}"),
                           channel=Channel.ONLINE, language="nl")
        db.session.commit()


def _published(app, round_id):
    with app.app_context():
        return sorted(db.session.execute(select(PublishedCell.dim, PublishedCell.area_id, PublishedCell.value,
                                                PublishedCell.question, PublishedCell.option, PublishedCell.rank,
                                                PublishedCell.shown, PublishedCell.status)
                                         .where(PublishedCell.round_id == round_id)).tuples())


def test_an_archived_round_is_reduced_to_its_published_figures(app, client, accounts, runner, history):
    from survey.dashboards.releases import ensure_released, make_release
    from survey.surveys.models import SurveyRound

    _responses(app, "old-round", 12)
    with app.app_context():
        old = db.session.get(SurveyRound, history["old"])
        make_release(old, force=True)
        old.archived_on = TODAY - dt.timedelta(days=4 * 365)
        db.session.commit()
    _responses(app, "old-round", 2)  # not released yet: they go without ever being counted
    before = _published(app, history["old"])
    assert before
    accounts.login_as("admin")
    client.post(PAGE, data={**DEFAULTS, "archived_mode": "reduce", "archived_years": "3"})
    page = client.get(PAGE).get_data(as_text=True)
    assert "14 antwoorden van gearchiveerde rondes" in page and "old-round" in page
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert "Would delete 14 response(s) of rounds archived more than 3 years ago" in dry.output

    run = runner.invoke(args=["retention"])
    assert "Deleted 14 response(s)" in run.output and "old-round" in run.output
    with app.app_context():
        assert count(Response, Response.round_id == history["old"]) == 0
        assert count(Answer) == 0 and count(Tally, Tally.round_id == history["old"]) == 0
        release = db.session.scalar(select(Release).where(Release.round_id == history["old"]))
        assert release.final
        reduced = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "responses_reduced"))
        assert reduced.round_id == history["old"] and reduced.detail == "14 responses"
    assert _published(app, history["old"]) == before
    # No later release recounts the round (there is nothing left to count).
    with app.app_context():
        old = db.session.get(SurveyRound, history["old"])
        assert make_release(old, force=True, everything=True).id == release.id
        assert ensure_released(old, dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=2)).id == release.id
        db.session.commit()
    assert _published(app, history["old"]) == before
    # The dashboards still show the figures.
    html = client.get("/nl/dashboards/old-round/wyckerpoort/").get_data(as_text=True)
    assert "12" in html or "×" in html
    assert "Deleted 0 response(s)" in runner.invoke(args=["retention"]).output


def test_a_round_archived_recently_or_kept_is_left_alone(app, runner, history):
    _responses(app, "old-round", 3)
    from survey.surveys.models import SurveyRound

    with app.app_context():
        db.session.get(SurveyRound, history["old"]).archived_on = TODAY - dt.timedelta(days=365)
        db.session.add(RetentionSetting(kind="archived_responses", period=2, changed_at=dt.datetime(2026, 1, 1)))
        db.session.commit()
    assert "Deleted 0 response(s)" in runner.invoke(args=["retention"]).output
    with app.app_context():
        assert count(Response) == 3
