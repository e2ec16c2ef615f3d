"""A new hire signs in, reads a lesson, marks it complete, and sees the progress bar move."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db


def _progress(page) -> int:
    bar = page.locator("[data-testid=track-progress] [role=progressbar]")
    return int(bar.get_attribute("aria-valuenow"))


def test_hire_reads_and_completes_a_lesson(app, live_server, page, browser_login):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())

    browser_login("hire@demo.local", "demo-password")
    expect(page.get_by_text("Demo data").first).to_be_visible()
    expect(page.get_by_role("heading", name="Lead-generation specialist")).to_be_visible()
    assert _progress(page) == 0

    page.get_by_role("link", name="How a sales department works").first.click()
    page.get_by_role("link", name="The three-stage sales conveyor").click()
    expect(page.get_by_text("On this page")).to_be_visible()
    page.get_by_role("button", name="Mark as complete").click()
    # Not wait_for_load_state (the lesson page is loaded already): the Home click below
    # would cancel the POST.
    expect(page.get_by_text("Lesson marked as complete.")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    assert _progress(page) > 0
    expect(page.get_by_text("1/7 lessons").first).to_be_visible()


def test_lesson_page_reads_well_on_a_phone(app, live_server, browser, browser_login):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    with app.app_context():
        user = factories.make_user(db.session, "hire")
        db.session.commit()
        email = user.email
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", email)
    phone.fill("input[name=password]", "correct-horse-battery")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/")  # else the goto may cancel the sign-in
    phone.goto(f"{live_server}/courses/sales-department-foundations/kpis")
    # Nothing wider than the screen: no sideways scrolling of the page itself.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    context.close()


def test_a_lesson_image_loads_and_fits_a_phone(app, live_server, browser):
    """The cold-call lesson's diagram (an SVG in the course's assets/ folder) is drawn, not a
    broken image, and its 800 pixels never widen a phone's page."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    with app.app_context():
        user = factories.make_user(db.session, "hire")
        db.session.commit()
        email = user.email
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=email]", email)
    phone.fill("input[name=password]", "correct-horse-battery")
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/")  # else the goto may cancel the sign-in
    phone.goto(f"{live_server}/courses/prospecting/channels-and-the-cold-call")
    image = phone.locator(".prose img[src='assets/cold-call-flow.svg']")
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0
    assert 0 < image.bounding_box()["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
