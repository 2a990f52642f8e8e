"""The researchers' export: one row per response with codes and labels, a codebook, an SPSS .sav
with value labels; no demo, test or unapproved free text; rows shuffled; nothing that ties a row
to a door, a contact, an id or a day; every download logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import re

import pytest
from sqlalchemy import select

from survey.audit.models import AuditEntry
from survey.definitions.types import QUESTION_TYPES
from survey.extensions import db
from survey.research.codebook import BUILDERS, spss_name
from survey.responses.models import Answer, Channel, Response


PAGE = "/nl/admin/research/"
DOWNLOAD = "/nl/admin/research/activities-2026/download"
DAYS = [dt.date(2026, 5, 17), dt.date(2026, 6, 3), dt.date(2026, 6, 29)]


def answers(rng: random.Random, index: int) -> dict:
    chosen = rng.sample(["cooking_together", "quiz", "bingo", "music", "repair_cafe"], k=2)
    return {
        "visit_frequency": rng.choice(["never", "monthly", "weekly"]),
        "activities": {"options": [*chosen, "other"], "other": f"Jeu de boules bij Jan {index}"},
        "top3": chosen,
        "when": ["mon:evening", "sat:morning"] if index % 2 else ["wed:afternoon"],
        "help": {"options": ["cook"], "other": None},
        "talent": f"Ik ben de bakker van nummer {index}",
        "age_group": "age_46_65" if index % 3 else None,
        "idea": f"idee nummer {index:02d}",
    }


@pytest.fixture
def stored(app):
    """24 residents' responses (released, in two neighbourhoods), 3 not released yet, 2 demo, 2 test."""
    from survey.areas.queries import area_by_key
    from survey.dashboards.releases import make_release
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    rng = random.Random(3)
    with app.app_context():
        survey_round = round_by_key("activities-2026")
        facts = []
        for index in range(24):
            area = area_by_key("wyckerpoort" if index % 2 else "amby")
            response_id, code = store_response(survey_round, area, answers(rng, index), day=DAYS[index % 3],
                                               channel=Channel.DOOR if index % 4 == 0 else Channel.ONLINE,
                                               language="ar" if index % 5 == 0 else "nl")
            facts.append((response_id, code))
        for extra in range(4):
            response_id, _code = store_response(survey_round, area_by_key("wyckerpoort"), answers(rng, 50 + extra),
                                                channel=Channel.ONLINE, language="nl")
            response = db.session.get(Response, response_id)
            response.is_demo, response.is_test = extra < 2, extra >= 2
        db.session.flush()
        make_release(survey_round, force=True, everything=True)
        for extra in range(3):
            store_response(survey_round, area_by_key("wyckerpoort"), answers(rng, 80 + extra), channel=Channel.ONLINE,
                           language="nl")
        # Ideas: even ones approved, every third rejected, the rest waiting.
        for answer in db.session.scalars(select(Answer).where(Answer.question == "idea")):
            number = int(answer.text.rsplit(" ", 1)[1])
            answer.text_approved = True if number % 2 == 0 else (False if number % 3 == 0 else None)
        db.session.commit()
        identifying = []
        for response in db.session.scalars(select(Response)):
            identifying += [response.uuid, response.receipt_hash, str(response.cell_key), response.day.isoformat()]
        return {"codes": [code for _id, code in facts], "identifying": identifying,
                "ids": [response_id for response_id, _code in facts]}


def download(client, button: str, language: str = "nl"):
    response = client.post(DOWNLOAD, data={"language": language, button: "y"})
    assert response.status_code == 200, response.data[:500]
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def table(body: bytes) -> list[dict]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_page_counts_what_is_in_and_what_is_left_out(client, accounts, stored):
    accounts.login_as("admin")
    html = client.get(PAGE).get_data(as_text=True)
    for text in ("24 antwoorden in de export", "2 antwoorden niet meegenomen: demodata",
                 "2 antwoorden niet meegenomen: testmodus", "3 antwoorden wachten op de volgende vrijgave"):
        assert text in html, text
    assert client.get(PAGE, query_string={"round": "nope"}).status_code == 404


