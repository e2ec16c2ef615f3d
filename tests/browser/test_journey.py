"""The whole journey as one scenario, in Chromium against a live server, with the demo people.

hire@demo.local reads and completes a lesson, fails the KPI quiz and then passes it, and
answers the gatekeeper case; the mentor sends it back with comments; the hire resubmits; the
mentor approves it and signs off a practical item; the manager sees the hire turn ready,
clears them, downloads the CSV and opens the certificate; the hire opens their own.

The rest of the hire's track (the steps the scenario does not walk) is done beforehand, as the
demo does it, so that the scenario's steps are the ones that turn the hire ready. Every key
page is also opened at 375×740: nothing may be wider than the screen, and both sizes are
saved as screenshots in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.rubric import score_every_criterion
from tests.browser.site import (
    Site,
    demo_site,
    new_context,
    overflow,
    screenshot,
    sign_in,
    sqlite_copy,
)
from tests.web.quiz_helpers import shown_choice, shown_pair
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo import bulk
from trainhub.demo.data import FABRICATORS, _flush
from trainhub.extensions import db
from trainhub.quizzes.model_answers import model_answers
from trainhub.quizzes.models import QuizAttempt
from trainhub.refresh import refresh

HIRE, MENTOR, MANAGER = "hire@demo.local", "mentor@demo.local", "manager@demo.local"
COURSE, LESSON = "sales-department-foundations", "the-sales-conveyor"
QUIZ, CASE, ITEM = "kpi-basics", "gatekeeper-cold-call", "shadowed-cold-calls"
WALKED = {("quiz", QUIZ), ("roleplay", CASE), ("signoff", ITEM)}


def _arrange_the_rest(site: Site) -> int:
    """Every step of the hire's track but the walked ones, done as the demo does it; of the
    first course, every lesson but the one the hire reads."""
    with site.app.app_context():
        cat = catalog()
        hire = db.session.scalar(sa.select(User).where(User.email == HIRE))
        assert hire is not None and hire.track is not None
        track = cat.tracks[hire.track]
        ctx: dict[str, Any] = {
            "hire_id": hire.id,
            "mentor_id": hire.mentor_id,
            "track": track,
            "clock": utcnow() - timedelta(days=4),
            "rng": random.Random(1),
            "session": db.session,
            "ids": bulk.Ids(db.session),
        }
        rows: Any = defaultdict(list)
        for step in track.steps:
            if (step.kind, step.slug) not in WALKED:
                FABRICATORS[step.kind](step, cat, ctx, rows)
        for model, batch in rows.items():
            rows[model] = [r for r in batch if r.get("lesson_slug") != LESSON]
        _flush(db.session, rows)
        # Rows written in bulk bypass the services: bring the hire's kept readiness current.
        refresh(db.session, [hire.id], utcnow())
        db.session.commit()
        return hire.id


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("journey")
    with demo_site(tmp, sqlite_copy(sqlite_template, tmp)) as found:
        yield found


class Person:
    """One person's desk page, and a phone page with the same sign-in for the key pages."""

    def __init__(self, browser: Any, site: Site, email: str, name: str) -> None:
        self.site, self.name = site, name
        self.desk_context = new_context(browser, "desk")
        self.page = self.desk_context.new_page()
        sign_in(self.page, site.url, email)
        self.phone_context = new_context(browser, "phone", state=self.desk_context.storage_state())
        self.phone = self.phone_context.new_page()
        self.shots: list[str] = []

    def key_page(self, name: str) -> None:
        """Screenshots at both sizes; at 375 px nothing sticks out sideways."""
        self.shots.append(screenshot(self.page, f"journey-{self.name}-{name}-desk").name)
        self.phone.goto(self.page.url)
        assert overflow(self.phone) == [], f"{name} at 375 px"
        self.shots.append(screenshot(self.phone, f"journey-{self.name}-{name}-phone").name)

    def close(self) -> None:
        self.desk_context.close()
        self.phone_context.close()


