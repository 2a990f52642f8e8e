"""WCAG 2.1 AA: axe-core finds no violations on the resident's pages, in Dutch and in Arabic."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page) -> list[str]:
    results = axe_module.Axe().run(page, options=WCAG)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
            for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_resident_pages_have_no_violations(browser, live_server, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    found = {}
    form = f"{live_server}/{lang}/r/activities-2026/wyckerpoort/"
    for name, url in (("landing", f"{live_server}/{lang}/"), ("form", form), ("receipt", f"{live_server}/{lang}/receipt"),
                      ("login", f"{live_server}/{lang}/login"), ("not found", f"{live_server}/{lang}/nowhere")):
        page.goto(url)
        found[name] = violations(page)
    page.goto(form)
    page.locator("button.primary:visible").click()  # errors shown
    found["form with errors"] = violations(page)
    page.locator("input[name=q-visit_frequency]").first.check()
    page.locator("button.primary:visible").click()
    page.locator("input[value=quiz]").check()
    page.locator("button.primary:visible").click()  # ranking and the weekday grid
    found["grid and ranking"] = violations(page)
    context.close()
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_check_finds_a_field_without_label(browser):
    # A control: an unlabelled field must be reported, or the test above proves nothing.
    page = browser.new_page()
    page.set_content('<html lang="nl"><head><title>t</title></head><body><main><input type="text"></main></body></html>')
    assert any(v.startswith("label:") for v in violations(page))
    page.close()
