"""A canvasser's hour without signal, in headless Chromium at tablet size: sign in, open the walk
list, lose the connection, record doors and two interviews (switching language in one, reloading
the page in the middle of the other), reload while offline, come back online, sync, and find
exactly those rows in the database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from survey.canvassing.models import Visit
from survey.extensions import db
from survey.responses.models import Response
from survey.responses.services import answers_of
from test_canvassing_helpers import ROUND, store_sealed, walk_list  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
WALK = f"/nl/canvass/{ROUND}/wyckerpoort/"


class RequestLog:
    """Every path the server is asked for, to prove that the offline part never reached it."""

    def __init__(self, app):
        self.app, self.wsgi_app, self.paths = app, app.wsgi_app, []

    def __call__(self, environ, start_response):
        self.paths.append(environ.get("PATH_INFO", ""))
        return self.wsgi_app(environ, start_response)

    def __enter__(self):
        self.app.wsgi_app = self
        return self

    def __exit__(self, *exc):
        self.app.wsgi_app = self.wsgi_app


def record(page, door: int, outcome: str, fill=None):
    page.locator(f'li[data-door="{door}"] [data-record]').click()
    page.locator(f"#outcome-form input[value={outcome}]").check()
    if fill:
        fill(page)
    page.locator("#outcome-form button[type=submit]").click()
    page.locator(f'li[data-door="{door}"] [data-outcome][data-local=waiting]').wait_for()


def next_section(page):
    page.locator(".form-actions [data-step='1']").click()


def test_an_offline_hour_at_the_doors(app, browser, live_server, accounts, walk_list, screenshot_dir):
    email = "tablet@example.nl"
    accounts.create(email, "canvasser", ("wyckerpoort",))
    context = browser.new_context(viewport=TABLET, locale="nl-NL", service_workers="allow")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        # Online: sign in and open the walk list once; the device keeps what it needs.
        page.goto(f"{live_server}/nl/login?next={WALK}")
        page.fill("#email", email)
        page.fill("#password", accounts.PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(f"**{WALK}")
        # (Waiting by locator, not by a script: the page's CSP allows no eval, for tests neither.)
        page.locator("html[data-offline-ready=true]").wait_for(state="attached", timeout=20000)
        expect(page.locator("[data-offline-status]")).not_to_be_empty()
        for _ in range(50):
            if page.evaluate("() => navigator.serviceWorker.controller !== null"):
                break
            page.wait_for_timeout(100)
        assert page.evaluate("() => navigator.serviceWorker.controller !== null"), "no service worker"

        with RequestLog(app) as log:
            context.set_offline(True)
            page.wait_for_timeout(200)
            # The doors of one street: three outcomes.
            page.click("a[data-street='Wyckerpoort Steenweg']")
            page.wait_for_url("**/streets/Wyckerpoort%20Steenweg/")
            expect(page.locator("#sync-panel")).to_have_class(re.compile("is-offline"))
            record(page, walk_list["Wyckerpoort Steenweg 1"], "not_home")
            record(page, walk_list["Wyckerpoort Steenweg 5"], "come_back",
                   lambda p: p.fill("#come-back-at", "2026-12-01T18:30"))
            record(page, walk_list["Wyckerpoort Steenweg 1"], "flyer_left")  # a second visit, later
            expect(page.locator("[data-count=waiting]")).to_have_text("3")

            # Interview 1, at Wyckerpoort Steenweg 3 A: started in Dutch, finished in English.
            page.locator(f'li[data-door="{walk_list["Wyckerpoort Steenweg 3 A"]}"] [data-interview]').click()
            page.wait_for_url(re.compile(r".*/nl/canvass/.*/interview\?draft=.*"))
            page.check("input[name='q-visit_frequency'][value='monthly']")
            next_section(page)
            page.check("input[name='q-activities'][value='cooking_together']")
            page.check("input[name='q-activities'][value='quiz']")
            page.click("a[data-language=en]")
            page.wait_for_url(re.compile(r".*/en/canvass/.*/interview\?draft=.*"))
            page.locator("#interview[data-restored]").wait_for(state="attached")
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.is_checked("input[name='q-activities'][value='quiz']")  # kept on the device
            assert page.locator(".interview-section:not([hidden]) small.canvasser-text[lang=nl]").first.is_visible()
            next_section(page)
            page.select_option("#q-top3-1", "quiz")
            page.check("input[name='q-when'][value='sat:morning']")
            for _ in range(3):
                next_section(page)
            page.check("input[name='q-age_group'][value='age_27_45']")
            page.click("[data-finish]")
            expect(page.locator("[data-receipt]")).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
            page.screenshot(path=f"{screenshot_dir}/canvassing-receipt.png")

            # Interview 2, at Meerssenerweg 10: the page is reloaded halfway, still offline.
            page.goto(f"{live_server}{WALK}streets/Meerssenerweg/")
            page.locator(f'li[data-door="{walk_list["Meerssenerweg 10"]}"] [data-interview]').click()
            page.wait_for_url(re.compile(r".*/interview\?draft=.*"))
            page.check("input[name='q-visit_frequency'][value='never']")
            next_section(page)
            page.check("input[name='q-activities'][value='bingo']")
            page.locator("#interview[data-saved-fields='2']").wait_for(state="attached")
            page.reload()
            page.locator("#interview[data-restored]").wait_for(state="attached")
            assert page.is_checked("input[name='q-activities'][value='bingo']")
            assert page.locator(".interview-section[data-section='1']").is_visible()  # where it was
            for _ in range(4):
                if page.locator("[data-finish]").is_visible():
                    break
                next_section(page)
            page.fill("#q-idea", "Een jeu-de-boulesbaan")
            page.click("[data-finish]")
            page.locator("#interview-done").wait_for()

            # Back on the walk list, reloaded while offline: everything is still waiting.
            page.goto(f"{live_server}{WALK}")
            page.reload()
            expect(page.locator("[data-count=waiting]")).to_have_text("7")
            assert page.locator("[data-count=last-sync]").inner_text() in ("nooit", "never")
            page.screenshot(path=f"{screenshot_dir}/canvassing-offline-waiting.png", full_page=True)
            offline_paths = [path for path in log.paths if "/canvass/" in path or path.startswith("/api/")]
            assert offline_paths == [], f"the offline part reached the server: {offline_paths}"

            # Online again: the device sends by itself; "send now" as well.
            context.set_offline(False)
            page.click("[data-send-now]")
            expect(page.locator("[data-count=waiting]")).to_have_text("0", timeout=20000)
            expect(page.locator("[data-count=confirmed]")).to_have_text("7")
            assert "/api/v1/submissions" in log.paths  # the log does see what reaches the server
        assert page.locator("[data-count=last-sync]").inner_text() not in ("nooit", "never", "–")
        page.screenshot(path=f"{screenshot_dir}/canvassing-synced.png", full_page=True)
    finally:
        context.close()

    assert not [error for error in errors if "Failed to load resource" not in error], errors
    store_sealed(app)  # the two interviews wait sealed until a release stores them
    with app.app_context():
        responses = db.session.scalars(select(Response).order_by(Response.language)).all()
        assert [(r.channel.value, r.language) for r in responses] == [("door", "en"), ("door", "nl")]
        english, dutch = (answers_of(r) for r in responses)
        assert english["visit_frequency"] == "monthly" and english["top3"] == ["quiz"]
        assert english["activities"]["options"] == ["cooking_together", "quiz"]
        assert english["age_group"] == "age_27_45"
        assert dutch["activities"]["options"] == ["bingo"] and dutch["idea"] == "Een jeu-de-boulesbaan"
        visits = {(v.door_id, v.outcome.value, v.come_back_at.strftime("%H:%M") if v.come_back_at else None)
                  for v in db.session.scalars(select(Visit))}
        assert visits == {
            (walk_list["Wyckerpoort Steenweg 1"], "not_home", None),
            (walk_list["Wyckerpoort Steenweg 1"], "flyer_left", None),
            (walk_list["Wyckerpoort Steenweg 5"], "come_back", "18:30"),
            (walk_list["Wyckerpoort Steenweg 3 A"], "interviewed", None),
            (walk_list["Meerssenerweg 10"], "interviewed", None),
        }


def test_a_refused_item_stays_visible_with_its_reason(app, browser, live_server, accounts, walk_list):
    """The server refuses a visit (the canvasser lost the neighbourhood meanwhile): it stays on the
    device with the server's reason, survives a reload, and goes once access is back."""
    from survey.accounts.models import User
    from survey.accounts.services import user_by_email
    from survey.areas.queries import area_by_key

    email = "refused@example.nl"
    accounts.create(email, "canvasser", ("wyckerpoort",))
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/en/login?next={WALK.replace('/nl/', '/en/')}streets/Meerssenerweg/")
        page.fill("#email", email)
        page.fill("#password", accounts.PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url("**/streets/Meerssenerweg/")
        with app.app_context():  # the neighbourhood is taken away while the tablet is out
            user = user_by_email(email)
            user.areas = [area_by_key("daalhof")]
            db.session.commit()
        record(page, walk_list["Meerssenerweg 10"], "refused")
        rejected = page.locator("[data-rejected-list] li")
        expect(rejected).to_have_count(1, timeout=20000)
        expect(rejected).to_contain_text("may not record visits or interviews in this neighbourhood")
        expect(page.locator("[data-count=waiting]")).to_have_text("0")
        page.goto(f"{live_server}/en/canvass/")  # the walk list itself is no longer theirs: 404
        expect(page.locator("[data-rejected-list] li")).to_have_count(1)
        with app.app_context():
            db.session.get(User, user_by_email(email).id).areas = [area_by_key("wyckerpoort")]
            db.session.commit()
        page.locator("[data-rejected-list] li button").first.click()  # "send again"
        expect(page.locator("[data-count=confirmed]")).to_have_text("1", timeout=20000)
        expect(page.locator("[data-rejected-list] li")).to_have_count(0)
    finally:
        context.close()
    with app.app_context():
        assert [v.outcome.value for v in db.session.scalars(select(Visit))] == ["refused"]