def _fill(page: Any, layout: dict[str, Any], answers: dict[str, Any]) -> None:
    for index, entry in enumerate(layout["questions"]):
        value = answers.get(entry["question"]["id"])
        kind, name = entry["question"]["type"], f"q{index}"
        if value is None:
            continue
        if kind == "single":
            page.check(f"input[name={name}][value='{shown_choice(layout, entry, value)}']")
        elif kind == "multiple":
            for choice in value:
                page.check(f"input[name={name}][value='{shown_choice(layout, entry, choice)}']")
        elif kind == "true_false":
            page.check(f"input[name={name}][value={'true' if value else 'false'}]")
        elif kind == "matching":
            for pair, text in value.items():
                slot, option = shown_pair(layout, entry, pair, text)
                page.select_option(f"select[name={name}_{slot}]", value=option)
        else:
            page.fill(f"[name={name}]", str(value))


def _layout(site: Site, page: Any) -> dict[str, Any]:
    page.wait_for_url("**/quizzes/attempts/*")  # the click may return before the new page
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with site.app.app_context():
        found: dict[str, Any] = db.session.get(QuizAttempt, attempt_id).layout
    return found


def _progress(page: Any) -> int:
    bar = page.locator("[data-testid=track-progress] [role=progressbar]")
    return int(bar.get_attribute("aria-valuenow"))


@pytest.fixture(scope="module")
def journey(site: Site, browser) -> Iterator[dict[str, Any]]:
    """State the scenario leaves for the last step (the hire's own certificate)."""
    state: dict[str, Any] = {"hire_id": _arrange_the_rest(site), "shots": []}
    yield state


