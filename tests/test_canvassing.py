"""Door to door, as canvassers and admins see it: importing walk lists, the walk list pages, the
interview page, working offline (what the pages ask the device to keep) and coverage."""

from __future__ import annotations

import datetime as dt

import gzip
import json
import re

import pytest
from sqlalchemy import select

from survey.canvassing.models import Door
from survey.canvassing.rules import interview_rules
from survey.canvassing.sync import BatchError, Interview, Rejection, parse_batch
from survey.canvassing.walklist_file import WalkListError, read_walk_list
from survey.extensions import db
from test_canvassing_helpers import (  # noqa: F401  (fixtures)
    ROUND, count_rows, interview, make_canvasser, send, token_for, visit, walk_list,
)

HOODS = {"wyckerpoort", "daalhof"}
WALK = f"/nl/canvass/{ROUND}/wyckerpoort/"


def offered_languages(app) -> list[str]:
    """The languages the round offers now (another test may have narrowed them)."""
    from survey.surveys.queries import round_by_key

    with app.app_context():
        return list(round_by_key(ROUND).languages)


def device_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="canvass-device">(.*?)</script>', html, re.S).group(1))


# --- Reading walk list files (pure) ---------------------------------------------------------------

def test_walk_list_file_with_semicolons_bom_and_spaces():
    raw = "\ufeffStraat;Huisnummer;Toevoeging;Postcode;Buurt\nMeerssenerweg; 10 ;a;6222 ac;Wyckerpoort\n\n".encode()
    [door] = read_walk_list(raw, "walk.csv", HOODS)
    assert (door.street, door.house_number, door.addition, door.postcode, door.neighbourhood) == (
        "Meerssenerweg", 10, "A", "6222AC", "wyckerpoort")


@pytest.mark.parametrize("content, expected", [
    ("street,postcode,neighbourhood\nA,6221AB,wyckerpoort\n", "missing column 'house_number'"),
    ("street,house_number,postcode,neighbourhood,owner\n", "unknown column 'owner'"),
    ("street,house_number,postcode,neighbourhood\nA,12a,6221AB,wyckerpoort\n", "line 2: house number '12a'"),
    ("street,house_number,postcode,neighbourhood\nA,12,622AB,wyckerpoort\n", "line 2: postcode '622AB'"),
    ("street,house_number,postcode,neighbourhood\nA,12,6221AB,atlantis\n", "line 2: unknown neighbourhood 'atlantis'"),
    ("street,house_number,postcode,neighbourhood\nA,12,6221AB,wyckerpoort\nB,12,6221 ab,wyckerpoort\n", "line 3: the same door as line 2"),
    ("street,house_number,postcode,neighbourhood\nA,12,6221AB\n", "line 2: 3 fields"),
    ("street,house_number,postcode,neighbourhood\n", "holds no doors"),
    ("", "the file is empty"),
])
def test_walk_list_file_problems_name_the_line(content, expected):
    with pytest.raises(WalkListError) as error:
        read_walk_list(content.encode(), "walk.csv", HOODS)
    assert expected in str(error.value)


def test_walk_list_file_that_is_not_utf8():
    with pytest.raises(WalkListError, match="not UTF-8"):
        read_walk_list("street,house_number,postcode,neighbourhood\nKörnerstraße,1,6221AB,wyckerpoort\n".encode("latin-1"), "w.csv", HOODS)


# --- The import command -------------------------------------------------------------------------

def test_import_command_adds_then_updates(app, runner, tmp_path, walk_list):
    assert len(walk_list) == 6
    path = tmp_path / "again.csv"
    path.write_text("street,house_number,addition,postcode,neighbourhood\n"
                    "Wyckerpoort-Steenweg,1,,6221AB,wyckerpoort\nNieuwstraat,7,,6221AD,wyckerpoort\n")
    result = runner.invoke(args=["walklist", "import", str(path)])
    assert result.exit_code == 0 and "1 doors added, 1 updated" in result.output
    with app.app_context():
        assert db.session.get(Door, walk_list["Wyckerpoort Steenweg 1"]).street == "Wyckerpoort-Steenweg"
        assert len(db.session.scalars(select(Door)).all()) == 7


