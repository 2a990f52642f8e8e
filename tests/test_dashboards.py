"""Dashboards: the numbers, their privacy, the tally, and who may see what."""

from __future__ import annotations

import io
import json
import random

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.audit.models import AuditEntry
from survey.dashboards.models import Tally
from survey.extensions import db
from survey.responses.models import Answer, Channel

ROUND = "activities-2026"
HOOD = "wyckerpoort"
DISTRICT = "oost"
CITY = "maastricht"
OTHER_HOOD = "daalhof"  # in another district


def answers_for(rng: random.Random, with_idea: str | None = None) -> dict:
    """A plausible set of answers, as the form would hand them to store_response."""
    activities = rng.sample(["cooking_together", "quiz", "bingo", "music", "repair_cafe", "film_nights"], k=rng.randint(1, 3))
    answers = {
        "visit_frequency": rng.choice(["never", "monthly", "weekly"]),
        "activities": {"options": activities, "other": None},
        "top3": activities[:3],
        "when": rng.sample(["mon:evening", "sat:morning", "wed:afternoon", "fri:evening"], k=2),
        "reach": {"options": [rng.choice(["elderly", "young_families"])], "other": None},
        "barriers": {"options": [rng.choice(["cost", "dont_know_whats_on"])], "other": None},
        "price": rng.choice(["free_only", "up_to_2"]),
        "age_group": rng.choice(["age_27_45", "age_46_65"]),
    }
    if with_idea:
        answers["idea"] = with_idea
    return answers


def store(app, count: int, area_key: str = HOOD, seed: int = 1, **kwargs):
    """Store ``count`` responses through the real service (so the signals keep the tally)."""
    from survey.areas.queries import area_by_key
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    rng = random.Random(seed)
    codes = []
    with app.app_context():
        survey_round, area = round_by_key(ROUND), area_by_key(area_key)
        for index in range(count):
            channel = Channel.DOOR if index % 4 == 0 else Channel.ONLINE
            _response, code = store_response(survey_round, area, answers_for(rng, **kwargs), channel=channel,
                                             language="nl" if index % 5 else "ar")
            codes.append(code)
        db.session.commit()
    return codes


def release(app, **options):
    """Make a release of the round now (in production: once a day, for areas with enough new)."""
    from survey.dashboards.releases import make_release
    from survey.surveys.queries import round_by_key

    with app.app_context():
        made = make_release(round_by_key(ROUND), force=True, **options)
        db.session.commit()
        return made.number


def tally_rows(app):
    with app.app_context():
        return sorted(db.session.execute(select(Tally.round_id, Tally.dim, Tally.area_id, Tally.value, Tally.question,
                                                Tally.option, Tally.rank, Tally.n, Tally.key_sum)).all())


@pytest.fixture
def exact(app):
    """Figures without the cell-key perturbation, for tests of the arithmetic itself."""
    app.config["CELL_KEY_PERTURBATION"] = False
    yield app
    app.config["CELL_KEY_PERTURBATION"] = True


@pytest.fixture
def filled(app, client):
    """30 responses in Wyckerpoort, 25 in Daalhof, released."""
    store(app, 30)
    store(app, 25, area_key=OTHER_HOOD, seed=2)
    release(app)
    return app


# --- the tally ---------------------------------------------------------------------------------

def test_a_release_counts_what_arrived_and_a_full_recount_agrees(filled, app):
    from survey.dashboards.tally import recount
    from survey.responses.services import delete_by_receipt
    from survey.surveys.queries import round_by_key

    codes = store(app, 6, seed=9)
    with app.app_context():
        assert delete_by_receipt(codes[0])
        db.session.commit()
    release(app)
    kept = tally_rows(app)
    with app.app_context():
        recount(round_by_key(ROUND).id)
        db.session.commit()
    assert tally_rows(app) == kept
    assert any(row[4] == "_n" and row[1] == "all" and row[7] == 35 for row in kept)