def test_rows_hold_codes_labels_and_approved_ideas_only(app, client, accounts, stored):
    accounts.login_as("admin")
    rows = table(download(client, "data_csv").data)
    assert len(rows) == 24
    first = rows[0]
    assert list(first)[:7] == ["neighbourhood", "neighbourhood_label", "district", "district_label", "channel",
                               "channel_label", "language"]
    assert {row["neighbourhood_label"] for row in rows} == {"Amby", "Wyckerpoort"}
    assert {row["channel_label"] for row in rows} == {"online", "deur aan deur"}
    assert {row["month"] for row in rows} == {"2026-05", "2026-06"}
    assert {row["visit_frequency_label"] for row in rows} <= {"Nooit", "Elke maand", "Elke week"}
    assert all(row["activities_other"] == "1" and row["activities_bingo"] in ("0", "1") for row in rows)
    assert {row["when_mon_evening"] for row in rows} == {"0", "1"}
    assert {row["top3_1_label"] for row in rows} - {""}
    # Missing is missing, not "not chosen": nobody answered "reach".
    assert {row["reach_elderly"] for row in rows} == {""}
    ideas = sorted(row["idea"] for row in rows if row["idea"])
    assert ideas == [f"idee nummer {n:02d}" for n in range(0, 24, 2)]
    body = download(client, "data_csv").data.decode()
    for left_out in ("Jeu de boules", "bakker", "idee nummer 03", "idee nummer 05", "idee nummer 50", "idee nummer 80"):
        assert left_out not in body
    assert "talent" not in rows[0] and "contact" not in rows[0]


def test_nothing_in_any_file_identifies_a_response(app, client, accounts, stored):
    accounts.login_as("admin")
    dumps = [download(client, button).data for button in ("data_csv", "codebook", "sav")]
    dumps.append(download(client, "data_csv", "ar").data)
    for dump in dumps:
        for value in stored["identifying"]:
            assert value.encode() not in dump, value
        for code in stored["codes"]:
            assert code.encode() not in dump and code.replace("-", "").encode() not in dump
    header = table(dumps[0])[0].keys()
    assert not {"id", "uuid", "receipt", "receipt_hash", "day", "date", "cell_key", "release"} & {h.lower() for h in header}


def test_rows_come_in_a_random_order(app, client, accounts, stored):
    accounts.login_as("admin")
    stored_order = [f"idee nummer {n:02d}" for n in range(0, 24, 2)]  # the order of ids
    orders = [[row["idea"] for row in table(download(client, "data_csv").data) if row["idea"]] for _ in range(3)]
    assert all(order != stored_order for order in orders)
    assert len({tuple(order) for order in orders}) > 1


def test_the_sav_has_value_labels_and_the_same_rows(app, client, accounts, stored, tmp_path):
    import pyreadstat

    accounts.login_as("admin")
    path = tmp_path / "export.sav"
    path.write_bytes(download(client, "sav", "ar").data)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 24
    labels = meta.variable_value_labels
    assert labels["channel"] == {1.0: "عبر الإنترنت", 2.0: "من باب إلى باب"}
    assert set(labels["visit_frequency"].values()) >= {"أبدًا"}
    assert labels["activities_quiz"] == {0.0: "لم يُختر", 1.0: "اختير"}
    assert meta.column_names_to_labels["visit_frequency"].startswith("كم مرة")
    assert meta.variable_measure["survey_version"] == "ordinal"
    csv_rows = table(download(client, "data_csv").data)
    assert sorted(frame["idea"].tolist()) == sorted(row["idea"] for row in csv_rows)
    assert sorted(frame["neighbourhood"].tolist()) == sorted(float(row["neighbourhood"]) for row in csv_rows)