def test_import_command_stores_nothing_of_a_file_with_a_problem(app, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("street,house_number,postcode,neighbourhood\nA,1,6221AB,wyckerpoort\nB,2,6221AB,atlantis\n")
    result = runner.invoke(args=["walklist", "import", str(path)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output and "line 3" in result.output
    assert count_rows(app, Door) == 0


def test_import_dry_run(app, runner, tmp_path):
    path = tmp_path / "walk.csv"
    path.write_text("street,house_number,postcode,neighbourhood\nA,1,6221AB,wyckerpoort\n")
    result = runner.invoke(args=["walklist", "import", "--dry-run", str(path)])
    assert result.exit_code == 0 and "Nothing stored" in result.output
    assert count_rows(app, Door) == 0


# --- The batch format (pure) ---------------------------------------------------------------------

def test_parse_batch():
    items = parse_batch({"items": [interview(), {"type": "visit"}]}, max_items=5)
    assert isinstance(items[0], Interview) and items[0].answers.getlist("q-activities")[1] == "quiz"
    assert items[1] == Rejection(None, "bad_uuid")
    with pytest.raises(BatchError, match="batch_too_large"):
        parse_batch({"items": [{}] * 6}, max_items=5)
    with pytest.raises(BatchError, match="malformed_batch"):
        parse_batch([], max_items=5)


def test_interview_rules_carry_conditions_and_limits(app):
    from survey.surveys.queries import round_by_key

    with app.app_context():
        rules = {rule["key"]: rule for rule in interview_rules(round_by_key(ROUND).definition)}
    assert rules["visit_frequency"]["required"] is True
    assert rules["top3"]["choices_from"] == "activities" and rules["top3"]["pick"] == 3
    assert rules["barriers"]["exclusive"] == ["nothing"]
    assert {clause["question"] for clause in rules["contact"]["show_if"]} == {"help", "talent"}


# --- Pages --------------------------------------------------------------------------------------

def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(WALK)
    assert response.status_code == 302 and "/nl/login" in response.location


def test_board_members_have_no_walk_list(client, accounts):
    accounts.login_as("board", "wyckerpoort")
    assert client.get("/nl/canvass/").status_code == 403


def test_canvasser_sees_own_neighbourhoods_only(client, accounts, walk_list):
    accounts.login_as("canvasser", "wyckerpoort")
    home = client.get("/nl/canvass/").get_data(as_text=True)
    assert WALK in home and "/daalhof/" not in home
    assert client.get(f"/nl/canvass/{ROUND}/daalhof/").status_code == 404
    assert client.get(f"/nl/canvass/{ROUND}/daalhof/streets/Daalhoferweg/").status_code == 404
    assert client.get(f"/nl/canvass/{ROUND}/daalhof/interview").status_code == 404


def test_walk_list_shows_streets_and_each_doors_last_outcome(app, client, accounts, walk_list):
    accounts.login_as("canvasser", "wyckerpoort")
    overview = client.get(WALK).get_data(as_text=True)
    assert overview.index("Meerssenerweg") < overview.index("Wyckerpoort Steenweg")
    street_url = f"{WALK}streets/Wyckerpoort%20Steenweg/"
    assert street_url in overview
    with app.app_context():
        from survey.accounts.services import user_by_email

        token = token_for(app, user_by_email("canvasser-wyckerpoort@example.nl").id)
    door = walk_list["Wyckerpoort Steenweg 3 A"]
    today = dt.date.today()
    earlier = visit(door, "not_home", visited_at=f"{today}T08:00:00Z")
    later = visit(door, "come_back", visited_at=f"{today}T12:00:00+01:00", come_back_at=f"{today + dt.timedelta(days=4)}T18:30")
    assert [r["status"] for r in send(client, [later, earlier], token).get_json()["results"]] == ["stored", "stored"]
    page = client.get(street_url).get_data(as_text=True)
    row = re.search(rf'data-door="{door}".*?</li>', page, re.S).group(0)
    assert "Come back later" in row or "outcome-come_back" in row
    assert "18:30" in row
    assert "2 van 3 deuren bezocht" not in overview  # the overview counted before the visits
    assert "1 van 3 deuren bezocht" in client.get(WALK).get_data(as_text=True)


def test_interview_in_the_residents_language_with_the_canvassers_in_small_print(app, client, accounts):
    accounts.login_as("canvasser", "wyckerpoort")  # account language: Dutch
    html = client.get(f"{WALK.replace('/nl/', '/en/')}interview").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Which activities would you like in your neighbourhood?" in html
    assert '<small class="canvasser-text" lang="nl" dir="auto">Welke activiteiten wil jij graag in jouw buurt?</small>' in html
    # The same question macros as the online form, every section on one page.
    assert 'name="q-activities" value="cooking_together"' in html and 'name="q-contact-agree"' in html
    assert html.count('class="interview-section"') == 7
    # Every language the round offers, to switch to in the middle of the interview.
    offered = offered_languages(app)
    assert len(offered) > 1
    for code in offered:
        assert f'href="/{code}/canvass/{ROUND}/wyckerpoort/interview"' in html
    data = device_data(html)
    assert data["lang"] == "en" and data["version"] == 1 and data["area"] == "wyckerpoort"
    dutch = client.get(f"{WALK}interview").get_data(as_text=True)
    assert '<small class="canvasser-text"' not in dutch  # the same language: nothing to print twice


def test_pages_name_what_the_device_keeps_for_offline_work(app, client, accounts, walk_list):
    accounts.login_as("canvasser", "wyckerpoort")
    data = device_data(client.get(WALK).get_data(as_text=True))
    urls = set(data["offline_urls"])
    assert {"/nl/canvass/", WALK, f"{WALK}streets/Meerssenerweg/", f"{WALK}streets/Wyckerpoort%20Steenweg/",
            "/static/canvassing/interview.js", "/static/canvassing/canvass.css", "/static/css/app.css"} <= urls
    # The interview in every language of the round, to switch to without a connection.
    assert {f"/{code}/canvass/{ROUND}/wyckerpoort/interview" for code in offered_languages(app)} <= urls
    assert data["token"] and data["api"] == "/api/v1/submissions" and data["worker"] == "/canvass-sw.js"


def body_of(client, url: str) -> bytes:
    """A file's bytes; the response is closed (static files are streamed from an open file)."""
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response.get_data()


def test_service_worker_is_served_with_a_scope_over_every_language(client):
    with client.get("/canvass-sw.js") as response:
        response.get_data()
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"


def test_canvasser_pages_stay_under_150_kb(app, client, accounts, walk_list):
    """A first visit: every page's HTML with its CSS and scripts, uncompressed and compressed."""
    accounts.login_as("canvasser", "wyckerpoort")
    interviews = [f"/{code}/canvass/{ROUND}/wyckerpoort/interview" for code in offered_languages(app)]
    for url in ("/nl/canvass/", WALK, f"{WALK}streets/Meerssenerweg/", *interviews):
        html = client.get(url).get_data()
        assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
        bodies = [html] + [body_of(client, asset.decode()) for asset in assets]
        raw, compressed = sum(map(len, bodies)), sum(len(gzip.compress(body)) for body in bodies)
        print(f"{url}: {raw / 1024:.0f} KB, {compressed / 1024:.0f} KB compressed")
        assert raw < 150 * 1024, url


def test_coverage_for_admins(app, client, accounts, walk_list):
    _, token = make_canvasser(app, accounts, "c@example.nl", "canvasser", ("wyckerpoort", "daalhof"))
    items = [
        interview(), interview(), interview(area="daalhof"),
        visit(walk_list["Meerssenerweg 10"], "interviewed"), visit(walk_list["Meerssenerweg 12 BIS"], "refused"),
        visit(walk_list["Wyckerpoort Steenweg 1"], "language_barrier", language="ti"),
    ]
    assert send(client, items, token).get_json()["stored"] == 6
    form = client.get(f"/nl/r/{ROUND}/wyckerpoort/").get_data(as_text=True)
    ticket = re.search(r'name="ticket" value="([^"]+)"', form).group(1)
    online = client.post(f"/nl/r/{ROUND}/wyckerpoort/", data={"q-visit_frequency": "never", "q-activities": "quiz",
                                                               "page": "6", "action": "submit", "ticket": ticket})
    assert online.status_code == 200
    accounts.login_as("canvasser", "wyckerpoort")
    assert client.get("/nl/canvass/coverage").status_code == 403
    accounts.login_as("admin")
    html = client.get("/en/canvass/coverage").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\"><bdi>Wyckerpoort</bdi></th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td>(\d+)</td>", row)
    # doors, visited, interviewed, not home, refused, come back, flyer, language barrier, door interviews, online
    assert cells == ["5", "3", "1", "0", "1", "0", "0", "1", "2", "1"]
    assert "Streets of Wyckerpoort" in html and "Tigrinya" in html
