"""Finding one's neighbourhood as people spell it."""

from __future__ import annotations

import pytest

from survey.areas.names import matching, search_key

NAMES = {"belvedere": "Belvédère", "wyckerpoort": "Wyckerpoort", "sint-pieter": "Sint Pieter", "daalhof": "Daalhof",
         "heer": "Heer", "heugem": "Heugem"}


@pytest.mark.parametrize("typed, meant", [
    ("belvedere", "belvedere"), ("BELVÉDÈRE", "belvedere"), ("wijckerpoort", "wyckerpoort"), ("wyck", "wyckerpoort"),
    ("st. pieter", "sint-pieter"), ("st pieter", "sint-pieter"), ("sint-pieter", "sint-pieter"),
    ("wykerpoort", "wyckerpoort"), ("daalhoof", "daalhof"), ("belvedre", "belvedere"),
])
def test_names_are_found_as_people_type_them(typed, meant):
    assert meant in matching(typed, NAMES)


@pytest.mark.parametrize("typed", ["atlantis", "", "   ", "x"])
def test_nonsense_finds_nothing(typed):
    assert matching(typed, NAMES) == []


def test_a_short_name_is_not_found_by_any_short_word():
    assert matching("her", NAMES) == ["heer"]  # contained in nothing; one letter off "heer"
    assert "heugem" not in matching("heer", NAMES)


def test_the_key_the_page_script_makes_too():
    assert search_key("St. Pieter-Zuid") == "sint pieter zuid"
    assert search_key("'t Atrium") == "t atrium"


def test_the_landing_search_forgives_spelling_and_promises_postcodes_only_with_a_table(client, app):
    from survey.areas.models import Area, Postcode
    from survey.extensions import db

    html = client.get("/nl/?q=wijckerpoort").get_data(as_text=True)
    results = html.split('class="districts"')[0]
    assert "Wyckerpoort" in results and "Daalhof" not in results
    assert "postcode" not in client.get("/en/").get_data(as_text=True).lower()
    with app.app_context():
        db.session.add(Postcode(postcode="6221AB", neighbourhood_id=db.session.query(Area.id).filter_by(key="wyckerpoort").scalar()))
        db.session.commit()
    try:
        assert "or your postcode" in client.get("/en/").get_data(as_text=True)
        found = client.get("/en/?q=6221 ab").get_data(as_text=True).split('class="districts"')[0]
        assert "Wyckerpoort" in found
    finally:
        with app.app_context():
            db.session.query(Postcode).delete()
            db.session.commit()
