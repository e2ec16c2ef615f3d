"""Issue 17's "done when", walked in Chromium: a hire starts on a Monday; a step becomes
overdue (time is simulated: ``trainhub notify`` runs with TRAINHUB_NOW, never a sleep); the
hire, then the mentor, then the manager get the notice in the app and by mail from a real
SMTP server; the mentor claims and reviews the hire's answer; the hire asks for a sign-off
and gets it, and is told so."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.rubric import score_every_criterion
from tests.smtp import smtp_settings

MONDAY = date(2026, 11, 2)  # the foundations course is due on day 3: Wednesday 4 November
CASE = "gatekeeper-cold-call"
ITEM = "shadowed-cold-calls"


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp_settings(smtp[1])}


def _notify(runner, day: date) -> None:
    now = datetime.combine(day, time(9), UTC)
    result = runner.invoke(args=["notify"], env={"TRAINHUB_NOW": now.isoformat()})
    assert result.exit_code == 0, result.output


def _as(page, browser_login, email: str) -> None:
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        # Not wait_for_load_state (the old page is loaded already): a sign-in started before
        # the sign-out's answer would cancel it, and /login sends a signed-in person home.
        page.wait_for_url("**/login")
    browser_login(email)


def _centre(page) -> str:
    page.get_by_role("link", name="Notifications").click()
    return page.get_by_test_id("notices").inner_text()


def test_overdue_notices_escalate_then_a_claimed_review_and_a_requested_signoff(
    app, live_server, page, browser_login, runner, db_session, smtp
):
    inbox, _port = smtp
    cast = factories.make_team(db_session)
    hire, mentor, manager = cast["hire"], cast["mentor"], cast["manager"]
    hire.started_on = MONDAY
    db_session.commit()

    # Thursday: the step due on Wednesday is a day late. Only the hire is told.
    _notify(runner, date(2026, 11, 5))
    _as(page, browser_login, hire.email)
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    assert "was due on Nov 4, 2026" in _centre(page)
    assert [m["Subject"] for m in inbox.to(hire.email)]
    assert not inbox.to(mentor.email) and not inbox.to(manager.email)

    # Friday, two days late: the mentor too. The next Monday, five days late: the manager.
    _notify(runner, date(2026, 11, 6))
    _as(page, browser_login, mentor.email)
    assert f"{hire.name} is behind" in _centre(page)
    assert any(hire.name in m["Subject"] for m in inbox.to(mentor.email))
    assert not inbox.to(manager.email)
    _notify(runner, date(2026, 11, 9))
    _as(page, browser_login, manager.email)
    assert f"{hire.name} is behind" in _centre(page)
    [to_manager] = [m for m in inbox.to(manager.email) if "behind" in m["Subject"]]
    assert f"/team/{hire.id}" in to_manager.get_content()
    # Running again sends nothing twice.
    before = len(inbox.messages)
    _notify(runner, date(2026, 11, 9))
    assert len(inbox.messages) == before

    # The hire answers a case; the mentor is told, claims it and reviews it.
    _as(page, browser_login, hire.email)
    page.goto(f"{live_server}/roleplays/{CASE}")
    page.get_by_label("Your answer").fill(
        "Good morning, this is Anna from Northwind. You opened a warehouse in Brovary this "
        "spring; who looks after supplies for the new site, and when is a good time to call?"
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("waits for your mentor")).to_be_visible()
    _as(page, browser_login, mentor.email)
    assert f"{hire.name} submitted \u201cGetting past the gatekeeper\u201d (version 1)" in _centre(
        page
    )
    page.get_by_role("link", name="Reviews").click()
    page.get_by_test_id("section-mine").get_by_role("link", name="Review", exact=True).click()
    page.get_by_test_id("claim-button").click()
    expect(page.get_by_text("You have claimed this answer until")).to_be_visible()
    score_every_criterion(page, "3")
    page.get_by_label("Overall comment").fill("A reason tied to the company, and a clear ask.")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text(f"Approved. {hire.name} has been told.")).to_be_visible()

    # The hire asks for a practical sign-off; the mentor approves it; the hire is told.
    _as(page, browser_login, hire.email)
    assert "was approved" in _centre(page)
    page.get_by_role("link", name="Home").click()
    page.locator(f"[data-step='signoff:{ITEM}']").get_by_role(
        "link", name="Ask for a sign-off"
    ).click()
    page.get_by_label("What you did").fill("Five calling sessions with Olena, each debriefed.")
    page.get_by_role("button", name="Ask for a sign-off").click()
    expect(page.get_by_text("Asked. Your mentor will see it in their queue.")).to_be_visible()
    _as(page, browser_login, mentor.email)
    assert "asks for a sign-off" in _centre(page)
    page.get_by_role("link", name="Reviews").click()
    page.get_by_test_id("signoff-requests").get_by_role("link").first.click()
    item = page.locator(f"[data-item='{ITEM}']")
    item.get_by_label("Note").fill("Listened to two of the sessions myself.")
    item.get_by_role("button", name="Approve and sign off").click()
    expect(item.get_by_test_id("signoff-state")).to_have_text(re.compile(r"^signed off"))
    _as(page, browser_login, hire.email)
    assert "Signed off:" in _centre(page)
    page.get_by_role("link", name="Home").click()
    assert "done" in (page.locator(f"[data-step='signoff:{ITEM}']").get_attribute("class") or "")
    # And the decision reaches the hire's mailbox once notify sends the outbox (its mail was
    # queued now, in real time, so notify runs at the real clock here).
    _notify(runner, datetime.now(UTC).date() + timedelta(days=1))
    assert any("Signed off" in m["Subject"] for m in inbox.to(hire.email))
    page.screenshot(path="/tmp/calendar-done-when.png", full_page=True)