def test_the_whole_journey(site: Site, browser, journey) -> None:
    shots: list[str] = journey["shots"]

    # --- The hire reads and completes a lesson. ---------------------------------------------
    hire = Person(browser, site, HIRE, "hire")
    page = hire.page
    expect(page.get_by_role("heading", name="Lead-generation specialist")).to_be_visible()
    before = _progress(page)
    hire.key_page("home")
    page.get_by_role("link", name="How a sales department works").first.click()
    page.get_by_role("link", name="The three-stage sales conveyor").click()
    expect(page.get_by_role("heading", name="The three-stage sales conveyor")).to_be_visible()
    hire.key_page("lesson")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text("Lesson marked as complete.")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    assert _progress(page) > before
    step = page.locator(f"li[data-step='course:{COURSE}']")
    assert "done" in (step.get_attribute("class") or "")

    # --- The hire fails the quiz, then passes it. -------------------------------------------
    page.locator(f"li[data-step='quiz:{QUIZ}'] a").click()
    expect(page.get_by_role("button", name="Start the quiz")).to_be_visible()
    hire.key_page("quiz")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url("**/quizzes/attempts/*")
    hire.key_page("quiz-attempt")
    _fill(page, _layout(site, page), {"conversion-closers": "15"})
    # Questions left blank: the page asks first, naming them; the hire sends it anyway.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_test_id("verdict")).to_have_text("Not passed")
    assert asked, "the page sent blank answers without asking"
    hire.key_page("quiz-failed")
    page.get_by_role("link", name="Home").click()
    assert "todo" in (page.locator(f"li[data-step='quiz:{QUIZ}']").get_attribute("class") or "")
    page.locator(f"li[data-step='quiz:{QUIZ}'] a").click()
    page.get_by_role("button", name="Try again").click()
    layout = _layout(site, page)
    _fill(page, layout, model_answers(layout))
    page.get_by_role("button", name="Submit for grading").click()
    expect(page.get_by_test_id("verdict")).to_have_text("Passed")
    hire.key_page("quiz-passed")

    # --- The hire answers the case. -----------------------------------------------------------
    page.get_by_role("link", name="Home").click()
    page.locator(f"[data-step='roleplay:{CASE}'] a").click()
    expect(page.get_by_role("heading", name="Getting past the gatekeeper")).to_be_visible()
    assert page.get_by_text("What good looks like").count() == 0  # no mentor notes
    hire.key_page("case")
    page.get_by_label("Your answer").fill("Hi, I'm Harper from Northwind. Is the director in?")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("waits for your mentor")).to_be_visible()
    hire.key_page("case-submitted")

    # --- The mentor sends it back with comments. ------------------------------------------
    mentor = Person(browser, site, MENTOR, "mentor")
    page = mentor.page
    assert page.get_by_test_id("queue-count").inner_text() == "1"
    page.get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("link", name="Review", exact=True)).to_be_visible()
    mentor.key_page("queue")
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("What good looks like").first).to_be_visible()
    mentor.key_page("review-form")
    score_every_criterion(page, "2", "Say why you call Kestrel in particular.")
    page.get_by_label("Overall comment").fill("Good start; tie the call to the new warehouse.")
    page.get_by_label("Needs work").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Sent back with your coaching")).to_be_visible()

    # --- The hire reads the coaching and resubmits. ---------------------------------------
    page = hire.page
    page.get_by_role("link", name="Home").click()
    notices = page.get_by_test_id("review-notices")
    assert "sent back" in notices.inner_text()
    notices.get_by_role("link", name="Getting past the gatekeeper").click()
    expect(page.get_by_text("tie the call to the new warehouse")).to_be_visible()
    hire.key_page("case-sent-back")
    page.get_by_label("Your answer").fill(
        "Hi Iryna, this is Harper from Northwind. You opened the Brovary warehouse this spring; "
        "who looks after office supplies for the new site?"
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 2 was submitted")).to_be_visible()

    # --- The mentor approves and signs off a practical item. ------------------------------
    page = mentor.page
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text("Changes since the previous version")).to_be_visible()
    score_every_criterion(page, "3", "Much better.")
    page.get_by_label("Overall comment").fill("Approved: honest, specific opening.")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Approved. Harper Hire has been told.")).to_be_visible()
    page.get_by_role("link", name="Harper Hire").click()
    expect(page.get_by_role("heading", name="Practical sign-offs")).to_be_visible()
    mentor.key_page("hire-answers-and-signoffs")
    item = page.locator(f"[data-item='{ITEM}']")
    item.get_by_label("Note").fill("Sat in on five sessions, debriefed each.")
    item.get_by_role("button", name="Sign off").click()
    # "^": the page before the sign-off says "not signed off", which contains "signed off".
    expect(page.locator(f"[data-item='{ITEM}'] [data-testid=signoff-state]")).to_have_text(
        re.compile(r"^signed off")
    )

    # --- The manager sees the hire turn ready, clears them, exports, opens the certificate.
    manager = Person(browser, site, MANAGER, "manager")
    page = manager.page
    page.get_by_role("link", name="Team", exact=True).click()
    row = page.locator(f"[data-testid=team-table] tr[data-hire='{HIRE}']")
    expect(row).to_contain_text("ready")
    manager.key_page("dashboard")
    row.get_by_role("link", name="Harper Hire").click()
    expect(page.get_by_role("heading", name="Harper Hire", level=1)).to_be_visible()
    manager.key_page("hire")
    page.get_by_role("button", name="Clear for clients").click()
    expect(page.get_by_text("Harper Hire is cleared for clients.")).to_be_visible()
    expect(page.get_by_test_id("clearance")).to_be_visible()
    page.get_by_role("link", name="Team", exact=True).click()
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    harper = next(r for r in rows if HIRE in r.values())
    assert "ready" in " ".join(harper.values()).lower()
    page.goto(f"{site.url}/team/{journey['hire_id']}/certificate")
    expect(page.locator(".certificate-name")).to_have_text("Harper Hire")
    manager.key_page("certificate")

    for person in (hire, mentor, manager):
        shots += person.shots
        person.close()
    assert len(shots) >= 30


def test_the_hire_opens_their_own_certificate(site: Site, browser, journey) -> None:
    hire = Person(browser, site, HIRE, "hire")
    try:
        response = hire.page.goto(f"{site.url}/team/{journey['hire_id']}/certificate")
        assert response is not None and response.status == 200
        expect(hire.page.locator(".certificate-name")).to_have_text("Harper Hire")
        hire.key_page("own-certificate")
    finally:
        hire.close()
