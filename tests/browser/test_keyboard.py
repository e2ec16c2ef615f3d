"""The keyboard alone: sign in, take a quiz, submit a review and sign off, with Tab, the arrow
keys, Space, Enter and typing only (no click, no fill). Each step moves focus from the top of
the page with Tab, as a person does, so a control that Tab never reaches fails the test."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.site import PASSWORD, Site, demo_site, new_context, sqlite_copy
from tests.web.quiz_helpers import shown_choice, shown_pair
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.extensions import db
from trainhub.quizzes.model_answers import model_answers
from trainhub.quizzes.models import QuizAttempt
from trainhub.roleplays.models import RoleplaySubmission

QUIZ, CASE, ITEM = "kpi-basics", "gatekeeper-cold-call", "shadowed-cold-calls"
FOCUSED = """() => { const e = document.activeElement;
  const item = e.closest('[data-item]');
  return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '',
          value: e.value || '', checked: !!e.checked,
          text: (e.tagName === 'INPUT' && e.type === 'submit' ? e.value : e.innerText || '').trim(),
          item: item ? item.dataset.item : ''}; }"""
Focused = dict[str, Any]


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("keyboard")
    with demo_site(tmp, sqlite_copy(sqlite_template, tmp)) as found:
        with found.app.app_context():
            hire = db.session.scalar(sa.select(User).where(User.email == "hire@demo.local"))
            case = catalog().roleplays[CASE]
            now = utcnow() - timedelta(hours=3)
            db.session.add(
                RoleplaySubmission(
                    user_id=hire.id,
                    case_slug=CASE,
                    case_hash=case.content_hash,
                    version=1,
                    text="Hi Iryna, this is Harper from Northwind. Who looks after supplies?",
                    status="submitted",
                    created_at=now,
                    updated_at=now,
                    submitted_at=now,
                )
            )
            db.session.commit()
        yield found


def _tab_until(page: Any, act: Callable[[Focused], bool], limit: int = 400) -> None:
    """Tab from the top of the page; ``act`` sees each focused control and may press keys;
    it answers True when the task is done."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.keyboard.press("Home")
    trail: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        trail.append(f"{focused['tag']}[{focused['name'] or focused['text'][:30]}]")
        if act(focused):
            return
    raise AssertionError(f"Tab never reached the control that finishes the task: {trail[:60]}")


def _follow(page: Any, matches: Callable[[Focused], bool]) -> None:
    """Tab to a link or button and press Enter on it, waiting for the page it opens."""

    def act(el: Focused) -> bool:
        if not matches(el):
            return False
        with page.expect_navigation():
            page.keyboard.press("Enter")
        return True

    _tab_until(page, act)


def _choose_radio(page: Any, wanted: str) -> None:
    """On a focused radio group: arrow keys move and check; Space checks the first one."""
    for _ in range(12):
        now = page.evaluate(FOCUSED)
        if now["value"] == wanted:
            if not now["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio button {wanted!r} in the group")


def _choose_option(page: Any, wanted: str) -> None:
    for _ in range(20):
        if page.evaluate(FOCUSED)["value"] == wanted:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {wanted!r} in the list")


