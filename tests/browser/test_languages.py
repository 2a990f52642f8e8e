"""Residents in Arabic and Turkish: right-to-left layout, switching language mid-form, no
interface text left in English or Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from survey.definitions import load_definition
from survey.definitions.loader import texts
from survey.extensions import db
from survey.responses.models import Response

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parents[2]
PHONE = {"width": 390, "height": 844}
FORM = "/{lang}/r/activities-2026/wyckerpoort/"
# Words that are the same in every language: the product's name and the language names.
SAME_EVERYWHERE = {"Buurtpeiling", "Nederlands", "English", "العربية", "Türkçe", "Polski", "Українська", "Wyckerpoort"}


def foreign_texts() -> set[str]:
    """Every English and Dutch text of the interface and of the shipped survey."""
    found = set()
    with (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle):
            if message.id and "%(" not in str(message.id):
                found.add(message.id)
                found.add(message.string)
    definition = load_definition(ROOT / "survey" / "data" / "surveys" / "activities.yaml")
    for _, text in texts(definition):
        if text:
            found.update({text["nl"], text["en"]})
    return {t.strip() for t in found if t and t.strip()} - SAME_EVERYWHERE


def leaked(page) -> set[str]:
    lines = set(page.evaluate("() => document.body.innerText").splitlines())
    labels = set(page.evaluate(
        "() => [...document.querySelectorAll('[aria-label],[title],[placeholder],option')]"
        ".map(e => e.getAttribute('aria-label') || e.getAttribute('title') || e.getAttribute('placeholder') || e.textContent)"))
    return {line.strip() for line in lines | labels if line and line.strip()} & foreign_texts()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_arabic_form_runs_right_to_left(app, phone, live_server, screenshot_dir):
    page = phone
    page.goto(live_server + FORM.format(lang="ar"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.screenshot(path=f"{screenshot_dir}/arabic-page1.png", full_page=True)
    # The first option's box sits at the right edge of its row, the text to its left.
    option = page.locator("label.choice").first
    box = option.locator("input").bounding_box()
    row = option.bounding_box()
    label = option.locator("span").bounding_box()
    assert row["x"] + row["width"] - (box["x"] + box["width"]) < 24
    assert label["x"] < box["x"]
    # "Next" is at the left (the end of the line in Arabic), the progress bar fills from the right.
    next_button = page.locator("button.primary:visible").bounding_box()
    assert next_button["x"] < PHONE["width"] / 2
    assert page.evaluate("getComputedStyle(document.querySelector('progress')).direction") == "rtl"
    assert not leaked(page)

    page.locator("input[name=q-visit_frequency][value=weekly]").check()
    page.locator("button.primary:visible").click()
    page.locator("input[value=cooking_together]").check()
    page.locator("input[value=quiz]").check()
    page.locator("button.primary:visible").click()
    page.locator("#q-top3-1").select_option("quiz")
    page.screenshot(path=f"{screenshot_dir}/arabic-page3.png", full_page=True)
    assert not leaked(page)
    while page.locator("button[value=submit].primary:visible").count() == 0:
        page.locator("button.primary:visible").click()
    page.locator("button[value=submit].primary:visible").click()
    assert page.locator(".receipt-code").get_attribute("dir") == "ltr"
    assert not leaked(page)
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "ar"


def test_switching_language_keeps_answers(app, phone, live_server):
    page = phone
    page.goto(live_server + FORM.format(lang="nl"))
    page.locator("input[name=q-visit_frequency][value=monthly]").check()
    page.locator("button.primary:visible").click()
    page.locator("input[value=repair_cafe]").check()
    page.locator("input[name=q-activities-other]").fill("Schaakclub")
    page.locator("button[value='lang:tr']").click()
    assert page.url.endswith(FORM.format(lang="tr"))
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.locator("input[value=repair_cafe]").is_checked()
    assert page.locator("input[name=q-activities-other]").input_value() == "Schaakclub"
    page.locator("button[value='lang:ar']").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("input[value=repair_cafe]").is_checked()
    while page.locator("button[value=submit].primary:visible").count() == 0:
        page.locator("button.primary:visible").click()
    page.locator("button[value=submit].primary:visible").click()
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.language == "ar"  # the language the resident finished in
        assert {(a.option, a.text) for a in response.answers if a.question == "activities"} == {
            ("repair_cafe", None), ("other", "Schaakclub")}


@pytest.mark.parametrize("lang", ["ar", "tr"])
def test_no_english_or_dutch_left(phone, live_server, lang):
    page = phone
    for path in (f"/{lang}/", FORM.format(lang=lang), f"/{lang}/receipt", f"/{lang}/login", f"/{lang}/r/activities-2026/atlantis/"):
        page.goto(live_server + path)
        assert not leaked(page), path
    # Errors too: a form sent without the required answer.
    page.goto(live_server + FORM.format(lang=lang))
    page.locator("button.primary:visible").click()
    assert page.locator(".error-summary").count() == 1
    assert not leaked(page)


def test_the_leak_detector_sees_dutch_on_a_dutch_page(phone, live_server):
    # A control: the check above would be worthless if it could not see foreign text at all.
    phone.goto(live_server + FORM.format(lang="nl"))
    assert {"Volgende", "Jouw buurt en nu"} <= leaked(phone)
