"""On a 375 px phone (issue 14, finding 1): every role-play case, the mentor's list of hires
and the team dashboard fit the screen; nothing is cut off at the right. Three of eight cases
were 70-90 px wider than the screen (a case's table widened the page's grid), the Russian
gatekeeper case too, and the hire lists were tables clipped at the right edge."""

from __future__ import annotations

from typing import Any

import pytest

from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import DEMO_PASSWORD, load_demo
from trainhub.extensions import db

PHONE = {"width": 375, "height": 740}


def _overflow(page: Any) -> tuple[int, int]:
    return page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def _phone(browser: Any, live_server: str, email: str) -> Any:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    return page


@pytest.fixture
def demo(app: Any) -> list[str]:
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())
        # Russian for the mentor: the Russian case texts are the longest words on the page.
        db.session.query(User).filter_by(email="mentor@demo.local").update({"locale": "ru"})
        db.session.commit()
        return sorted(catalog().roleplays)


def test_cases_and_hire_lists_fit_a_phone(browser, live_server, demo) -> None:
    hire = _phone(browser, live_server, "hire@demo.local")
    for slug in demo:
        hire.goto(f"{live_server}/roleplays/{slug}")
        width, screen = _overflow(hire)
        assert width <= screen, f"/roleplays/{slug} is {width - screen} px too wide"
    hire.context.close()

    mentor = _phone(browser, live_server, "mentor@demo.local")
    assert mentor.locator("html").get_attribute("lang") == "ru"
    mentor.goto(f"{live_server}/roleplays/gatekeeper-cold-call")
    width, screen = _overflow(mentor)
    assert width <= screen, f"the Russian gatekeeper case is {width - screen} px too wide"
    mentor.goto(f"{live_server}/")
    width, screen = _overflow(mentor)
    assert width <= screen
    # Each hire is a card: the last column (the next step) is inside the screen, not clipped
    # by a scrolling table.
    cell = mentor.locator("[data-testid=hire-list] tbody tr").first.locator("td").last
    box = cell.bounding_box()
    assert box is not None and box["x"] + box["width"] <= screen
    mentor.context.close()

    manager = _phone(browser, live_server, "manager@demo.local")
    manager.goto(f"{live_server}/team/")
    width, screen = _overflow(manager)
    assert width <= screen
    row = manager.locator("[data-testid=team-table] tbody tr").first
    for name in ("status", "progress"):
        found = row.locator(f"[data-testid={name}], .progress").first
        box = found.bounding_box()
        assert box is not None and box["x"] + box["width"] <= screen, name
    # The filters no longer fill the first screen: the first hire starts within two screens.
    top = row.bounding_box()
    assert top is not None and top["y"] < 2 * PHONE["height"]
    manager.context.close()
