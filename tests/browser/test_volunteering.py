"""The volunteer step in a real browser: reached, filled and seen by the neighbourhood's board, in
Dutch and Arabic, with and without JavaScript, online and in a canvasser's interview; and a shared
browser that keeps no trace of the previous resident."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from survey.extensions import db
from test_canvassing_helpers import ROUND, store_sealed

pytestmark = pytest.mark.browser

FORM = "/{lang}/r/activities-2026/wyckerpoort/"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def release(app):
    from survey.dashboards.releases import make_release
    from survey.surveys.queries import round_by_key

    with app.app_context():
        make_release(round_by_key(ROUND), force=True)
        db.session.commit()


def primary(page):
    return page.locator(".form-actions button.primary:visible")


def answer_until_help(page):
    """Answer the first pages and stop on the page that asks whether the resident will help."""
    page.check("input[name=q-visit_frequency][value=monthly]")
    primary(page).click()
    page.check("input[name=q-activities][value=quiz]")
    primary(page).click()
    page.select_option("#q-top3-1", "quiz")
    while page.locator("input[name=q-help]").count() == 0:
        primary(page).click()


def board_sees(browser, live_server, accounts, email: str, lang: str) -> str:
    """What the neighbourhood's board member finds on the volunteers page."""
    board = f"board-{email.split('@')[0]}@example.nl"
    accounts.create(board, "board", ("wyckerpoort",))
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.goto(f"{live_server}/{lang}/login")
    page.fill("#email", board)
    page.fill("#password", accounts.PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{live_server}/{lang}/dashboards/{ROUND}/wyckerpoort/contacts")
    text = page.inner_text("main")
    context.close()
    return text


@pytest.mark.parametrize("lang", ["nl", "ar"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_offers_to_help_online(app, browser, live_server, accounts, screenshot_dir, lang, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server + FORM.format(lang=lang))
    answer_until_help(page)
    page.check("input[name=q-age_group][value=age_46_65]")
    assert primary(page).get_attribute("value") == "submit"  # nothing makes a later page apply yet
    page.check("input[name=q-help][value=cook]")
    if javascript:
        expect(primary(page)).to_have_attribute("value", "next")  # the button says so at once
    # Without JavaScript the button still says "send": pressing it shows the contact page first.
    primary(page).click()
    expect(page.locator("input[name=q-contact-agree]")).to_be_visible()
    assert not page.locator("[data-age-ask]").is_visible()  # 46-65: no need to confirm the age
    page.check("input[name=q-contact-agree]")
    page.fill("#q-contact-name", f"Helper {lang} {javascript}")
    page.fill("#q-contact-email", f"helper-{lang}-{javascript}@example.nl")
    page.screenshot(path=f"{screenshot_dir}/volunteer-{lang}-{'js' if javascript else 'nojs'}.png", full_page=True)
    primary(page).click()
    expect(page.locator(".receipt-code")).to_have_text(CODE)
    context.close()
    release(app)
    seen = board_sees(browser, live_server, accounts, f"online-{lang}-{javascript}@x", lang)
    assert f"Helper {lang} {javascript}" in seen and f"helper-{lang}-{javascript}@example.nl" in seen


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_a_resident_offers_to_help_at_the_door(app, browser, live_server, accounts, lang):
    email = f"canvasser-{lang}@example.nl"
    accounts.create(email, "canvasser", ("wyckerpoort",))
    context = browser.new_context(viewport=TABLET, service_workers="block")
    page = context.new_page()
    page.goto(f"{live_server}/nl/login")
    page.fill("#email", email)
    page.fill("#password", accounts.PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{live_server}/{lang}/canvass/{ROUND}/wyckerpoort/interview")
    page.locator("#interview[data-restored]").wait_for(state="attached")
    page.check("input[name='q-visit_frequency'][value='monthly']")
    page.locator("[data-step='1']").click()
    page.check("input[name='q-activities'][value='quiz']")
    while not page.locator("input[name=q-help]").first.is_visible():
        page.locator("[data-step='1']").click()
    page.check("input[name=q-help][value=host]")
    page.check("input[name=q-age_group][value=age_14_17]")
    expect(page.locator("[data-step='1']")).to_be_visible()  # "Finish" became "Next" at once
    page.locator("[data-step='1']").click()
    # 14 to 17: the resident confirms being 16 or older before details are taken.
    expect(page.locator("[data-age-ask]")).to_be_visible()
    page.check("input[name=q-contact-agree]")
    page.fill("#q-contact-name", f"Door helper {lang}")
    page.fill("#q-contact-phone", "06 12345678")
    page.click("[data-finish]")
    expect(page.locator("[data-consent] .error")).to_be_visible()  # the age is asked first
    page.check("input[name=q-contact-age][value=yes]")
    page.click("[data-finish]")
    expect(page.locator("[data-receipt]")).to_have_text(CODE)
    page.goto(f"{live_server}/nl/canvass/")
    expect(page.locator("[data-count=waiting]")).to_have_text("0", timeout=20000)
    context.close()
    store_sealed(app)
    release(app)
    seen = board_sees(browser, live_server, accounts, f"door-{lang}@x", lang)
    assert f"Door helper {lang}" in seen and "06 12345678" in seen


def test_under_14_see_why_no_details_are_asked(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server + FORM.format(lang="nl"))
    answer_until_help(page)
    page.check("input[name=q-help][value=cook]")
    page.check("input[name=q-age_group][value=age_under_14]")
    primary(page).click()
    expect(page.locator("[data-age-below]")).to_be_visible()
    assert not page.locator("input[name=q-contact-agree]").is_visible()
    context.close()


def test_the_next_resident_on_a_shared_browser_finds_no_trace(browser, live_server, screenshot_dir):
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    page.goto(live_server + FORM.format(lang="nl"))
    answer_until_help(page)
    page.check("input[name=q-help][value=cook]")
    page.check("input[name=q-age_group][value=age_46_65]")
    page.fill("#q-idea", "Een moestuin achter de kerk")
    primary(page).click()
    page.check("input[name=q-contact-agree]")
    page.fill("#q-contact-name", "Eerste Bewoner")
    page.fill("#q-contact-email", "eerste@example.nl")
    primary(page).click()
    code = page.inner_text(".receipt-code")
    assert CODE.fullmatch(code)
    secrets = [code, "Eerste Bewoner", "eerste@example.nl", "moestuin"]

    def traces() -> list[str]:
        for _ in range(20):  # a page still loading cannot be read yet
            try:
                page.wait_for_load_state()
                html = page.content()
                fields = page.evaluate("() => [...document.querySelectorAll('input, textarea')].map(f => f.value)")
                break
            except Exception:  # noqa: BLE001
                page.wait_for_timeout(100)
        return [s for s in secrets if s in html or any(s in value for value in fields)]

    def back_and_send_again():
        """Back, and (where the browser asks to send a form again) "send again" too."""
        try:
            page.go_back()
            page.wait_for_load_state()
        except Exception:  # noqa: BLE001  net::ERR_CACHE_MISS: the browser will not show it unsent
            assert traces() == [], page.url
            try:
                page.reload()  # what "Confirm form resubmission" does
                page.wait_for_load_state()
            except Exception:  # noqa: BLE001
                pass
        assert traces() == [], page.url

    # Simply leaving the thanks page, then Back: the code is gone.
    page.goto(live_server + "/nl/")
    back_and_send_again()
    # "Next resident": an empty survey, and Back through the history shows nothing of the first.
    page.goto(live_server + FORM.format(lang="nl"))
    answer_until_help(page)
    page.fill("#q-idea", "Een moestuin achter de kerk")
    page.check("input[name=q-help][value=no]")
    page.check("input[name=q-age_group][value=age_46_65]")
    primary(page).click()
    secrets.append(page.inner_text(".receipt-code"))
    page.click("form.next-resident button")
    page.wait_for_url(re.compile(r".*/nl/r/activities-2026/wyckerpoort/$"))
    assert traces() == []
    assert page.locator("input:checked").count() == 0
    for _ in range(8):
        back_and_send_again()
    page.screenshot(path=f"{screenshot_dir}/shared-device-after-back.png", full_page=True)
    context.close()
