"""The manager opens the readiness dashboard, filters it, reads the reasons, and clears the
ready demo hire for clients."""

from __future__ import annotations

from playwright.sync_api import expect

from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import DEMO_PASSWORD, load_demo
from trainhub.extensions import db


def _row(page, email: str):
    return page.locator(f"tr[data-hire='{email}']")


def test_manager_filters_the_dashboard_and_clears_a_ready_hire(
    app, live_server, page, browser_login
):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())

    browser_login("manager@demo.local", DEMO_PASSWORD)
    expect(page.get_by_test_id("dashboard-summary")).to_be_visible()
    page.get_by_role("link", name="Team", exact=True).click()
    page.wait_for_url(f"{live_server}/team/")
    expect(page.get_by_role("heading", name="Team readiness")).to_be_visible()

    ready, fresh = _row(page, "ready@demo.local"), _row(page, "hire@demo.local")
    assert ready.get_by_test_id("status").inner_text().strip().startswith("ready")
    assert fresh.get_by_test_id("status").inner_text().strip() == "not started"
    fresh.get_by_text("All reasons").click()
    # In words, with the course's title: never its slug.
    reason = fresh.get_by_text("“Prospecting and lead generation”: 0 of 7 lessons read")
    expect(reason).to_be_visible()
    assert "course prospecting" not in fresh.inner_text()

    # Filter to the hires who are ready: only Riley is left.
    page.get_by_label("Status").select_option("ready")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/team/?*status=ready*")
    expect(_row(page, "ready@demo.local")).to_be_visible()
    assert _row(page, "hire@demo.local").count() == 0
    assert "1 of 2 hires match" in page.get_by_test_id("team-count").inner_text()
    assert "status=ready" in page.get_by_test_id("export-csv").get_attribute("href")

    _row(page, "ready@demo.local").get_by_role("button", name="Clear for clients").click()
    page.wait_for_url(f"{live_server}/team/")
    expect(page.get_by_text("Riley Ready is cleared for clients.")).to_be_visible()
    ready = _row(page, "ready@demo.local")
    expect(ready.get_by_text("cleared for clients")).to_be_visible()
    assert ready.get_by_role("button", name="Clear for clients").count() == 0

    # The hire's page shows who cleared them, and the certificate is one click away.
    ready.get_by_role("link", name="Riley Ready").click()
    assert page.get_by_test_id("clearance").inner_text().startswith("Cleared for clients on")
    assert "Max Manager" in page.get_by_test_id("clearance").inner_text()
    page.get_by_test_id("certificate-link").click()
    expect(page.get_by_role("heading", name="Certificate of readiness")).to_be_visible()
    expect(page.get_by_text("Riley Ready", exact=True)).to_be_visible()


def test_the_dashboard_reads_well_on_a_phone(app, live_server, browser, browser_login):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", "manager@demo.local")
    phone.fill("input[name=password]", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/")  # else the goto may cancel the sign-in
    phone.goto(f"{live_server}/team/")
    # The wide table scrolls inside its own box; the page itself does not scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
