"""Odd input from admins and the command line: a clear refusal or a working result, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.responses.models import Answer, Response
from survey.surveys.models import SurveyRound
from test_dashboards import CITY, DISTRICT, HOOD, ROUND, store


# --- moderation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["idea-²", "idea-١٢", "idea-99999999999999999999999", "idea--1", "idea-1e3", "idea-"])
def test_moderating_odd_ids_decides_nothing_and_fails_nothing(app, client, accounts, field):
    store(app, 3, with_idea="Een moestuin")
    accounts.login_as("admin")
    response = client.post(f"/en/admin/dashboards/{ROUND}/ideas", data={field: "approve"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Answer.text_approved.is_(True))) == 0


# --- round dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("opens, closes", [("0001-01-01", "2026-12-31"), ("2026-01-01", "9999-12-31"),
                                           ("1970-01-01", "1970-02-01")])
def test_the_round_form_refuses_implausible_dates(client, accounts, opens, closes):
    accounts.login_as("admin")
    response = client.post(f"/en/admin/rounds/{ROUND}", data={"opens_on": opens, "closes_on": closes, "languages": ["nl"]})
    assert response.status_code == 400
    assert "Choose a day between 2000-01-01 and 2099-12-31" in response.get_data(as_text=True)


def test_the_command_line_refuses_implausible_dates(runner):
    from survey.surveys.services import round_dates_problem

    assert round_dates_problem(dt.date(1, 1, 1), dt.date(2026, 1, 1))
    assert round_dates_problem(dt.date(2026, 1, 1), dt.date(2026, 3, 1)) is None
    result = runner.invoke(args=["surveys", "load", "survey/data/surveys/activities.yaml", "--round", "odd-round",
                                 "--opens", "0001-01-01", "--closes", "2026-12-31"])
    assert result.exit_code == 1 and "between 2000-01-01 and 2099-12-31" in result.output


def test_a_round_stored_with_dates_in_the_year_1_still_has_dashboards(app, client, accounts):
    """Dates from before they were checked: every output of the round still answers."""
    with app.app_context():
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == ROUND))
        survey_round.opens_on, survey_round.results_public = dt.date(1, 1, 1), True
        db.session.commit()
    store(app, 12)
    accounts.login_as("admin")
    for url in [f"/en/dashboards/{ROUND}/{HOOD}/", f"/en/dashboards/{ROUND}/{DISTRICT}/print",
                f"/en/dashboards/{ROUND}/{HOOD}/export.csv", f"/en/dashboards/{ROUND}/{CITY}/export.xlsx",
                f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary", f"/en/results/{ROUND}/{HOOD}/",
                "/en/dashboards/", "/en/admin/", "/en/admin/dashboards/", f"/en/admin/rounds/{ROUND}"]:
        assert client.get(url).status_code == 200, url
    today = dt.date.today()
    assert client.get(f"/en/dashboards/{ROUND}/{HOOD}/?filter=period:{today:%Y-%m}").status_code == 200


# --- walk lists ---------------------------------------------------------------------------------

HEADER = "street,house_number,addition,postcode,neighbourhood\n"


@pytest.mark.parametrize("line, problem", [
    ("x" * 140_000 + ",1,,6221AB,wyckerpoort\n", "line 2: field larger than field limit"),
    ("Steenweg,1,,6221AB,wyckerpoort\n" + "Steen\0weg,3,,6221AB,wyckerpoort\n", "line 3:"),
    ("..,1,,6221AB,wyckerpoort\n", "street '..' must be 1 to 120 characters with a letter or digit"),
    (".,1,,6221AB,wyckerpoort\n", "street '.' must be"),
    ("- -,1,,6221AB,wyckerpoort\n", "street '- -' must be"),
])
def test_walk_list_lines_that_cannot_be_read_or_linked_are_named(app, runner, tmp_path, line, problem):
    from survey.canvassing.models import Door

    path = tmp_path / "doors.csv"
    path.write_text(HEADER + line, encoding="utf-8")
    result = runner.invoke(args=["walklist", "import", str(path)])
    assert result.exit_code == 1 and problem in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Door)) == 0


def test_every_street_link_leads_to_its_own_street(app, runner, client, accounts, tmp_path):
    import html as html_module
    import re

    streets = ["1e Straat", "'s-Hertogenbosch.", "%2e%2e", "a?b#c"]
    path = tmp_path / "doors.csv"
    path.write_text(HEADER + "".join(f'"{name}",{number},,6221AB,wyckerpoort\n' for number, name in enumerate(streets, 1)),
                    encoding="utf-8")
    assert runner.invoke(args=["walklist", "import", str(path)]).exit_code == 0
    accounts.login_as("canvasser", HOOD)
    page = client.get(f"/nl/canvass/{ROUND}/{HOOD}/").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="([^"]*/streets/[^"]*)"', page)))
    assert len(links) == len(streets)
    shown = set()
    for link in links:
        response = client.get(html_module.unescape(link))
        assert response.status_code == 200, link
        heading = html_module.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S).group(1))
        shown.update(name for name in streets if name in heading)
    assert shown == set(streets)


# --- demo data ----------------------------------------------------------------------------------

def test_demo_data_twice_with_the_same_seed_adds_more(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["demo-data", "--responses", "20"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 40


def test_demo_data_for_a_second_round_with_the_default_seed(app, runner):
    result = runner.invoke(args=["surveys", "load", "survey/data/surveys/activities.yaml", "--round", "second-2026",
                                 "--area", "oost"])
    assert result.exit_code == 0, result.output
    for round_key in (ROUND, "second-2026"):
        result = runner.invoke(args=["demo-data", "--responses", "20", "--round", round_key])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(Response.round_id)))) == 2
