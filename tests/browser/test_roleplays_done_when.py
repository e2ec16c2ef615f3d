"""The issue's "done when", with the demo accounts, in a real browser.

hire@demo.local answers a case; mentor@demo.local sends it back with comments; the hire
resubmits; the mentor approves it and signs off a practical item; the hire's track shows both
steps done.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.rubric import score_every_criterion
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db

PASSWORD = "demo-password"
CASE = "gatekeeper-cold-call"
ITEM = "shadowed-cold-calls"


def _switch(page, browser_login, email: str) -> None:
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        # Not wait_for_load_state (the old page is loaded already): a sign-in started before
        # the sign-out's answer would cancel it, and /login sends a signed-in person home.
        page.wait_for_url("**/login")
    browser_login(email, PASSWORD)


def test_answer_send_back_resubmit_approve_and_sign_off(app, live_server, page, browser_login):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())

    # The hire answers the case from their track.
    browser_login("hire@demo.local", PASSWORD)
    page.locator(f"[data-step='roleplay:{CASE}'] a").click()
    expect(page.get_by_role("heading", name="Getting past the gatekeeper")).to_be_visible()
    assert page.get_by_text("What good looks like").count() == 0  # no mentor notes
    page.get_by_label("Your answer").fill("Hi, I'm Harper from Northwind. Is the director in?")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("waits for your mentor")).to_be_visible()

    # The mentor sees the queue count and sends it back with coaching.
    _switch(page, browser_login, "mentor@demo.local")
    assert page.get_by_test_id("queue-count").inner_text() == "1"
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("What good looks like").first).to_be_visible()
    # The score follows the levels as they are picked, before anything is saved.
    live = page.get_by_test_id("live-score").locator("[data-score]")
    assert live.inner_text() == "—"
    score_every_criterion(page, "2", "Say why you call Kestrel in particular.")
    assert live.inner_text() == "2"
    page.get_by_label("Overall comment").fill("Good start; tie the call to the new warehouse.")
    # Approving below the passing score is refused by the server: the error comes first on
    # the page, with the focus, and its link leads to the decision.
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#decision-0"
    assert live.inner_text() == "2"  # the levels picked are kept, and so is their score
    page.get_by_label("Needs work").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Sent back with your coaching")).to_be_visible()

    # The hire reads the coaching on their home and the case page, and resubmits.
    _switch(page, browser_login, "hire@demo.local")
    notices = page.get_by_test_id("review-notices")
    assert "sent back" in notices.inner_text()
    notices.get_by_role("link", name="Getting past the gatekeeper").click()
    expect(page.get_by_text("tie the call to the new warehouse")).to_be_visible()
    editor = page.get_by_label("Your answer")
    assert "Is the director in?" in editor.input_value()
    editor.fill(
        "Hi Iryna, this is Harper from Northwind. You opened the Brovary warehouse this spring; "
        "who looks after office supplies for the new site?"
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 2 was submitted")).to_be_visible()

    # The mentor approves version 2 and signs off a practical item.
    _switch(page, browser_login, "mentor@demo.local")
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("Changes since the previous version")).to_be_visible()
    score_every_criterion(page, "3", "Much better.")
    page.get_by_label("Overall comment").fill("Approved: honest, specific opening.")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Approved. Harper Hire has been told.")).to_be_visible()
    page.get_by_role("link", name="Harper Hire").click()
    item = page.locator(f"[data-item='{ITEM}']")
    item.get_by_label("Note").fill("Sat in on five sessions, debriefed each.")
    item.get_by_role("button", name="Sign off").click()
    # Waits for the new page; "^": the page before says "not signed off".
    expect(page.locator(f"[data-item='{ITEM}'] [data-testid=signoff-state]")).to_have_text(
        re.compile(r"^signed off")
    )

    # The hire's track shows both steps done.
    _switch(page, browser_login, "hire@demo.local")
    for key in (f"roleplay:{CASE}", f"signoff:{ITEM}"):
        step = page.locator(f"[data-step='{key}']")
        assert "done" in (step.get_attribute("class") or ""), key
    assert "reviewed: approved" in page.get_by_test_id("review-notices").inner_text()
    page.screenshot(path="/tmp/roleplays-done-when.png", full_page=True)
