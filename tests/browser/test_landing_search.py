"""The neighbourhood list filters as the resident types, forgiving the spelling, and never ends empty."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_typing_filters_the_list_and_a_miss_keeps_the_whole_list(browser, live_server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/nl/")
    search = page.locator("input[type=search]").first
    search.fill("wijckerpoort")
    expect(page.locator("li[data-name='wyckerpoort']")).to_be_visible()
    expect(page.locator("li[data-name='daalhof']")).to_be_hidden()
    search.fill("st. pieter")
    expect(page.locator("li[data-name='sint pieter']")).to_be_visible()
    search.fill("atlantis")
    expect(page.locator("[data-none]").first).to_be_visible()
    expect(page.locator("li[data-name='daalhof']")).to_be_visible()  # the whole list, to choose from
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