def _sign_in(page: Any, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    typed: set[str] = set()

    def act(el: Focused) -> bool:
        if el["name"] in ("email", "password") and el["name"] not in typed:
            page.keyboard.type(email if el["name"] == "email" else PASSWORD)
            typed.add(el["name"])
        elif typed == {"email", "password"} and el["tag"] == "button":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return True
        return False

    _tab_until(page, act)
    page.wait_for_url(f"{url}/")


def _quiz_targets(layout: dict[str, Any]) -> dict[str, Any]:
    """What each control of the attempt should end up holding, by control name."""
    answers = model_answers(layout)
    targets: dict[str, Any] = {}
    for index, entry in enumerate(layout["questions"]):
        question, name = entry["question"], f"q{index}"
        value, kind = answers.get(question["id"]), question["type"]
        if value is None:
            continue
        if kind == "single":
            targets[name] = shown_choice(layout, entry, value)
        elif kind == "multiple":
            targets[name] = {shown_choice(layout, entry, choice) for choice in value}
        elif kind == "true_false":
            targets[name] = "true" if value else "false"
        elif kind == "matching":
            for pair, text in value.items():
                slot, option = shown_pair(layout, entry, pair, text)
                targets[f"{name}_{slot}"] = option
        else:
            targets[name] = str(value)
    return targets


def test_the_keyboard_alone_signs_in_takes_a_quiz_reviews_and_signs_off(site, browser) -> None:
    context = new_context(browser, "desk")
    page = context.new_page()

    # --- The hire signs in and takes the quiz. ------------------------------------------------
    _sign_in(page, site.url, "hire@demo.local")
    _follow(page, lambda el: el["tag"] == "a" and el["text"] == "KPI basics")
    expect(page.get_by_role("heading", name="KPI basics")).to_be_visible()
    _follow(page, lambda el: el["text"] == "Start the quiz")
    page.wait_for_url("**/quizzes/attempts/*")
    attempt_id = int(page.url.rsplit("/", 1)[1])
    with site.app.app_context():
        targets = _quiz_targets(db.session.get(QuizAttempt, attempt_id).layout)
    done: set[str] = set()

    def answer(el: Focused) -> bool:
        name, wanted = el["name"], targets.get(el["name"])
        if el["type"] == "submit" and el["text"] == "Submit for grading":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return True
        if wanted is None:
            return False
        if el["type"] == "radio" and name not in done:
            _choose_radio(page, wanted)
            done.add(name)
        elif el["type"] == "checkbox" and el["value"] in wanted and not el["checked"]:
            page.keyboard.press("Space")
        elif el["tag"] == "select":
            _choose_option(page, wanted)
        elif el["tag"] in ("input", "textarea") and el["type"] not in ("radio", "checkbox"):
            page.keyboard.type(wanted)
        return False

    _tab_until(page, answer)
    expect(page.get_by_test_id("verdict")).to_have_text("Passed")

    # --- The mentor reviews the hire's answer and signs off a practical item. ----------------
    context.clear_cookies()
    _sign_in(page, site.url, "mentor@demo.local")  # a fresh sign-in, by the keyboard again
    _follow(page, lambda el: el["tag"] == "a" and el["text"].startswith("Reviews"))
    _follow(page, lambda el: el["tag"] == "a" and el["text"] == "Review")
    expect(page.get_by_role("heading", name="Rubric")).to_be_visible()
    levels_done: set[str] = set()

    def review(el: Focused) -> bool:
        name = el["name"]
        if el["type"] == "radio" and name.startswith("level-") and name not in levels_done:
            _choose_radio(page, "4")
            levels_done.add(name)
        elif el["tag"] == "textarea" and name == "comment":
            page.keyboard.type("Approved: a specific, honest opening.")
        elif el["type"] == "radio" and name == "decision" and name not in levels_done:
            _choose_radio(page, "approved")
            levels_done.add(name)
        elif el["tag"] == "button" and el["text"] == "Save decision":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return True
        return False

    _tab_until(page, review)
    expect(page.get_by_text("Approved. Harper Hire has been told.")).to_be_visible()
    _follow(page, lambda el: el["tag"] == "a" and el["text"] == "Harper Hire")
    noted: list[bool] = []

    def sign_off(el: Focused) -> bool:
        if el["item"] != ITEM:
            return False
        if el["tag"] in ("input", "textarea") and el["name"].endswith("note") and not noted:
            page.keyboard.type("Sat in on five sessions, debriefed each.")
            noted.append(True)
        elif el["tag"] == "button" and el["text"] == "Sign off" and noted:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return True
        return False

    _tab_until(page, sign_off)
    # "^": the page before the sign-off says "not signed off", which contains "signed off".
    expect(page.locator(f"[data-item='{ITEM}'] [data-testid=signoff-state]")).to_have_text(
        re.compile(r"^signed off")
    )
    context.close()
