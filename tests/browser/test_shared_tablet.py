"""One tablet, two canvassers, in headless Chromium: A records an interview without signal and
signs out while it still waits (warned, offered to send); B signs in on the same browser and can
read neither A's addresses nor A's queue, online or offline; A's token is refused; when A signs
in again, the interview is sent in A's name. Before locking existed, A's walk list, street pages
and token stayed on the tablet after sign-out and the token kept working for 30 days."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from survey.canvassing.models import Visit
from survey.extensions import db
from survey.responses.models import Response, SealedItem
from test_canvassing_helpers import API, ROUND, interview, store_sealed, walk_list  # noqa: F401  (fixture)
from test_canvassing_offline import RequestLog

pytestmark = pytest.mark.browser

TABLET = {"width": 820, "height": 1180}
WALK = f"/nl/canvass/{ROUND}/wyckerpoort/"
DAALHOF = f"/nl/canvass/{ROUND}/daalhof/"
A, B = "canvasser-a@example.nl", "canvasser-b@example.nl"

# Everything the canvassing database of this browser holds, binary parts (the locked boxes) shown
# by their size only.
READ_DEVICE = """async () => {
  if (!(await indexedDB.databases()).some((d) => d.name === "buurtpeiling-canvass")) return {};
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("buurtpeiling-canvass");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const stores = {};
  for (const name of db.objectStoreNames) {
    stores[name] = await new Promise((resolve) => {
      const request = db.transaction(name).objectStore(name).getAll();
      request.onsuccess = () => resolve(request.result);
    });
  }
  db.close();
  const plain = (key, value) => (value instanceof ArrayBuffer || ArrayBuffer.isView(value) ? `<${value.byteLength} bytes>` : value);
  return JSON.parse(JSON.stringify(stores, plain));
}"""
KEPT_PAGES = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


class SyncOutage(RequestLog):
    """While ``down``, the sync API answers 503 as a busy server would: what waits keeps waiting."""

    down = False

    def __call__(self, environ, start_response):
        if self.down and environ.get("PATH_INFO") == API:
            start_response("503 Service Unavailable", [("Content-Type", "application/json"), ("Retry-After", "5")])
            return [b'{"status": 503, "code": "busy", "message": "busy"}']
        return super().__call__(environ, start_response)


def sign_in(page, live_server, email, password, next_path):
    page.goto(f"{live_server}/nl/login?next={next_path}")
    page.locator("html[data-device-cleared=true]").wait_for(state="attached")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{next_path}")
    page.locator("html[data-device-ready=true]").wait_for(state="attached", timeout=20000)


def sign_out(page, live_server):
    page.goto(f"{live_server}/nl/canvass/")
    page.click("[data-sign-out-link]")
    page.wait_for_url("**/nl/canvass/sign-out")
    page.locator("html[data-device-ready=true]").wait_for(state="attached")


def token_on(page) -> str:
    return json.loads(page.locator("#canvass-device").text_content())["token"]


def offline_view(page, url) -> str:
    """What the tablet shows for ``url`` without a connection (the browser's own error page if nothing)."""
    try:
        page.goto(url)
    except PlaywrightError:  # nothing kept: the browser shows its own offline page
        pass
    for _ in range(20):
        try:
            page.wait_for_load_state()
            return page.content()
        except PlaywrightError:  # still turning to that page
            page.wait_for_timeout(100)
    return page.content()


def interview_at(page, live_server, door):
    page.goto(f"{live_server}{WALK}streets/Wyckerpoort%20Steenweg/")
    page.locator(f'li[data-door="{door}"] [data-interview]').click()
    page.wait_for_url(re.compile(r".*/interview\?draft=.*"))
    page.locator("#interview[data-restored]").wait_for(state="attached")
    page.check("input[name='q-visit_frequency'][value='weekly']")
    page.locator(".form-actions [data-step='1']").click()
    page.check("input[name='q-activities'][value='repair_cafe']")
    for _ in range(6):
        if page.locator("[data-finish]").is_visible():
            break
        page.locator(".form-actions [data-step='1']").click()
    page.click("[data-finish]")
    page.locator("#interview-done").wait_for()


def test_the_next_canvasser_on_a_shared_tablet(app, browser, live_server, accounts, walk_list, screenshot_dir):
    a_id = accounts.create(A, "canvasser", ("wyckerpoort",))
    accounts.create(B, "canvasser", ("daalhof",))
    context = browser.new_context(viewport=TABLET, locale="nl-NL", service_workers="allow")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    door = walk_list["Wyckerpoort Steenweg 3 A"]
    try:
        with SyncOutage(app) as outage:
            # A: the walk list kept for offline work, an interview at a door without signal.
            sign_in(page, live_server, A, accounts.PASSWORD, WALK)
            page.locator("html[data-offline-ready=true]").wait_for(state="attached", timeout=20000)
            a_token = token_on(page)
            outage.down = True
            context.set_offline(True)
            interview_at(page, live_server, door)
            page.goto(f"{live_server}{WALK}")
            expect(page.locator("[data-count=waiting]")).to_have_text("2")  # the interview and the door's visit

            # Online again, but the server cannot take them yet: signing out warns and offers to send.
            context.set_offline(False)
            sign_out(page, live_server)
            warning = page.locator("[data-sign-out-warning]")
            expect(warning).to_be_visible()
            expect(warning.locator("[data-sign-out-count]")).to_contain_text("2")
            expect(page.locator("[data-sign-out-button]")).to_have_text("Toch uitloggen")
            warning.locator("[data-send-now]").click()
            expect(page.locator("[data-sync-message]")).to_have_text("busy")
            expect(page.locator("[data-count=waiting]")).to_have_text("2")
            page.screenshot(path=f"{screenshot_dir}/shared-tablet-sign-out-warning.png", full_page=True)
            page.click("[data-sign-out-button]")
            page.wait_for_url("**/nl/login")
            page.locator("html[data-device-cleared=true]").wait_for(state="attached")
            expect(page.locator(".notice")).to_contain_text("Je bent uitgelogd.")

            # The tablet holds A's interview only locked; no address, no token, no kept page.
            stored = page.evaluate(READ_DEVICE)
            assert stored["queue"] == [] and stored["drafts"] == [] and stored["confirmed"] == []
            assert [(box["user"], box["count"], box["data"].endswith("bytes>")) for box in stored["vault"]] == [(str(a_id), 2, True)]
            assert not [entry for entry in stored["meta"] if entry["key"].startswith("token:")]
            dump = json.dumps(stored)
            assert "Steenweg" not in dump and a_token not in dump and "repair_cafe" not in dump
            assert page.evaluate(KEPT_PAGES) == []
            outage.down = False  # A's token is refused at once
            assert app.test_client().post(API, json={"items": [interview()]}, headers={"Authorization": f"Bearer {a_token}"}).status_code == 401
            outage.down = True
            context.set_offline(True)
            for url in (WALK, f"{WALK}streets/Wyckerpoort%20Steenweg/", "/nl/canvass/"):
                assert "Steenweg" not in offline_view(page, f"{live_server}{url}")
            context.set_offline(False)

            # B signs in on the same browser: their own walk list, nothing of A's, online or offline.
            sign_in(page, live_server, B, accounts.PASSWORD, DAALHOF)
            page.locator("html[data-offline-ready=true]").wait_for(state="attached", timeout=20000)
            expect(page.locator("[data-count=waiting]")).to_have_text("0")
            expect(page.locator("[data-locked]")).to_contain_text("2")
            assert "Steenweg" not in page.content() and "Daalhoferweg" in page.content()
            page.screenshot(path=f"{screenshot_dir}/shared-tablet-next-canvasser.png", full_page=True)
            assert page.goto(f"{live_server}{WALK}").status == 404
            stored = page.evaluate(READ_DEVICE)
            assert [box["user"] for box in stored["vault"]] == [str(a_id)] and stored["queue"] == []
            assert "Steenweg" not in json.dumps(stored)
            context.set_offline(True)
            assert "Steenweg" not in offline_view(page, f"{live_server}{WALK}")
            assert "Daalhoferweg" in offline_view(page, f"{live_server}{DAALHOF}")  # B's own work goes on
            context.set_offline(False)
            sign_out(page, live_server)
            expect(page.locator("[data-sign-out-warning]")).to_be_hidden()
            page.click("[data-sign-out-button]")
            page.wait_for_url("**/nl/login")
            page.locator("html[data-device-cleared=true]").wait_for(state="attached")
            with app.app_context():
                # Nothing was sent in B's name (interviews wait sealed: none of those either).
                assert db.session.scalar(select(Response.id)) is None
                assert db.session.scalar(select(SealedItem.id)) is None

            # A signs in again: the interview comes back and is sent in A's name.
            outage.down = False
            sign_in(page, live_server, A, accounts.PASSWORD, WALK)
            expect(page.locator("[data-count=waiting]")).to_have_text("0", timeout=20000)
            expect(page.locator("[data-count=confirmed]")).to_have_text("2")
            assert page.evaluate(READ_DEVICE)["vault"] == []
            page.screenshot(path=f"{screenshot_dir}/shared-tablet-back-and-sent.png", full_page=True)
    finally:
        context.close()

    assert not [error for error in errors if "Failed to load resource" not in error and "ERR_INTERNET_DISCONNECTED" not in error], errors
    store_sealed(app)
    with app.app_context():
        assert [(r.channel.value, r.language) for r in db.session.scalars(select(Response))] == [("door", "nl")]
        assert [(v.door_id, v.outcome.value, v.canvasser_id) for v in db.session.scalars(select(Visit))] == [(door, "interviewed", a_id)]


def test_send_now_then_sign_out_with_nothing_left(app, browser, live_server, accounts, walk_list):
    accounts.create(A, "canvasser", ("wyckerpoort",))
    context = browser.new_context(viewport=TABLET, locale="nl-NL", service_workers="allow")
    page = context.new_page()
    try:
        with SyncOutage(app) as outage:
            sign_in(page, live_server, A, accounts.PASSWORD, f"{WALK}streets/Meerssenerweg/")
            outage.down = True
            door = walk_list["Meerssenerweg 10"]
            page.locator(f'li[data-door="{door}"] [data-record]').click()
            page.locator("#outcome-form input[value=not_home]").check()
            page.locator("#outcome-form button[type=submit]").click()
            page.locator(f'li[data-door="{door}"] [data-outcome][data-local=waiting]').wait_for()
            sign_out(page, live_server)
            expect(page.locator("[data-sign-out-count]")).to_contain_text("1")
            outage.down = False
            page.locator("[data-sign-out-warning] [data-send-now]").click()
            expect(page.locator("[data-sign-out-warning]")).to_be_hidden(timeout=20000)
            expect(page.locator("[data-sign-out-button]")).to_have_text("Uitloggen")
            page.click("[data-sign-out-button]")
            page.wait_for_url("**/nl/login")
            page.locator("html[data-device-cleared=true]").wait_for(state="attached")
            stored = page.evaluate(READ_DEVICE)
            assert stored["vault"] == [] and stored["queue"] == [] and stored["confirmed"] == []
    finally:
        context.close()
    with app.app_context():
        assert [v.outcome.value for v in db.session.scalars(select(Visit))] == ["not_home"]