def test_the_codebook_explains_every_code_in_every_language(app, client, accounts, stored):
    accounts.login_as("admin")
    text = download(client, "codebook").data.decode()[1:]
    lines = list(csv.reader(io.StringIO(text)))
    header = lines[0]
    assert header[:6] == ["Variabele", "Vraag", "Soort", "Opgeslagen als", "Code", "Sleutel in het vragenlijstbestand"]
    assert header[6:] == [f"Label ({lang})" for lang in ("nl", "en", "ar", "tr", "pl", "uk")]
    visit = [line for line in lines if line[0] == "visit_frequency"]
    assert visit[0][2:4] == ["single", "numeric"]
    assert [line[4:6] for line in visit[1:]][0] == ["1", "never"]
    assert all(all(line[6:]) for line in visit)  # a label in each language
    assert any(line[0] == "idea" and line[3] == "string" for line in lines)
    assert not any(line[0] in ("talent", "contact") for line in lines)


def test_every_download_is_logged(app, client, accounts, stored):
    accounts.login_as("admin")
    for button in ("data_csv", "sav", "codebook"):
        download(client, button)
    with app.app_context():
        details = [e.detail for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "export_researchers").order_by(AuditEntry.id))]
    assert details == ["data_csv, labels nl, 24 responses", "sav, labels nl, 24 responses", "codebook, labels nl"]


def test_bad_requests_are_refused(client, accounts, stored):
    accounts.login_as("admin")
    assert client.post("/nl/admin/research/nope/download", data={"language": "nl", "sav": "y"}).status_code == 404
    assert client.post(DOWNLOAD, data={"language": "xx", "sav": "y"}).status_code == 400
    assert client.post(DOWNLOAD, data={"language": "nl"}).status_code == 400
    assert client.get(DOWNLOAD).status_code == 405


def test_download_needs_the_csrf_token(request, client, accounts):
    accounts.login_as("admin")
    request.getfixturevalue("csrf_app")  # on from here: signed in without it
    assert client.post(DOWNLOAD, data={"language": "nl", "sav": "y"}).status_code == 400
    token = page_token(client.get(PAGE).get_data(as_text=True))
    assert client.post(DOWNLOAD, data={"language": "nl", "codebook": "y", "csrf_token": token}).status_code == 200


def test_every_language_shows_the_page(client, accounts):
    accounts.login_as("admin")
    for lang in ("nl", "en", "ar", "tr", "pl", "uk"):
        assert client.get(f"/{lang}/admin/research/").status_code == 200, lang


def test_after_the_round_and_its_grace_every_answer_is_in(app, client, accounts, stored):
    from survey.surveys.queries import round_by_key

    with app.app_context():
        survey_round = round_by_key("activities-2026")
        survey_round.opens_on, survey_round.closes_on = dt.date(2025, 1, 1), dt.date(2025, 3, 1)
        db.session.commit()
    accounts.login_as("admin")
    assert len(table(download(client, "data_csv").data)) == 27


def test_every_question_type_says_how_it_is_exported():
    assert set(BUILDERS) == set(QUESTION_TYPES)


@pytest.mark.parametrize("parts, expected", [
    (("visit_frequency",), "visit_frequency"), (("to",), "to_"), (("when", "mon", "evening"), "when_mon_evening"),
    (("q", "1"), "q_1"), (("1abc",), "v1abc"), (("x" * 70,), "x" * 64),
])
def test_variable_names_are_valid_for_spss(parts, expected):
    assert spss_name(*parts, taken=set()) == expected


def test_variable_names_stay_unique():
    taken: set[str] = set()
    names = [spss_name("a" * 70, taken=taken) for _ in range(3)]
    assert len(set(names)) == 3 and all(len(name) <= 64 for name in names)


def page_token(html: str) -> str:
    """The CSRF token a page hands its forms (in its meta tag)."""
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
