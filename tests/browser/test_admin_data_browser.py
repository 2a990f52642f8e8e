"""In a real browser: an admin downloads the researchers' export and finds the download in the
audit log; the audit log, retention and export pages have no axe-core (WCAG 2.1 AA) violations
in Dutch and Arabic, at desktop (1366 px) and tablet (820 px) size."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest

from survey.extensions import db

from test_accessibility import violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ADMIN = "admin-data-browser@example.nl"


@pytest.fixture
def admin_with_data(app):
    """An admin, 12 released responses and a few log entries."""
    from survey.accounts.models import Role
    from survey.accounts.services import create_user
    from survey.areas.queries import area_by_key
    from survey.audit.models import AuditEntry
    from survey.dashboards.releases import make_release
    from survey.responses.models import Channel
    from survey.responses.services import store_response
    from survey.surveys.queries import round_by_key

    from test_dashboards_browser import answers_for

    with app.app_context():
        survey_round = round_by_key("activities-2026")
        admin = create_user(ADMIN, PASSWORD, Role.ADMIN, [])
        rng = random.Random(2)
        for _ in range(12):
            store_response(survey_round, area_by_key("wyckerpoort"), answers_for(rng), channel=Channel.ONLINE, language="nl")
        db.session.flush()
        make_release(survey_round, force=True)
        db.session.add(AuditEntry(action="view_contacts", user_id=admin.id, round_id=survey_round.id,
                                  area_id=area_by_key("wyckerpoort").id, detail="3 contacts",
                                  at=dt.datetime(2026, 3, 1, 10, 0)))
        db.session.commit()
    return ADMIN


def _sign_in(page, live_server, lang):
    page.goto(f"{live_server}/{lang}/login")
    page.fill("input[name=email]", ADMIN)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_an_admin_downloads_the_export_and_finds_it_in_the_log(browser, live_server, admin_with_data, tmp_path):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    _sign_in(page, live_server, "nl")
    page.goto(f"{live_server}/nl/admin/")
    page.get_by_role("link", name="Export voor onderzoekers").click()
    assert page.get_by_text("12 antwoorden in de export").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Gegevens voor SPSS (.sav)").click()
    saved = tmp_path / "export.sav"
    download.value.save_as(saved)
    import pyreadstat

    frame, _meta = pyreadstat.read_sav(str(saved))
    assert len(frame) == 12
    page.goto(f"{live_server}/nl/admin/")
    page.get_by_role("link", name="Auditlog").click()
    page.select_option("select[name=action]", "export_researchers")
    page.get_by_role("button", name="Toon").click()
    row = page.locator("tbody tr").first
    assert "Export voor onderzoekers gedownload" in row.inner_text() and ADMIN in row.inner_text()
    assert "sav, labels nl, 12 responses" in row.inner_text()
    context.close()


@pytest.mark.parametrize("lang", ["nl", "ar"])
@pytest.mark.parametrize("width", [1366, 820])
def test_the_pages_have_no_violations(browser, live_server, admin_with_data, screenshot_dir, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    _sign_in(page, live_server, lang)
    found = {}
    for name, path in (("audit", "admin/audit/"), ("audit-filtered", "admin/audit/?action=view_contacts&since=2026-01-01"),
                       ("audit-error", "admin/audit/?since=2026-05-01&until=2026-01-01"),
                       ("retention", "admin/retention/"), ("research", "admin/research/")):
        page.goto(f"{live_server}/{lang}/{path}")
        found[name] = violations(page)
        page.screenshot(path=os.path.join(screenshot_dir, f"admin-data-{name}-{lang}-{width}.png"), full_page=True)
    # The retention form with errors, and with the preview of typed-in periods.
    page.goto(f"{live_server}/{lang}/admin/retention/")
    page.fill("input[name=audit_log]", "10")
    page.locator("button.primary").click()
    found["retention-errors"] = violations(page)
    page.fill("input[name=audit_log]", "400")
    page.locator("button[name=preview]").click()
    found["retention-preview"] = violations(page)
    page.screenshot(path=os.path.join(screenshot_dir, f"admin-data-retention-preview-{lang}-{width}.png"), full_page=True)
    # Nothing sticks out sideways at tablet size (the table scrolls inside its box).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
    assert not any(found.values()), {k: v for k, v in found.items() if v}
