"""Issue 17's review-queue "done when", in a real browser with the demo accounts: the mentor
claims the hire's answer and reviews it; the hire asks for a sign-off and gets it."""

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


def test_mentor_claims_and_reviews_hire_asks_for_a_signoff_and_gets_it(
    app, live_server, page, browser_login
):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())

    browser_login("hire@demo.local", PASSWORD)
    page.locator(f"[data-step='roleplay:{CASE}'] a").click()
    page.get_by_label("Your answer").fill(
        "Hi Iryna, this is Harper from Northwind. You opened the Brovary warehouse this spring; "
        "who looks after office supplies for the new site?"
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("waits for your mentor")).to_be_visible()

    # The mentor claims the answer: the queue then shows it as theirs.
    _switch(page, browser_login, "mentor@demo.local")
    page.get_by_role("link", name="Reviews").click()
    mine = page.get_by_test_id("section-mine")
    mine.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("Nobody has claimed this answer.")).to_be_visible()
    page.get_by_test_id("claim-button").click()
    expect(page.get_by_text("Claimed until")).to_be_visible()
    expect(page.get_by_text("You have claimed this answer until")).to_be_visible()
    page.get_by_role("link", name="Review queue").click()
    assert "yours until" in page.get_by_test_id("section-mine").inner_text()
    page.get_by_test_id("section-mine").get_by_role("link", name="Review", exact=True).click()
    score_every_criterion(page, "3")
    page.get_by_label("Overall comment").fill("Approved: honest, specific opening.")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Approved. Harper Hire has been told.")).to_be_visible()
    assert page.get_by_test_id("n-week").inner_text() == "1"

    # The hire asks for a practical sign-off with a note.
    _switch(page, browser_login, "hire@demo.local")
    page.locator(f"[data-step='signoff:{ITEM}']").get_by_role(
        "link", name="Ask for a sign-off"
    ).click()
    page.get_by_label("What you did").fill("Sat in on five calls with Olena, debriefed each.")
    page.get_by_role("button", name="Ask for a sign-off").click()
    expect(page.get_by_text("Asked. Your mentor will see it in their queue.")).to_be_visible()

    # The mentor sees the request in the queue and approves it.
    _switch(page, browser_login, "mentor@demo.local")
    page.get_by_role("link", name="Reviews").click()
    requests = page.get_by_test_id("signoff-requests")
    requests.get_by_role("link").first.click()
    item = page.locator(f"[data-item='{ITEM}']")
    assert "Sat in on five calls with Olena" in item.inner_text()
    item.get_by_label("Note").fill("Listened to two of them myself.")
    item.get_by_role("button", name="Approve and sign off").click()
    # Waits for the new page; "^": the page before says "not signed off".
    expect(page.locator(f"[data-item='{ITEM}'] [data-testid=signoff-state]")).to_have_text(
        re.compile(r"^signed off")
    )

    # The hire's track shows both steps done.
    _switch(page, browser_login, "hire@demo.local")
    for key in (f"roleplay:{CASE}", f"signoff:{ITEM}"):
        step = page.locator(f"[data-step='{key}']")
        assert "done" in (step.get_attribute("class") or ""), key
    page.screenshot(path="/tmp/claim-and-signoff-request.png", full_page=True)
