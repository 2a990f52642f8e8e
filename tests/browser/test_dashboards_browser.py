"""In a real browser: a board member signs in, the charts draw without console errors, a filter
changes the numbers, Arabic runs right to left; screenshots at laptop and tablet size."""

from __future__ import annotations

import os
import random

import pytest

from survey.extensions import db

pytestmark = pytest.mark.browser

ROUND, HOOD = "activities-2026", "wyckerpoort"
PASSWORD = "correct horse battery"


@pytest.fixture
def board_with_data(app):
    """A board member of Wyckerpoort, 40 responses there and 300 elsewhere."""
    from survey import demo
    from survey.accounts.models import Role
    from survey.accounts.services import create_user
    from survey.areas.queries import area_by_key
    from survey.responses.models import Channel
    from survey.dashboards.releases import make_release
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    with app.app_context():
        survey_round = round_by_key(ROUND)
        demo.generate(survey_round, 300, seed=11)
        create_user("board-browser@example.nl", PASSWORD, Role.BOARD, [HOOD])
        rng = random.Random(7)
        for index in range(40):
            store_response(survey_round, area_by_key(HOOD), answers_for(rng), language="ar" if index % 6 == 0 else "nl",
                           channel=Channel.DOOR if index % 4 == 0 else Channel.ONLINE)
        db.session.commit()
        make_release(survey_round, force=True)
        db.session.commit()
    return "board-browser@example.nl"


def answers_for(rng: random.Random) -> dict:
    activities = rng.sample(["cooking_together", "quiz", "bingo", "music", "repair_cafe", "film_nights"], k=rng.randint(1, 3))
    return {
        "visit_frequency": rng.choice(["never", "monthly", "weekly"]),
        "activities": {"options": activities, "other": None},
        "top3": activities[:3],
        "when": rng.sample(["mon:evening", "sat:morning", "wed:afternoon", "fri:evening"], k=2),
        "price": rng.choice(["free_only", "up_to_2"]),
        "age_group": rng.choice(["age_27_45", "age_46_65"]),
    }


def _watch_console(page) -> list[str]:
    problems = []
    # A missing favicon is the browser's own request, not the page's.
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "favicon" not in (message.location or {}).get("url", "") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return problems


def _sign_in(page, live_server, email, lang="en"):
    page.goto(f"{live_server}/{lang}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _wait_for_charts(page):
    # Generous: the first page parses half a megabyte of plotly on a busy two-core machine.
    try:
        page.wait_for_selector("#chart-activities[data-rendered=true] svg", timeout=60_000)
    except Exception:
        page.screenshot(path="/tmp/chart-debug.png", full_page=True)
        open("/tmp/chart-debug.txt", "w").write(page.url + "\n" + page.content())
        raise
    page.wait_for_selector("#chart-when[data-rendered=true] svg", timeout=60_000)


def _total(page) -> str:
    return page.inner_text("#response-total [data-count]").strip()


def test_board_member_reads_filters_and_sees_arabic(browser, live_server, board_with_data, screenshot_dir):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    problems = _watch_console(page)
    _sign_in(page, live_server, board_with_data)

    page.goto(f"{live_server}/en/dashboards/{ROUND}/{HOOD}/")
    _wait_for_charts(page)
    assert page.locator("#chart-activities .bars path").count() > 0  # bars were drawn
    assert page.locator("#chart-when .hm image, #chart-when .heatmaplayer").count() > 0  # the heat map
    everyone = _total(page)
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-laptop-1366x768.png"), full_page=False)

    page.select_option("#filter", "channel:online")
    page.click(".dash-filter button[type=submit]")
    page.wait_for_url("**filter=channel%3Aonline**")
    _wait_for_charts(page)
    assert _total(page) != everyone
    assert page.locator("#filter").input_value() == "channel:online"

    page.goto(f"{live_server}/ar/dashboards/{ROUND}/{HOOD}/")
    _wait_for_charts(page)
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.dash-table th')).direction") == "rtl"
    # The bars' labels sit on the right of the chart, as Arabic reads.
    label_x = page.evaluate("document.querySelector('#chart-activities .ytick text').getBoundingClientRect().left")
    chart = page.evaluate("(() => { const r = document.querySelector('#chart-activities').getBoundingClientRect(); return [r.left, r.width]; })()")
    assert label_x > chart[0] + chart[1] / 2
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-ar-laptop-1366x768.png"), full_page=False)

    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server}/en/dashboards/{ROUND}/{HOOD}/")
    _wait_for_charts(page)
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-tablet-820x1180.png"), full_page=False)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server}/ar/dashboards/{ROUND}/{HOOD}/")
    _wait_for_charts(page)
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-ar-tablet-820x1180.png"), full_page=False)

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"{live_server}/en/dashboards/{ROUND}/{HOOD}/print")
    _wait_for_charts(page)
    page.emulate_media(media="print")
    page.screenshot(path=os.path.join(screenshot_dir, "dashboard-print-a4.png"), full_page=False)

    assert problems == [], "\n".join(problems)
    context.close()


def test_another_neighbourhood_stays_closed(browser, live_server, board_with_data):
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, board_with_data)
    response = page.goto(f"{live_server}/en/dashboards/{ROUND}/daalhof/")
    assert response.status == 404
    context.close()
