"""A resident answers the survey on a phone in a real Chromium, with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.responses.models import Response

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def answer_survey(page, base: str, screenshots: str, tag: str) -> str:
    page.goto(f"{base}/nl/")
    page.get_by_role("link", name="Wyckerpoort").click()
    page.get_by_label("Elke maand").check()
    page.get_by_role("button", name=re.compile("Volgende|Next")).last.click()
    for label in ("Samen koken en samen eten", "Quiz", "Repair café (samen spullen repareren)"):
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name=re.compile("Volgende|Next")).last.click()
    page.get_by_label(re.compile("(Plaats|Place) 1")).select_option("quiz")
    page.get_by_label("Maandag, Avond").check()
    page.screenshot(path=f"{screenshots}/online-{tag}-page3.png", full_page=True)
    while page.get_by_role("button", name=re.compile("Verstuur|Send")).count() == 0:
        page.get_by_role("button", name=re.compile("Volgende|Next")).last.click()
    page.get_by_role("button", name=re.compile("Verstuur|Send")).click()
    code = page.locator(".receipt-code").inner_text()
    page.screenshot(path=f"{screenshots}/online-{tag}-thanks.png", full_page=True)
    return code


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_resident_answers_on_a_phone(app, browser, live_server, screenshot_dir, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    code = answer_survey(page, live_server, screenshot_dir, "js" if javascript else "nojs")
    context.close()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert not errors
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        rows = {(a.question, a.option, a.rank) for a in response.answers}
        assert ("top3", "quiz", 1) in rows and ("when", "mon:evening", None) in rows
        assert ("activities", "repair_cafe", None) in rows
        assert response.language == "nl" and response.channel.value == "online"


def test_landing_filters_neighbourhoods_as_you_type(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/nl/")
    page.locator("input[type=search]").first.fill("wyck")
    visible = page.locator(".area-link:visible").all_inner_texts()
    context.close()
    assert sorted(visible) == ["Randwyck", "Wyck", "Wyckerpoort"]