def test_bulk_loads_are_released_at_once(app, client, accounts, exact):
    from survey import demo
    from survey.responses.services import responses_bulk_loaded
    from survey.surveys.queries import round_by_key

    with app.app_context():
        demo.generate(round_by_key(ROUND), 400, seed=3)
        responses_bulk_loaded.send(None, round_id=round_by_key(ROUND).id)
        db.session.commit()
    accounts.login_as("admin")
    data = client.get(f"/api/v1/surveys/{ROUND}/areas/{CITY}/summary").get_json()
    assert data["responses"]["count"] == 400
    assert data["release"]["demo"] is True


# --- what is shown -----------------------------------------------------------------------------

def test_board_sees_their_neighbourhood_with_charts_and_tables(exact, filled, client, accounts):
    accounts.login_as("board", HOOD)
    page = client.get(f"/en/dashboards/{ROUND}/{HOOD}/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Wyckerpoort" in html and 'id="chart-data"' in html and 'type="application/json"' in html
    assert "/static/dashboards/vendor/plotly-cartesian-4.1.1.min.js" in html
    assert "Cooking and eating together" in html or "Samen koken" in html
    assert html.count('class="dash-table"') >= 5  # a table with every chart
    assert "Base: 30 respondents answered this question." in html
    figures = json.loads(html.split('id="chart-data">')[1].split("</script>")[0])
    assert figures["chart-when"]["data"][0]["type"] == "heatmap"
    assert figures["chart-activities"]["data"][1]["name"] == "Whole city"


def test_multiple_choice_counts_respondents_over_those_who_answered(exact, filled, client, accounts):
    accounts.login_as("admin")
    data = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary?lang=en").get_json()
    activities = next(q for q in data["questions"] if q["key"] == "activities")
    assert activities["base"]["count"] == 30
    for option in activities["options"]:
        if option["count"] is not None:
            assert option["percent"] == round(100 * option["count"] / 30, 1)
    assert sum(o["count"] or 0 for o in activities["options"]) > 30  # more than one answer each


def test_no_count_under_five_in_any_output(filled, client, accounts):
    accounts.login_as("admin")
    outputs = [client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json(),
               client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary?filter=channel:door").get_json()]
    for data in outputs:
        for count in _counts(data):
            assert count is None or count >= 5
    csv_text = client.get(f"/en/dashboards/{ROUND}/{HOOD}/export.csv").get_data(as_text=True)
    for line in csv_text.splitlines()[3:]:
        cells = line.split(",")
        count = cells[-4] if len(cells) >= 6 else ""
        assert not (count.isdigit() and int(count) < 5), line
    book = load_workbook(io.BytesIO(client.get(f"/en/dashboards/{ROUND}/{HOOD}/export.xlsx").data))
    for row in book.active.iter_rows(min_row=4, values_only=True):
        assert not (isinstance(row[2], int) and row[2] < 5), row


def _counts(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "count":
                yield value
            else:
                yield from _counts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _counts(item)


def test_a_filter_changes_the_numbers_and_stays_in_the_url(exact, filled, client, accounts):
    accounts.login_as("board", HOOD)
    everyone = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()
    online = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary?filter=channel:online").get_json()
    assert everyone["responses"]["count"] == 30 and online["responses"]["count"] == 22
    assert online["filter"] == {"dimension": "channel", "value": "online"}
    html = client.get(f"/en/dashboards/{ROUND}/{HOOD}/?filter=channel:online").get_data(as_text=True)
    assert '<option value="channel:online" selected>' in html
    assert "export.csv?filter=channel:online" in html


def test_a_small_group_shows_no_breakdown(exact, filled, client, accounts):
    accounts.login_as("admin")
    door = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary?filter=channel:door").get_json()
    assert door["responses"]["display"] in ("<5", "8") and door["breakdown"] is False and door["questions"] == []


@pytest.mark.parametrize("bad", ["age_group:nobody", "colour:blue", "channel", "age_group:"])
def test_unknown_filters_are_refused(filled, client, accounts, bad):
    accounts.login_as("admin")
    assert client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary?filter={bad}").status_code == 400
    assert client.get(f"/en/dashboards/{ROUND}/{HOOD}/?filter={bad}").status_code == 400


def test_arabic_dashboard_runs_right_to_left(filled, client, accounts):
    accounts.login_as("board", HOOD)
    html = client.get(f"/ar/dashboards/{ROUND}/{HOOD}/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    figures = json.loads(html.split('id="chart-data">')[1].split("</script>")[0])
    assert figures["chart-activities"]["layout"]["xaxis"]["autorange"] == "reversed"
    assert figures["chart-activities"]["layout"]["yaxis"]["side"] == "right"


def test_exports_and_print(filled, client, accounts):
    accounts.login_as("board", HOOD)
    csv_response = client.get(f"/en/dashboards/{ROUND}/{HOOD}/export.csv?filter=channel:online")
    assert csv_response.mimetype == "text/csv" and "channel-online" in csv_response.headers["Content-Disposition"]
    assert "Wyckerpoort" in csv_response.get_data(as_text=True)
    xlsx = client.get(f"/ar/dashboards/{ROUND}/{HOOD}/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active.sheet_view.rightToLeft
    html = client.get(f"/en/dashboards/{ROUND}/{HOOD}/print").get_data(as_text=True)
    assert "dashboards/print.css" in html and "data-print" in html


def test_plotly_only_on_dashboards_and_cached_long(filled, client, accounts):
    assert "plotly" not in client.get("/nl/").get_data(as_text=True)
    assert "plotly" not in client.get(f"/nl/r/{ROUND}/{HOOD}/").get_data(as_text=True)
    bundle = client.get("/static/dashboards/vendor/plotly-cartesian-4.1.1.min.js")
    assert bundle.status_code == 200
    assert bundle.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    bundle.close()


# --- ideas, contacts, public results -----------------------------------------------------------

def test_ideas_reach_boards_only_after_approval(app, client, accounts):
    store(app, 12, with_idea="Een moestuin achter het buurthuis")
    release(app)
    accounts.login_as("board", HOOD)
    page = f"/en/dashboards/{ROUND}/{HOOD}/"
    assert "moestuin" not in client.get(page).get_data(as_text=True)
    client.post("/en/logout")
    accounts.login_as("admin")
    moderation = client.get(f"/en/admin/dashboards/{ROUND}/ideas").get_data(as_text=True)
    assert "moestuin" in moderation
    with app.app_context():
        ids = db.session.scalars(select(Answer.id).where(Answer.question == "idea")).all()
    decisions = {f"idea-{i}": "approve" for i in ids[:1]} | {f"idea-{i}": "reject" for i in ids[1:]}
    assert client.post(f"/en/admin/dashboards/{ROUND}/ideas", data=decisions).status_code == 302
    assert client.get(page).get_data(as_text=True).count("moestuin") == 1


def test_contacts_only_for_that_board_and_logged(app, client, accounts):
    from survey.areas.queries import area_by_key
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    with app.app_context():
        answers = {**answers_for(random.Random(4)), "help": {"options": ["cook"], "other": None},
                   "contact": {"agree": True, "name": "Anna", "email": "anna@example.nl", "phone": None}}
        store_response(round_by_key(ROUND), area_by_key(HOOD), answers, channel=Channel.ONLINE, language="nl")
        db.session.commit()
    release(app)  # contact details wait sealed until a release
    accounts.login_as("board", "oost")  # a district board: totals, not the contacts of its neighbourhoods
    assert client.get(f"/en/dashboards/{ROUND}/{HOOD}/contacts").status_code == 200
    client.post("/en/logout")
    accounts.login_as("board", "scharn")  # same district, another neighbourhood
    assert client.get(f"/en/dashboards/{ROUND}/{HOOD}/contacts").status_code == 404
    client.post("/en/logout")
    accounts.login_as("board", HOOD)
    html = client.get(f"/en/dashboards/{ROUND}/{HOOD}/contacts").get_data(as_text=True)
    assert "anna@example.nl" in html and "Yes, cook" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "view_contacts")) >= 1


def test_public_results_open_only_when_an_admin_says_so(filled, client, accounts):
    api = f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary"
    assert client.get(f"/nl/results/{ROUND}/{HOOD}/").status_code == 404
    assert client.get(api).status_code == 401
    accounts.login_as("admin")
    assert client.post(f"/en/admin/dashboards/{ROUND}/public", data={"public": "yes"}).status_code == 302
    client.post("/en/logout")
    page = client.get(f"/nl/results/{ROUND}/{HOOD}/")
    assert page.status_code == 200 and "moestuin" not in page.get_data(as_text=True)
    assert client.get(api).status_code == 200
    assert "contacts" not in page.get_data(as_text=True)


def test_supply_beside_demand(filled, client, accounts):
    accounts.login_as("admin")
    hood = client.get(f"/en/dashboards/{ROUND}/{HOOD}/").get_data(as_text=True)
    assert "No community centre or walk-in living room is registered here." in hood
    assert "Residents asked for a meeting place in these neighbourhoods" in hood
    city = client.get(f"/en/dashboards/{ROUND}/{CITY}/").get_data(as_text=True)
    assert "Buurtcentrum Nazareth" in city and "Randwyck" in city


def test_the_first_view_of_the_day_makes_the_release(app, client, accounts):
    store(app, 12)
    accounts.login_as("board", HOOD)
    data = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()
    assert data["release"]["number"] == 1 and data["responses"]["count"] is not None
    store(app, 7, seed=5)  # more answers the same day: the figures stay as they were
    again = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()
    assert again == data


def test_a_release_due_while_reading_is_made_in_the_background(app, client, accounts, monkeypatch):
    import datetime as dt
    import time

    from survey.dashboards import releases
    from survey.surveys.queries import round_by_key

    store(app, 12)
    accounts.login_as("board", HOOD)
    first = client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()["release"]["number"]
    store(app, 6, seed=5)
    app.config["RELEASE_IN_BACKGROUND"] = True
    tomorrow = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    monkeypatch.setattr(releases, "_utcnow", lambda: tomorrow)  # the next morning
    try:
        # The reader is not kept waiting: the figures they see are the current release's.
        assert client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()["release"]["number"] == first
        for _ in range(100):
            with app.app_context():
                if releases.current_release(round_by_key(ROUND).id).number > first:
                    break
            time.sleep(0.1)
    finally:
        app.config["RELEASE_IN_BACKGROUND"] = False
    assert client.get(f"/api/v1/surveys/{ROUND}/areas/{HOOD}/summary").get_json()["release"]["number"] == first + 1


def test_demo_data_is_counted_and_labelled_wherever_responses_are(app, client, accounts):
    """Decided once: demo responses count like any other, and every place that counts them says so."""
    from survey import demo
    from survey.responses.services import responses_bulk_loaded
    from survey.surveys.queries import round_by_key

    store(app, 10)
    with app.app_context():
        demo.generate(round_by_key(ROUND), 120, seed=4)
        responses_bulk_loaded.send(None, round_id=round_by_key(ROUND).id)
        db.session.commit()
    accounts.login_as("admin")
    overview = client.get("/en/admin/").get_data(as_text=True)
    assert "of which 120 demo data" in overview and ">130 <" in overview
    coverage = client.get("/en/canvass/coverage").get_data(as_text=True)
    assert "120 of the responses counted here are demo data" in coverage
    for page in (f"/en/dashboards/{ROUND}/{CITY}/", f"/en/dashboards/{ROUND}/{CITY}/print",
                 f"/en/dashboards/{ROUND}/{CITY}/export.csv"):
        assert "Demo data" in client.get(page).get_data(as_text=True)
    client.post(f"/en/admin/dashboards/{ROUND}/public", data={"public": "yes"})
    assert "Demo data" in client.get(f"/en/results/{ROUND}/{CITY}/").get_data(as_text=True)
    assert client.get(f"/api/v1/surveys/{ROUND}/areas/{CITY}/summary").get_json()["release"]["demo"] is True
